#include "adapters/security/token/verdict_jwt.h"

#include <nlohmann/json.hpp>

#include "adapters/security/token/base64url.h"

namespace callgate::token {

std::string signVerdict(const VerdictClaims& claims, const Ed25519Key& key) {
  return signCompactJws(encodeJwtHeader(key.kid, kVerdictTokenType), verdictClaimsJson(claims),
                        key);
}

Result<VerdictClaims> verifyVerdictSignature(std::string_view jwt, const PublicKeyLookup& lookup) {
  auto payload = verifyCompactJws(jwt, kVerdictTokenType, lookup);
  if (!payload) return payload.error();
  return parseVerdictClaimsJson(*payload);
}

Result<std::string> KeyRingVerdictSigner::sign(const VerdictClaims& claims) {
  return signVerdict(claims, keys_.current()->signingKey());
}

Status KeyRingVerdictSigner::verify(std::string_view jwt, const VerdictCheck& check,
                                    TimePoint now) {
  const std::shared_ptr<const KeySet> keys = keys_.current();
  auto claims = verifyVerdictSignature(jwt, [&](std::string_view kid) {
    const Ed25519Key* key = keys->verificationKey(kid, now);
    return key == nullptr ? nullptr : key->publicKey.data();
  });
  if (!claims.ok()) return claims.error();
  return checkVerdictClaims(*claims, check, now);
}

Result<JwksKeys> JwksKeys::parse(std::string_view json) {
  const nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("keys") || !doc["keys"].is_array())
    return Error::invalidArgument("not a JWKS document (an object with a \"keys\" array)");
  JwksKeys out;
  for (const auto& jwk : doc["keys"]) {
    if (!jwk.is_object() || jwk.value("kty", "") != "OKP" || jwk.value("crv", "") != "Ed25519")
      continue;
    const std::string x = jwk.value("x", "");
    const std::string kid = jwk.value("kid", "");
    std::array<unsigned char, kEd25519PublicKeyBytes> key{};
    if (!base64UrlDecodeExact(x, key.data(), key.size()))
      return Error::invalidArgument("a JWKS Ed25519 key's x is not 32 bytes of base64url");
    if (kid != jwkThumbprint(x))
      return Error::invalidArgument("a JWKS key's kid is not its RFC 7638 thumbprint");
    out.keys_.emplace(kid, key);
  }
  if (out.keys_.empty()) return Error::invalidArgument("the JWKS holds no Ed25519 key");
  return out;
}

const unsigned char* JwksKeys::find(std::string_view kid) const {
  auto it = keys_.find(kid);
  return it == keys_.end() ? nullptr : it->second.data();
}

}  // namespace callgate::token
