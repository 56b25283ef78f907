#include "adapters/security/stir/key_files.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <ctime>
#include <memory>

namespace callgate::stir {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;

// A passphrase callback that refuses: without one OpenSSL would prompt on the terminal for an
// encrypted key, and a server must never block on that.
int noPassphrase(char*, int, int, void*) { return -1; }

Error bad(const std::string& what, const std::string& path, const std::string& why) {
  ERR_clear_error();  // OpenSSL's queue is per thread; leave it clean for the next caller
  return Error::invalidArgument(what + " file " + path + ": " + why);
}

Result<BioPtr> openFile(const std::string& what, const std::string& path) {
  BioPtr bio(BIO_new_file(path.c_str(), "r"));
  if (!bio) return bad(what, path, "cannot be read");
  return bio;
}

// ES256 means ECDSA over P-256 with SHA-256; any other key cannot have signed a SHAKEN PASSporT.
bool isP256(EVP_PKEY* key) {
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC) return false;
  char group[64] = {};
  size_t len = 0;
  if (EVP_PKEY_get_group_name(key, group, sizeof group, &len) != 1) return false;
  const std::string name(group, len);
  return name == "prime256v1" || name == "P-256" || name == "secp256r1";
}

Result<std::string> publicPem(EVP_PKEY* key, const std::string& what, const std::string& path) {
  BioPtr mem(BIO_new(BIO_s_mem()));
  if (!mem || PEM_write_bio_PUBKEY(mem.get(), key) != 1) {
    return bad(what, path, "public key cannot be encoded");
  }
  char* data = nullptr;
  const long len = BIO_get_mem_data(mem.get(), &data);
  if (len <= 0 || data == nullptr) return bad(what, path, "public key cannot be encoded");
  return std::string(data, static_cast<size_t>(len));
}

Result<int64_t> epochOf(const ASN1_TIME* t, const std::string& path) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) {
    return bad("certificate", path, "unreadable validity period");
  }
  return static_cast<int64_t>(timegm(&tm));
}

}  // namespace

Result<PublicKeyPem> readPublicKeyFile(const std::string& path) {
  auto bio = openFile("public key", path);
  if (!bio.ok()) return bio.error();
  PkeyPtr key(PEM_read_bio_PUBKEY(bio->get(), nullptr, noPassphrase, nullptr));
  if (!key) return bad("public key", path, "no PEM public key (-----BEGIN PUBLIC KEY-----)");
  if (!isP256(key.get())) return bad("public key", path, "not an EC P-256 key (ES256)");
  auto pem = publicPem(key.get(), "public key", path);
  if (!pem.ok()) return pem.error();
  return PublicKeyPem{std::move(pem.value()), 0, 0};
}

Result<PublicKeyPem> readCertificateFile(const std::string& path) {
  auto bio = openFile("certificate", path);
  if (!bio.ok()) return bio.error();
  X509Ptr cert(PEM_read_bio_X509(bio->get(), nullptr, noPassphrase, nullptr));
  if (!cert) return bad("certificate", path, "no PEM certificate (-----BEGIN CERTIFICATE-----)");
  EVP_PKEY* key = X509_get0_pubkey(cert.get());  // owned by the certificate
  if (key == nullptr || !isP256(key)) {
    return bad("certificate", path, "its key is not EC P-256 (ES256)");
  }
  auto notBefore = epochOf(X509_get0_notBefore(cert.get()), path);
  if (!notBefore.ok()) return notBefore.error();
  auto notAfter = epochOf(X509_get0_notAfter(cert.get()), path);
  if (!notAfter.ok()) return notAfter.error();
  auto pem = publicPem(key, "certificate", path);
  if (!pem.ok()) return pem.error();
  return PublicKeyPem{std::move(pem.value()), *notBefore, *notAfter};
}

Status checkPrivateKeyFile(const std::string& path) {
  auto bio = openFile("private key", path);
  if (!bio.ok()) return bio.error();
  PkeyPtr key(PEM_read_bio_PrivateKey(bio->get(), nullptr, noPassphrase, nullptr));
  if (!key) return bad("private key", path, "no unencrypted PEM private key");
  if (!isP256(key.get())) return bad("private key", path, "not an EC P-256 key (ES256)");
  return okStatus();
}

}  // namespace callgate::stir
