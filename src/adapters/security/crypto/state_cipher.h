// StateCipher: authenticated encryption for server state parked in the database between requests
// (the Twilio voice channel's call state and replayed TwiML), so a copy of the database reveals
// no caller's entries and an edited, copied or foreign row fails to open instead of being trusted.
//
// XChaCha20-Poly1305-IETF (libsodium) with a fresh random 24-byte nonce per seal (large enough
// that random nonces never repeat in practice). The key is derived from a 32-byte server secret
// with crypto_kdf_derive_from_key(subkeyId, context), so one secret can key several purposes
// independently and the key itself is never stored. The associated data is bound but not stored:
// open() succeeds only with the same bytes seal() was given (e.g. the row's id), which stops a
// sealed value being moved to another row.
//
// Sealed text: "v1." + base64url without padding of (nonce || ciphertext || 16-byte tag); plain
// ASCII, safe for a TEXT column.
//
// Ownership: owns the derived key, wiped at destruction; not copyable. Thread-safety: immutable
// after construction, so seal() and open() may run concurrently. Aborts if libsodium cannot
// initialise (see SodiumRandom).
#pragma once

#include <sodium.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

namespace callgate {

class StateCipher {
 public:
  // The derived key for `context` (exactly 8 bytes) and `subkeyId` from `masterKey` (exactly 32
  // bytes). kInvalidArgument if either has the wrong size; never mentions the key's bytes.
  static Result<std::unique_ptr<StateCipher>> derive(std::string_view masterKey,
                                                     std::string_view context, uint64_t subkeyId);

  ~StateCipher();
  StateCipher(const StateCipher&) = delete;
  StateCipher& operator=(const StateCipher&) = delete;

  // Encrypts `plaintext` bound to `associatedData`; never fails.
  std::string seal(std::string_view plaintext, std::string_view associatedData) const;

  // The plaintext, or kInvalidArgument if `sealed` is not this format, was altered, was sealed
  // with other associated data or with another key. The message never quotes `sealed`.
  Result<std::string> open(std::string_view sealed, std::string_view associatedData) const;

 private:
  StateCipher() = default;

  std::array<unsigned char, crypto_aead_xchacha20poly1305_ietf_KEYBYTES> key_{};
};

}  // namespace callgate
