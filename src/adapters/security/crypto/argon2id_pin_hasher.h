// Argon2idPinHasher: the production PinHasher. A PIN is stored as
//   crypto_pwhash_str(argon2id, HMAC-SHA-256(pepper, "callgate-pin-v1|" + userId + "|" + pin))
// - argon2id (libsodium): memory-hard, so a stolen database costs an attacker real work per guess
//   even though a 4-digit PIN has only 10,000 values;
// - the pepper (32 bytes from the key file or the environment, never in the database) makes the
//   stolen hashes useless on their own: without it not even the 10,000 guesses can be tried;
// - the user id in the HMAC input binds a hash to its account, so copying one row's hash onto
//   another account does not let the first PIN open the second.
// The stored string is libsodium's self-describing "$argon2id$v=19$m=...,t=...,p=1$salt$hash", so
// hashes made with older cost settings still verify (needsRehash() tells when to upgrade them).
//
// Timing: verify() with an empty stored hash runs a full verification against a dummy hash made
// at construction with the current cost, so an unknown user id costs what a known one does.
//
// Cost: see docs/OPERATIONS.md. The default (t=2, m=19 MiB, OWASP's argon2id minimum) measured
// 100-145 ms per verification on the busy 2-core AMD EPYC development VM (t=2 with 64 MiB took
// ~400 ms: too slow for a call). It runs on the HTTP worker pool, never on an I/O thread.
//
// Immutable after construction (the pepper is held in a precomputed HMAC state, wiped at
// destruction); thread-safe. Construction aborts if libsodium cannot initialise (see
// SodiumRandom) or the dummy hash cannot be computed (out of memory at start-up).
#pragma once

#include <sodium.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/ports.h"

namespace callgate {

struct Argon2Cost {
  uint64_t opsLimit = 2;             // argon2 t (passes)
  size_t memLimitBytes = 19u << 20;  // argon2 m; 19 MiB
};

// The smallest cost libsodium accepts; for tests only.
Argon2Cost minimalArgon2Cost();

// Checks a cost against libsodium's limits; kInvalidArgument naming the bound.
Status validateArgon2Cost(const Argon2Cost& cost);

class Argon2idPinHasher final : public PinHasher {
 public:
  // `pepper`: the server secret (32 bytes in production; any length works). `cost` must pass
  // validateArgon2Cost.
  Argon2idPinHasher(std::string_view pepper, Argon2Cost cost);
  ~Argon2idPinHasher() override;
  Argon2idPinHasher(const Argon2idPinHasher&) = delete;
  Argon2idPinHasher& operator=(const Argon2idPinHasher&) = delete;

  Result<std::string> hash(std::string_view userId, std::string_view pin) const override;
  bool verify(std::string_view storedHash, std::string_view userId,
              std::string_view pin) const override;
  bool needsRehash(std::string_view storedHash) const override;

 private:
  // HMAC-SHA-256(pepper, "callgate-pin-v1|" + userId + "|" + pin), 32 bytes.
  void pepper(std::string_view userId, std::string_view pin,
              unsigned char out[crypto_auth_hmacsha256_BYTES]) const;

  crypto_auth_hmacsha256_state keyed_;
  Argon2Cost cost_;
  std::string dummyHash_;
};

}  // namespace callgate
