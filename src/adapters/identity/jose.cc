#include "adapters/identity/jose.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rsa.h>
#include <sodium.h>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace callgate::identity {

struct JwkSet::Key {
  std::string kty;  // "RSA", "EC", "OKP"
  std::string kid;
  std::string alg;             // "" when the JWK does not restrict it
  std::string curve;           // EC and OKP: "P-256", "Ed25519", ...
  size_t coordinateBytes = 0;  // EC: the length of x, y and of R and S in a signature
  EVP_PKEY* pkey = nullptr;
  ~Key() { EVP_PKEY_free(pkey); }
};

JwkSet::~JwkSet() = default;

namespace {

struct BnFree {
  void operator()(BIGNUM* b) const { BN_free(b); }
};
struct BldFree {
  void operator()(OSSL_PARAM_BLD* b) const { OSSL_PARAM_BLD_free(b); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct EcdsaSigFree {
  void operator()(ECDSA_SIG* s) const { ECDSA_SIG_free(s); }
};

constexpr int kMinRsaBits = 2048;

// base64url without padding; `lenient` also takes trailing '=' (seen in some JWKS documents).
bool decodeB64Url(std::string_view text, std::string& out, bool lenient) {
  if (lenient) {
    while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  }
  out.assign(text.size() * 3 / 4 + 3, '\0');
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, &end,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      end != text.data() + text.size()) {
    return false;
  }
  out.resize(len);
  return true;
}

// The member `name` of a JWK as decoded bytes, or false.
bool memberBytes(const nlohmann::json& jwk, const char* name, std::string& out) {
  const auto it = jwk.find(name);
  if (it == jwk.end() || !it->is_string()) return false;
  return decodeB64Url(it->get_ref<const std::string&>(), out, /*lenient=*/true) && !out.empty();
}

std::string memberString(const nlohmann::json& jwk, const char* name) {
  const auto it = jwk.find(name);
  return it != jwk.end() && it->is_string() ? it->get<std::string>() : std::string();
}

EVP_PKEY* fromParams(const char* type, OSSL_PARAM_BLD* bld) {
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(bld));
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* pkey = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &pkey, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return nullptr;
  }
  return pkey;
}

bool publicCheck(EVP_PKEY* pkey) {
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(
      EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
  return ctx && EVP_PKEY_public_check(ctx.get()) == 1;
}

// Fills key.pkey from the JWK's parameters; a message naming the problem on failure.
std::string readRsa(const nlohmann::json& jwk, JwkSet::Key& key) {
  std::string n, e;
  if (!memberBytes(jwk, "n", n) || !memberBytes(jwk, "e", e)) return "RSA key without n or e";
  std::unique_ptr<BIGNUM, BnFree> bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(n.data()),
                                               static_cast<int>(n.size()), nullptr));
  std::unique_ptr<BIGNUM, BnFree> be(BN_bin2bn(reinterpret_cast<const unsigned char*>(e.data()),
                                               static_cast<int>(e.size()), nullptr));
  std::unique_ptr<OSSL_PARAM_BLD, BldFree> bld(OSSL_PARAM_BLD_new());
  if (!bn || !be || !bld ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, be.get()) != 1) {
    return "RSA key cannot be built";
  }
  if (BN_num_bits(bn.get()) < kMinRsaBits) return "RSA key is shorter than 2048 bits";
  if (!BN_is_odd(be.get()) || BN_is_one(be.get())) return "RSA key has an invalid exponent";
  key.pkey = fromParams("RSA", bld.get());
  return key.pkey == nullptr ? "RSA key cannot be built" : "";
}

std::string readEc(const nlohmann::json& jwk, JwkSet::Key& key) {
  const char* group = nullptr;
  if (key.curve == "P-256") {
    group = "prime256v1", key.coordinateBytes = 32;
  } else if (key.curve == "P-384") {
    group = "secp384r1", key.coordinateBytes = 48;
  } else if (key.curve == "P-521") {
    group = "secp521r1", key.coordinateBytes = 66;
  } else {
    return "EC key on an unsupported curve";
  }
  std::string x, y;
  if (!memberBytes(jwk, "x", x) || !memberBytes(jwk, "y", y)) return "EC key without x or y";
  // RFC 7518 §6.2.1.2: the coordinates are always full length.
  if (x.size() != key.coordinateBytes || y.size() != key.coordinateBytes) {
    return "EC key coordinates are not the curve's length";
  }
  std::string point = "\x04" + x + y;  // uncompressed SEC1 encoding
  std::unique_ptr<OSSL_PARAM_BLD, BldFree> bld(OSSL_PARAM_BLD_new());
  if (!bld ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    return "EC key cannot be built";
  }
  key.pkey = fromParams("EC", bld.get());
  if (key.pkey == nullptr || !publicCheck(key.pkey)) return "EC key is not a point of its curve";
  return "";
}

