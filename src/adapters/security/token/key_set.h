// Ed25519 signing keys and an immutable set of them (one snapshot of the key file).
//
// A KeySet holds every key of the ring, oldest first; the newest signs. A key stops signing when
// its successor is created and is then "retiring": it still verifies (and stays in the JWKS) for
// `retention`, long enough for every token it signed to expire, after which it verifies nothing
// and `callgate keys rotate` prunes it from the file.
//
// kid = the key's RFC 7638 JWK thumbprint (SHA-256 of {"crv","kty","x"}, base64url), so a kid
// names exactly one public key. Secret key bytes are wiped when a key is destroyed.
// Ownership: KeySets are shared immutable snapshots (std::shared_ptr<const KeySet>); thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "core/time.h"

namespace callgate::token {

inline constexpr size_t kEd25519SeedBytes = 32;
inline constexpr size_t kEd25519PublicKeyBytes = 32;
inline constexpr size_t kEd25519SecretKeyBytes = 64;  // libsodium's: seed || public key
inline constexpr size_t kEd25519SignatureBytes = 64;

struct Ed25519Key {
  Ed25519Key() = default;
  Ed25519Key(const Ed25519Key&) = default;
  Ed25519Key(Ed25519Key&&) = default;
  Ed25519Key& operator=(const Ed25519Key&) = default;
  Ed25519Key& operator=(Ed25519Key&&) = default;
  ~Ed25519Key();

  std::string kid;
  TimePoint createdAt{};  // whole seconds
  std::array<unsigned char, kEd25519PublicKeyBytes> publicKey{};
  std::array<unsigned char, kEd25519SecretKeyBytes> secretKey{};
  std::string publicKeyB64;   // "x" of the JWK
  std::string encodedHeader;  // base64url of the JWT header this key signs with (cached)

  std::span<const unsigned char> seed() const { return {secretKey.data(), kEd25519SeedBytes}; }
};

// Derives the key pair, kid and cached header from a 32-byte seed. kInvalidArgument for a
// wrong-sized seed.
Result<Ed25519Key> keyFromSeed(std::span<const unsigned char> seed, TimePoint createdAt);

// The RFC 7638 thumbprint of an Ed25519 public key (base64url of SHA-256).
std::string jwkThumbprint(std::string_view publicKeyB64);

class KeySet {
 public:
  // `keys` must be non-empty; they are sorted oldest first (ties keep their order).
  KeySet(std::vector<Ed25519Key> keys, Seconds retention);

  const std::vector<Ed25519Key>& keys() const { return keys_; }
  const Ed25519Key& signingKey() const { return keys_.back(); }
  Seconds retention() const { return retention_; }

  // When key `index` stopped signing (its successor's creation), or nullopt for the signing key.
  std::optional<TimePoint> retiredAt(size_t index) const;
  // The signing key, or a retired key still within its retention at `now`.
  bool isUsable(size_t index, TimePoint now) const;
  // The usable key named `kid`, or nullptr (unknown, or retired too long ago).
  const Ed25519Key* verificationKey(std::string_view kid, TimePoint now) const;

  // {"keys":[{"kty":"OKP","crv":"Ed25519","x":..,"kid":..,"use":"sig","alg":"EdDSA"},..]} with
  // the usable keys, newest first (RFC 8037).
  std::string jwks(TimePoint now) const;

 private:
  std::vector<Ed25519Key> keys_;
  Seconds retention_;
};

}  // namespace callgate::token
