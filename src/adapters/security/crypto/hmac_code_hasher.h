// HmacCodeHasher: the production CodeHasher, HMAC-SHA-256 (libsodium) keyed with a server secret,
// so the one-time-code hashes in the database reveal nothing without the key (a 6-digit code
// could otherwise be brute-forced from a plain hash in microseconds). digest() is lowercase hex
// (64 characters); matches() compares in constant time.
//
// The key is copied into a precomputed HMAC state at construction and wiped at destruction. In
// production it is the 32-byte key from loadOrCreateSecretKey(); any length works, as RFC 2104
// allows. Immutable after construction, so thread-safe. Aborts if libsodium cannot initialise
// (see SodiumRandom).
#pragma once

#include <sodium.h>

#include <string>
#include <string_view>

#include "core/ports.h"

namespace callgate {

class HmacCodeHasher final : public CodeHasher {
 public:
  explicit HmacCodeHasher(std::string_view key);
  ~HmacCodeHasher() override;
  HmacCodeHasher(const HmacCodeHasher&) = delete;
  HmacCodeHasher& operator=(const HmacCodeHasher&) = delete;

  std::string digest(std::string_view message) const override;
  bool matches(std::string_view expected, std::string_view message) const override;

 private:
  // The state after absorbing the key; each digest starts from a copy, which saves hashing the
  // padded key twice per call.
  crypto_auth_hmacsha256_state keyed_;
};

}  // namespace callgate
