// Test key material for the STIR/SHAKEN tests: a fresh EC P-256 key pair and a self-signed
// certificate written as PEM files into a TempDir with OpenSSL's EVP/X509 APIs, so the tests need
// no fixture files and no network. Header-only; each call makes new keys.
#pragma once

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>

#include "fakes/temp_dir.h"

namespace callgate::stir::testing {

struct KeyFiles {
  std::string privateKey;   // PKCS#8 PEM
  std::string publicKey;    // SubjectPublicKeyInfo PEM
  std::string certificate;  // self-signed X.509 PEM
};

inline bool writePem(const std::string& path, const std::function<int(FILE*)>& write) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) return false;
  const bool ok = write(f) == 1;
  return std::fclose(f) == 0 && ok;
}

// Writes <name>.key, <name>.pub and <name>.crt into `dir`. The certificate is valid from
// notBefore to notAfter (epoch seconds). `rsa` makes an RSA key instead (to test refusals).
inline KeyFiles makeKeyFiles(const callgate::testing::TempDir& dir, const std::string& name,
                             int64_t notBefore, int64_t notAfter, bool rsa = false) {
  KeyFiles files{dir.file(name + ".key"), dir.file(name + ".pub"), dir.file(name + ".crt")};
  EVP_PKEY* key = rsa ? EVP_RSA_gen(2048) : EVP_EC_gen("P-256");
  EXPECT_NE(key, nullptr);
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  ASN1_TIME_set(X509_getm_notBefore(cert), static_cast<time_t>(notBefore));
  ASN1_TIME_set(X509_getm_notAfter(cert), static_cast<time_t>(notAfter));
  X509_set_pubkey(cert, key);
  X509_NAME* subject = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("callgate test SHAKEN"), -1, -1,
                             0);
  X509_set_issuer_name(cert, subject);
  EXPECT_GT(X509_sign(cert, key, EVP_sha256()), 0);
  EXPECT_TRUE(writePem(files.privateKey, [&](FILE* f) {
    return PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
  }));
  EXPECT_TRUE(writePem(files.publicKey, [&](FILE* f) { return PEM_write_PUBKEY(f, key); }));
  EXPECT_TRUE(writePem(files.certificate, [&](FILE* f) { return PEM_write_X509(f, cert); }));
  X509_free(cert);
  EVP_PKEY_free(key);
  return files;
}

}  // namespace callgate::stir::testing
