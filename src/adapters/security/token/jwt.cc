#include "adapters/security/token/jwt.h"

#include <sodium.h>

#include <nlohmann/json.hpp>

#include "adapters/security/token/base64url.h"
#include "common/json_scanner.h"
#include "common/json_writer.h"
#include "core/numeric_date.h"

namespace callgate::token {

namespace {

Error bad(const char* why) { return Error::unauthenticated(why); }

}  // namespace

void appendClaimsJson(std::string& out, const AccessTokenClaims& c) {
  out.append("{\"iss\":");
  json::appendString(out, c.issuer);
  out.append(",\"sub\":");
  json::appendString(out, c.subject);
  out.append(",\"aud\":");
  json::appendString(out, c.audience);
  out.append(",\"scope\":");
  json::appendString(out, c.scope);
  out.append(",\"amr\":[");
  for (size_t i = 0; i < c.amr.size(); ++i) {
    if (i > 0) out.push_back(',');
    json::appendString(out, c.amr[i]);
  }
  out.append("],\"iat\":").append(std::to_string(toNumericDate(c.issuedAt)));
  out.append(",\"exp\":").append(std::to_string(toNumericDate(c.expiresAt)));
  out.append(",\"jti\":");
  json::appendString(out, c.jti);
  out.push_back('}');
}

std::string signAccessToken(const AccessTokenClaims& claims, const Ed25519Key& key) {
  std::string payload;
  payload.reserve(256);
  appendClaimsJson(payload, claims);
  return signCompactJws(key.encodedHeader, payload, key);
}

std::string encodeJwtHeader(std::string_view kid, std::string_view typ) {
  std::string header = R"({"alg":"EdDSA","kid":")";
  header.append(kid).append(R"(","typ":")").append(typ).append("\"}");
  std::string out;
  appendBase64Url(out, header.data(), header.size());
  return out;
}

std::string signCompactJws(std::string_view encodedHeader, std::string_view payload,
                           const Ed25519Key& key) {
  std::string jwt;
  // header . payload . signature, each base64url (4 chars per 3 bytes).
  jwt.reserve(encodedHeader.size() + payload.size() * 4 / 3 + 4 + 88);
  jwt.append(encodedHeader).push_back('.');
  appendBase64Url(jwt, payload.data(), payload.size());
  unsigned char signature[kEd25519SignatureBytes];
  crypto_sign_detached(signature, nullptr, reinterpret_cast<const unsigned char*>(jwt.data()),
                       jwt.size(), key.secretKey.data());
  jwt.push_back('.');
  appendBase64Url(jwt, signature, sizeof signature);
  return jwt;
}

Result<std::string> parseJwtHeader(std::string_view headerJson, std::string_view expectedTyp) {
  json::JsonScanner scanner(headerJson, /*maxDepth=*/2);
  std::string alg, typ, kid;
  unsigned seen = 0;
  bool duplicate = false, unknown = false;
  const bool parsed = scanner.forEachMember([&](std::string_view name) {
    std::string* target = nullptr;
    unsigned bit = 0;
    if (name == "alg")
      target = &alg, bit = 1;
    else if (name == "typ")
      target = &typ, bit = 2;
    else if (name == "kid")
      target = &kid, bit = 4;
    if (target == nullptr) {
      unknown = true;
      return scanner.skipValue();
    }
    if ((seen & bit) != 0) duplicate = true;
    seen |= bit;
    return scanner.readString(*target);
  }) && scanner.finish();
  if (!parsed) return bad("token header is not a JSON object of strings");
  if (duplicate) return bad("token header repeats a parameter");
  if ((seen & 1) == 0 || alg != "EdDSA") return bad("token alg must be EdDSA");
  if ((seen & 2) == 0 || typ != expectedTyp) return bad("token typ is not the expected one");
  if ((seen & 4) == 0 || kid.empty()) return bad("token has no kid");
  if (unknown) return bad("token header has an unsupported parameter");
  return kid;
}