std::string readOkp(const nlohmann::json& jwk, JwkSet::Key& key) {
  int type = 0;
  size_t size = 0;
  if (key.curve == "Ed25519") {
    type = EVP_PKEY_ED25519, size = 32;
  } else if (key.curve == "Ed448") {
    type = EVP_PKEY_ED448, size = 57;
  } else {
    return "";  // X25519/X448: key agreement, not signatures; skipped by the caller
  }
  std::string x;
  if (!memberBytes(jwk, "x", x) || x.size() != size) return "OKP key x is not the curve's length";
  key.pkey = EVP_PKEY_new_raw_public_key(
      type, nullptr, reinterpret_cast<const unsigned char*>(x.data()), x.size());
  return key.pkey == nullptr ? "OKP key cannot be built" : "";
}

bool usableForSignatures(const nlohmann::json& jwk) {
  const auto use = jwk.find("use");
  if (use != jwk.end() && (!use->is_string() || *use != "sig")) return false;
  const auto ops = jwk.find("key_ops");
  if (ops != jwk.end()) {
    if (!ops->is_array()) return false;
    return std::any_of(ops->begin(), ops->end(),
                       [](const nlohmann::json& op) { return op.is_string() && op == "verify"; });
  }
  return true;
}

struct AlgInfo {
  std::string_view name;
  std::string_view kty;
  std::string_view curve;  // ES*: the one curve; "" otherwise
  const EVP_MD* (*digest)();
  bool pss;
};

const AlgInfo kAlgorithms[] = {
    {"RS256", "RSA", "", EVP_sha256, false},     {"RS384", "RSA", "", EVP_sha384, false},
    {"RS512", "RSA", "", EVP_sha512, false},     {"PS256", "RSA", "", EVP_sha256, true},
    {"PS384", "RSA", "", EVP_sha384, true},      {"PS512", "RSA", "", EVP_sha512, true},
    {"ES256", "EC", "P-256", EVP_sha256, false}, {"ES384", "EC", "P-384", EVP_sha384, false},
    {"ES512", "EC", "P-521", EVP_sha512, false}, {"EdDSA", "OKP", "", nullptr, false},
};

const AlgInfo* findAlg(std::string_view name) {
  for (const AlgInfo& a : kAlgorithms) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

bool fits(const JwkSet::Key& key, const AlgInfo& alg) {
  if (key.kty != alg.kty) return false;
  if (!alg.curve.empty() && key.curve != alg.curve) return false;
  return key.alg.empty() || key.alg == alg.name;
}

// JWS ECDSA signatures are R || S at the curve's length; OpenSSL wants DER.
bool ecdsaToDer(std::string_view raw, size_t coordinateBytes, std::string& der) {
  if (raw.size() != 2 * coordinateBytes) return false;
  std::unique_ptr<ECDSA_SIG, EcdsaSigFree> sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()),
                        static_cast<int>(coordinateBytes), nullptr);
  BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data() + coordinateBytes),
                        static_cast<int>(coordinateBytes), nullptr);
  if (!sig || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return false;
  }
  const int len = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (len <= 0) return false;
  der.assign(static_cast<size_t>(len), '\0');
  auto* p = reinterpret_cast<unsigned char*>(der.data());
  return i2d_ECDSA_SIG(sig.get(), &p) == len;
}

bool verifySignature(const JwkSet::Key& key, const AlgInfo& alg, std::string_view signingInput,
                     std::string_view signature) {
  std::string der;
  if (alg.kty == "EC") {
    if (!ecdsaToDer(signature, key.coordinateBytes, der)) return false;
    signature = der;
  }
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> md(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by md
  if (!md || EVP_DigestVerifyInit(md.get(), &pctx, alg.digest ? alg.digest() : nullptr, nullptr,
                                  key.pkey) != 1) {
    return false;
  }
  if (alg.pss && (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
                  EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
                  EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, alg.digest()) != 1)) {
    return false;
  }
  return EVP_DigestVerify(
             md.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
             reinterpret_cast<const unsigned char*>(signingInput.data()), signingInput.size()) == 1;
}

Error bad(const char* why) { return Error::unauthenticated(why); }

struct Segments {
  std::string_view header, payload, signature, signingInput;
};

bool split(std::string_view jwt, Segments& s) {
  const size_t dot1 = jwt.find('.');
  const size_t dot2 = dot1 == std::string_view::npos ? dot1 : jwt.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || jwt.find('.', dot2 + 1) != std::string_view::npos) {
    return false;
  }
  s.header = jwt.substr(0, dot1);
  s.payload = jwt.substr(dot1 + 1, dot2 - dot1 - 1);
  s.signature = jwt.substr(dot2 + 1);
  s.signingInput = jwt.substr(0, dot2);
  return !s.header.empty() && !s.payload.empty() && !s.signature.empty();
}

}  // namespace

const std::vector<std::string>& supportedJwsAlgorithms() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const AlgInfo& a : kAlgorithms) out.emplace_back(a.name);
    return out;
  }();
  return names;
}

