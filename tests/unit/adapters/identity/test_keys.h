// Test identity provider keys: RSA, EC and Ed25519 key pairs made with OpenSSL, their public JWKs,
// and ID tokens signed with them, for the identity adapters' tests. Keys are generated per test
// binary (RSA once: it takes a moment). Not thread-safe; tests only.
#pragma once

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <sodium.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

namespace callgate::testing {

inline std::string b64url(std::string_view bytes) {
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.pop_back();
  return out;
}

struct PkeyDeleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};

struct TestKey {
  std::string kty;  // "RSA", "EC", "OKP"
  std::string kid;
  std::unique_ptr<EVP_PKEY, PkeyDeleter> pkey;

  // The public JWK; `alg` and `use` are added when non-empty.
  nlohmann::json jwk(std::string_view alg = "", std::string_view use = "sig") const {
    nlohmann::json j = {{"kty", kty}, {"kid", kid}};
    if (!alg.empty()) j["alg"] = alg;
    if (!use.empty()) j["use"] = use;
    if (kty == "RSA") {
      j["n"] = b64url(bn(OSSL_PKEY_PARAM_RSA_N, 0));
      j["e"] = b64url(bn(OSSL_PKEY_PARAM_RSA_E, 0));
    } else if (kty == "EC") {
      j["crv"] = "P-256";
      j["x"] = b64url(bn(OSSL_PKEY_PARAM_EC_PUB_X, 32));
      j["y"] = b64url(bn(OSSL_PKEY_PARAM_EC_PUB_Y, 32));
    } else {
      j["crv"] = "Ed25519";
      unsigned char raw[32];
      size_t len = sizeof raw;
      EVP_PKEY_get_raw_public_key(pkey.get(), raw, &len);
      j["x"] = b64url(std::string_view(reinterpret_cast<char*>(raw), len));
    }
    return j;
  }

  std::string bn(const char* name, int pad) const {
    BIGNUM* b = nullptr;
    if (EVP_PKEY_get_bn_param(pkey.get(), name, &b) != 1) throw std::runtime_error("bn param");
    std::string out(static_cast<size_t>(pad > 0 ? pad : BN_num_bytes(b)), '\0');
    BN_bn2binpad(b, reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(out.size()));
    BN_free(b);
    return out;
  }

  // header.payload.signature with `alg` ("RS256", "PS256", "ES256", "EdDSA"); the header is
  // {"alg":alg,"kid":kid,"typ":"JWT"} unless given.
  std::string sign(std::string_view alg, const nlohmann::json& claims,
                   nlohmann::json header = nullptr) const {
    if (header.is_null()) header = {{"alg", alg}, {"kid", kid}, {"typ", "JWT"}};
    const std::string input = b64url(header.dump()) + "." + b64url(claims.dump());
    return input + "." + b64url(signature(alg, input));
  }

  std::string signature(std::string_view alg, std::string_view input) const {
    const EVP_MD* md = alg == "EdDSA"           ? nullptr
                       : alg.substr(2) == "384" ? EVP_sha384()
                       : alg.substr(2) == "512" ? EVP_sha512()
                                                : EVP_sha256();
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX* pctx = nullptr;
    EVP_DigestSignInit(ctx, &pctx, md, nullptr, pkey.get());
    if (alg.substr(0, 2) == "PS") {
      EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
      EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
    }
    size_t len = 0;
    EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(input.data()),
                   input.size());
    std::string sig(len, '\0');
    EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                   reinterpret_cast<const unsigned char*>(input.data()), input.size());
    sig.resize(len);
    EVP_MD_CTX_free(ctx);
    if (kty != "EC") return sig;
    // DER -> R || S (32 bytes each)
    const auto* p = reinterpret_cast<const unsigned char*>(sig.data());
    ECDSA_SIG* es = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
    std::string raw(64, '\0');
    BN_bn2binpad(ECDSA_SIG_get0_r(es), reinterpret_cast<unsigned char*>(raw.data()), 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(es), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
    ECDSA_SIG_free(es);
    return raw;
  }
};

inline TestKey makeKey(std::string kty, std::string kid, size_t rsaBits = 2048) {
  TestKey k;
  k.kty = std::move(kty);
  k.kid = std::move(kid);
  if (k.kty == "RSA") {
    k.pkey.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", rsaBits));
  } else if (k.kty == "EC") {
    k.pkey.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  } else {
    k.pkey.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  }
  if (!k.pkey) throw std::runtime_error("keygen");
  return k;
}

// One RSA key per test binary (2048-bit generation takes tens of milliseconds).
inline const TestKey& sharedRsaKey() {
  static const TestKey key = makeKey("RSA", "rsa-1");
  return key;
}

inline std::string jwks(std::initializer_list<nlohmann::json> keys) {
  return nlohmann::json{{"keys", nlohmann::json::array_t(keys)}}.dump();
}

}  // namespace callgate::testing
