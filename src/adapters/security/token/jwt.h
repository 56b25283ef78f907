// callgate's access tokens on the wire: compact JWS (RFC 7515) with EdDSA/Ed25519 (RFC 8037)
// signatures over libsodium, typed as RFC 9068 access tokens.
//
//   header  {"alg":"EdDSA","kid":"<key thumbprint>","typ":"at+jwt"}   -- exactly these three
//   claims  {"iss","sub","aud","scope","amr":[..],"iat","exp","jti"}
//
// Verification trusts nothing before the signature: it bounds the size (4 KiB), requires exactly
// three segments of canonical base64url, parses only the header (strictly, without building a
// tree), refuses any alg but EdDSA (so "none", HS256 and key-confusion tricks never reach a key),
// any typ but at+jwt and any other header parameter, looks the kid up among the usable keys,
// verifies the signature, and only then parses the claims. Every failure is kUnauthenticated with
// a short reason that never quotes the token. Claim VALUES are checked by core/access_token.h.
// Pure functions over their arguments; thread-safe.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "adapters/security/token/key_set.h"
#include "common/result.h"
#include "core/access_token.h"

namespace callgate::token {

inline constexpr size_t kMaxJwtBytes = 4096;
inline constexpr std::string_view kAccessTokenType = "at+jwt";

// The public key (kEd25519PublicKeyBytes) that may verify tokens signed under `kid`, or nullptr.
using PublicKeyLookup = std::function<const unsigned char*(std::string_view kid)>;

// base64url of the header {"alg":"EdDSA","kid":kid,"typ":typ}.
std::string encodeJwtHeader(std::string_view kid, std::string_view typ);

// encodedHeader . base64url(payload) . Ed25519 signature under `key`.
std::string signCompactJws(std::string_view encodedHeader, std::string_view payload,
                           const Ed25519Key& key);

// The checks described above for a token of header type `typ` (a verdict is not an access token
// and the reverse), with the key `lookup` gives for its kid; then the decoded payload (whose
// claims are not read here).
Result<std::string> verifyCompactJws(std::string_view jwt, std::string_view typ,
                                     const PublicKeyLookup& lookup);

// Appends the claims as the JSON payload object (times as NumericDate seconds).
void appendClaimsJson(std::string& out, const AccessTokenClaims& claims);

// The signed compact JWT for `claims` under `key`.
std::string signAccessToken(const AccessTokenClaims& claims, const Ed25519Key& key);

// Structure, header, key and signature as described above, then the decoded claims (whose
// values are not checked here). `now` selects which retired keys still verify.
Result<AccessTokenClaims> verifySignedToken(std::string_view jwt, const KeySet& keys,
                                            TimePoint now);

// The pieces, exposed for tests: the header's kid after the alg/typ checks, and the claims.
Result<std::string> parseJwtHeader(std::string_view headerJson,
                                   std::string_view expectedTyp = kAccessTokenType);
Result<AccessTokenClaims> parseClaimsJson(std::string_view payloadJson);

}  // namespace callgate::token
