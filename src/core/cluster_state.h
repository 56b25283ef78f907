// Cluster state: what every node sharing one database must agree on, beyond the stores of
// core/ports.h. Two ports:
//   - SigningKeyStore: the JWT signing-key ring, so `callgate keys rotate` on any node reaches
//     every node and the JWKS is the same everywhere. The store keeps each key's seed only in the
//     sealed form the token adapter gives it (encrypted with a key derived from the cluster's
//     shared secret), never the raw seed; it treats `sealedSeed` as opaque text.
//   - SecretFingerprintStore: a keyed fingerprint of each secret that must be equal on all nodes
//     (OTP HMAC key, PIN pepper, ...), so a node configured with a different one refuses to start
//     instead of silently rejecting every code or PIN the others accept. Never the secret itself.
// Every implementation is thread-safe and atomic across processes sharing the database.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "core/time.h"

namespace callgate {

struct SealedSigningKey {
  std::string kid;         // RFC 7638 thumbprint of the public key
  TimePoint createdAt{};   // whole seconds
  std::string sealedSeed;  // the adapter's sealed (encrypted, authenticated) seed, as text

  bool operator==(const SealedSigningKey&) const = default;
};

struct SigningKeyRing {
  int64_t version = 0;                 // 0 when no ring was ever stored; bumped by every replace()
  std::vector<SealedSigningKey> keys;  // oldest first (by createdAt, then kid)

  bool operator==(const SigningKeyRing&) const = default;
};

class SigningKeyStore {
 public:
  virtual ~SigningKeyStore() = default;
  // The stored ring: version 0 and no keys when none was ever stored.
  virtual Result<SigningKeyRing> load() = 0;
  // Only the stored version: cheap, polled by every node to notice a rotation elsewhere.
  virtual Result<int64_t> version() = 0;
  // Atomically: if the stored version is `expectedVersion`, replaces the whole ring with `keys`
  // and stores version expectedVersion + 1, returning true; otherwise changes nothing and returns
  // false (another node replaced it first: load again and retry).
  virtual Result<bool> replace(const std::vector<SealedSigningKey>& keys,
                               int64_t expectedVersion) = 0;
};

class SecretFingerprintStore {
 public:
  virtual ~SecretFingerprintStore() = default;
  // Atomically records `fingerprint` for `name` unless one is already recorded, and returns the
  // recorded one (so the caller compares: equal means this node agrees with the cluster).
  virtual Result<std::string> claim(const std::string& name, const std::string& fingerprint) = 0;
  // Forgets every recorded fingerprint (an operator changing a secret on every node); returns how
  // many were removed.
  virtual Result<int64_t> forgetAll() = 0;
};

}  // namespace callgate