Result<AccessTokenClaims> parseClaimsJson(std::string_view payloadJson) {
  const nlohmann::json doc =
      nlohmann::json::parse(payloadJson, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return bad("token claims are not a JSON object");
  AccessTokenClaims c;
  unsigned seen = 0;
  for (const auto& [name, value] : doc.items()) {
    std::string* text = nullptr;
    TimePoint* time = nullptr;
    unsigned bit = 0;
    if (name == "iss")
      text = &c.issuer, bit = 1;
    else if (name == "sub")
      text = &c.subject, bit = 2;
    else if (name == "aud")
      text = &c.audience, bit = 4;
    else if (name == "scope")
      text = &c.scope, bit = 8;
    else if (name == "jti")
      text = &c.jti, bit = 16;
    else if (name == "iat")
      time = &c.issuedAt, bit = 32;
    else if (name == "exp")
      time = &c.expiresAt, bit = 64;
    if (text != nullptr) {
      if (!value.is_string())
        return bad("token claims iss, sub, aud, scope and jti must be strings");
      *text = value.get<std::string>();
    } else if (time != nullptr) {
      if (!value.is_number_integer() || value.get<int64_t>() < 0 ||
          value.get<int64_t>() > kMaxNumericDate) {
        return bad("token claims iat and exp must be whole seconds");
      }
      *time = fromNumericDate(value.get<int64_t>());
    } else if (name == "amr") {
      if (!value.is_array()) return bad("token claim amr must be an array of strings");
      for (const auto& m : value) {
        if (!m.is_string()) return bad("token claim amr must be an array of strings");
        c.amr.push_back(m.get<std::string>());
      }
    }
    seen |= bit;  // other claims are ignored (RFC 7519 §4)
  }
  if (seen != 127) return bad("token lacks one of iss, sub, aud, scope, jti, iat, exp");
  return c;
}

Result<std::string> verifyCompactJws(std::string_view jwt, std::string_view typ,
                                     const PublicKeyLookup& lookup) {
  if (jwt.size() > kMaxJwtBytes) return bad("token is too large");
  const size_t dot1 = jwt.find('.');
  const size_t dot2 = dot1 == std::string_view::npos ? dot1 : jwt.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || jwt.find('.', dot2 + 1) != std::string_view::npos) {
    return bad("token is not a compact JWS (three segments)");
  }
  const std::string_view headerB64 = jwt.substr(0, dot1);
  const std::string_view payloadB64 = jwt.substr(dot1 + 1, dot2 - dot1 - 1);
  const std::string_view signatureB64 = jwt.substr(dot2 + 1);

  std::string buffer;
  buffer.reserve(jwt.size());
  if (headerB64.empty() || !base64UrlDecode(headerB64, buffer))
    return bad("token header is not base64url");
  auto kid = parseJwtHeader(buffer, typ);
  if (!kid) return kid.error();
  const unsigned char* publicKey = lookup(*kid);
  if (publicKey == nullptr) return bad("token kid is unknown or retired");

  unsigned char signature[kEd25519SignatureBytes];
  if (!base64UrlDecodeExact(signatureB64, signature, sizeof signature)) {
    return bad("token signature is not 64 bytes of base64url");
  }
  if (crypto_sign_verify_detached(signature, reinterpret_cast<const unsigned char*>(jwt.data()),
                                  dot2, publicKey) != 0) {
    return bad("token signature is invalid");
  }
  // Signed by us: now the payload may be read.
  if (payloadB64.empty() || !base64UrlDecode(payloadB64, buffer))
    return bad("token payload is not base64url");
  return buffer;
}

Result<AccessTokenClaims> verifySignedToken(std::string_view jwt, const KeySet& keys,
                                            TimePoint now) {
  auto payload = verifyCompactJws(jwt, kAccessTokenType, [&](std::string_view kid) {
    const Ed25519Key* key = keys.verificationKey(kid, now);
    return key == nullptr ? nullptr : key->publicKey.data();
  });
  if (!payload) return payload.error();
  return parseClaimsJson(*payload);
}

}  // namespace callgate::token
