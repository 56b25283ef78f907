// Verifying an identity provider's signed JWTs (ID tokens) with the provider's public keys:
// a JWK Set (RFC 7517) read into OpenSSL keys, and compact JWS (RFC 7515) verification with the
// asymmetric algorithms of RFC 7518 and RFC 8037.
//
// What is accepted, and why:
//  - Keys: RSA (modulus of at least 2048 bits), EC on P-256/P-384/P-521 (coordinates at full
//    length, point checked), OKP Ed25519/Ed448. A key whose "use" is not "sig", whose "key_ops"
//    lacks "verify", or of another type ("oct": a shared secret, which a public JWKS never
//    holds) is skipped, never used. A malformed key of a known type is an error for the set.
//  - Algorithms: RS256/384/512, PS256/384/512, ES256/384/512, EdDSA; each only with a key of its
//    own type (and curve for ES*), and only with a key whose "alg" (when stated) is the same.
//    "none", HS* and anything else are refused before any key is looked at, so no token can make
//    a public key act as an HMAC secret. A header with "crit" is refused (we understand no
//    extension); "jku", "jwk", "x5u" and "x5c" are never used to find a key.
//  - The key is chosen by the header's "kid"; without a "kid" only when exactly one key of the
//    set fits the algorithm (OpenID Connect Core §10.1).
//
// Errors: kNotFound when no key of the set has the token's kid (the caller may refetch the set
// and try again), kUnauthenticated for anything else wrong with the token; messages never quote
// the token. Immutable after parsing; thread-safe.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace callgate::identity {

inline constexpr size_t kMaxIdTokenBytes = 16 * 1024;

// The signature algorithms verifyJws() implements, in RFC 7518's names.
const std::vector<std::string>& supportedJwsAlgorithms();

class JwkSet {
 public:
  struct Key;  // an OpenSSL public key with its JWK parameters (defined in jose.cc)

  // Reads a JWK Set document ({"keys":[...]}): kInvalidArgument naming the problem (and the
  // key's index) when it is not one.
  static Result<std::shared_ptr<const JwkSet>> parse(std::string_view json);

  ~JwkSet();
  JwkSet(const JwkSet&) = delete;
  JwkSet& operator=(const JwkSet&) = delete;

  size_t size() const { return keys_.size(); }  // usable keys
  bool hasKid(std::string_view kid) const;

  const std::vector<std::unique_ptr<Key>>& keys() const { return keys_; }

 private:
  JwkSet() = default;
  std::vector<std::unique_ptr<Key>> keys_;
};

struct VerifiedJws {
  std::string algorithm;  // the header's "alg"
  std::string kid;        // the header's "kid" ("" when absent)
  std::string payload;    // decoded, not parsed
};

// The header's "kid" without verifying anything ("" when absent or unreadable): to decide
// whether a key set needs refreshing before verifyJws.
std::string peekKid(std::string_view jwt);

// Verifies `jwt` (compact serialization) with a key of `keys`, accepting only `algorithms`
// (a subset of supportedJwsAlgorithms()). See the rules above.
Result<VerifiedJws> verifyJws(std::string_view jwt, const JwkSet& keys,
                              const std::vector<std::string>& algorithms);

}  // namespace callgate::identity