Result<std::shared_ptr<const JwkSet>> JwkSet::parse(std::string_view json) {
  const nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Error::invalidArgument("JWK Set is not a JSON object");
  }
  const auto keys = doc.find("keys");
  if (keys == doc.end() || !keys->is_array()) {
    return Error::invalidArgument("JWK Set has no \"keys\" array");
  }
  std::shared_ptr<JwkSet> set(new JwkSet());
  size_t index = 0;
  for (const nlohmann::json& jwk : *keys) {
    const std::string where = "JWK Set key " + std::to_string(index++) + ": ";
    if (!jwk.is_object()) return Error::invalidArgument(where + "not a JSON object");
    auto key = std::make_unique<Key>();
    key->kty = memberString(jwk, "kty");
    key->kid = memberString(jwk, "kid");
    key->alg = memberString(jwk, "alg");
    key->curve = memberString(jwk, "crv");
    if (!usableForSignatures(jwk)) continue;
    if (!key->alg.empty() && findAlg(key->alg) == nullptr) continue;  // e.g. RSA-OAEP, HS256
    std::string problem;
    if (key->kty == "RSA") {
      problem = readRsa(jwk, *key);
    } else if (key->kty == "EC") {
      problem = readEc(jwk, *key);
    } else if (key->kty == "OKP") {
      problem = readOkp(jwk, *key);
    } else {
      continue;  // "oct" and unknown types: never a public signature key
    }
    if (!problem.empty()) return Error::invalidArgument(where + problem);
    if (key->pkey == nullptr) continue;  // an OKP key for key agreement
    set->keys_.push_back(std::move(key));
  }
  return std::shared_ptr<const JwkSet>(std::move(set));
}

bool JwkSet::hasKid(std::string_view kid) const {
  return std::any_of(keys_.begin(), keys_.end(), [&](const auto& k) { return k->kid == kid; });
}

std::string peekKid(std::string_view jwt) {
  Segments s;
  std::string header;
  if (jwt.size() > kMaxIdTokenBytes || !split(jwt, s) ||
      !decodeB64Url(s.header, header, /*lenient=*/false)) {
    return "";
  }
  const nlohmann::json doc = nlohmann::json::parse(header, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return "";
  return memberString(doc, "kid");
}

Result<VerifiedJws> verifyJws(std::string_view jwt, const JwkSet& keys,
                              const std::vector<std::string>& algorithms) {
  if (jwt.size() > kMaxIdTokenBytes) return bad("token is too large");
  Segments s;
  if (!split(jwt, s)) return bad("token is not a compact JWS (three non-empty segments)");
  std::string headerJson;
  if (!decodeB64Url(s.header, headerJson, /*lenient=*/false)) {
    return bad("token header is not base64url");
  }
  const nlohmann::json header =
      nlohmann::json::parse(headerJson, nullptr, /*allow_exceptions=*/false);
  if (header.is_discarded() || !header.is_object()) return bad("token header is not a JSON object");
  const auto algIt = header.find("alg");
  if (algIt == header.end() || !algIt->is_string()) return bad("token header has no alg");
  VerifiedJws out;
  out.algorithm = algIt->get<std::string>();
  const AlgInfo* alg = findAlg(out.algorithm);
  if (alg == nullptr ||
      std::find(algorithms.begin(), algorithms.end(), out.algorithm) == algorithms.end()) {
    return bad("token alg is not an accepted asymmetric algorithm");
  }
  if (header.contains("crit")) return bad("token header has crit extensions");
  const auto kidIt = header.find("kid");
  if (kidIt != header.end() && !kidIt->is_string()) return bad("token kid is not a string");
  const bool hasKid = kidIt != header.end();
  if (hasKid) out.kid = kidIt->get<std::string>();

  const JwkSet::Key* chosen = nullptr;
  if (hasKid) {
    bool kidKnown = false;
    for (const auto& k : keys.keys()) {
      if (k->kid != out.kid) continue;
      kidKnown = true;
      if (fits(*k, *alg)) {
        chosen = k.get();
        break;
      }
    }
    if (!kidKnown) return Error::notFound("token kid is not in the identity provider's JWKS");
    if (chosen == nullptr) return bad("token alg does not fit the key its kid names");
  } else {
    size_t fitting = 0;
    for (const auto& k : keys.keys()) {
      if (fits(*k, *alg)) {
        ++fitting;
        chosen = k.get();
      }
    }
    if (fitting == 0)
      return Error::notFound("no key of the identity provider's JWKS fits the token");
    if (fitting > 1) return bad("token has no kid and several keys fit its alg");
  }

  std::string signature;
  if (!decodeB64Url(s.signature, signature, /*lenient=*/false)) {
    return bad("token signature is not base64url");
  }
  if (!verifySignature(*chosen, *alg, s.signingInput, signature)) {
    return bad("token signature is invalid");
  }
  if (!decodeB64Url(s.payload, out.payload, /*lenient=*/false)) {
    return bad("token payload is not base64url");
  }
  return out;
}

}  // namespace callgate::identity
