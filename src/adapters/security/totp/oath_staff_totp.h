// OathStaffTotp: the StaffTotp port (core/staff.h) with liboath (OATH Toolkit): RFC 6238 TOTP,
// HMAC-SHA-1, 6 digits, 30-second steps, one step of drift either way (what authenticator apps
// expect from an otpauth:// URI with no parameters beyond the secret). The code is compared in
// constant time (liboath's validate callback with sodium_memcmp), and the step it matched is
// returned so the store can refuse the same code twice.
//
// Seeds are 20 random bytes (RFC 4226's recommended 160 bits), sealed with the given cipher bound
// to the username, so a database dump holds no usable seed and a seed copied onto another
// account does not open.
//
// Borrows the cipher and the random source, which must outlive it. Thread-safe (liboath's TOTP
// functions are reentrant; oath_init runs once).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "adapters/security/crypto/state_cipher.h"
#include "core/ports.h"
#include "core/staff.h"

namespace callgate {

class OathStaffTotp final : public StaffTotp {
 public:
  // `issuer` names the service in the authenticator app ("callgate").
  OathStaffTotp(const StateCipher& cipher, Random& random, std::string issuer);

  TotpEnrollment enroll(std::string_view username) override;
  std::optional<int64_t> matchStep(std::string_view sealedSeed, std::string_view username,
                                   std::string_view code, TimePoint now) const override;

  // The 6-digit code for `seed` (raw bytes) at `now`: for tests and the CLI's self-check.
  static std::string codeAt(std::string_view seed, TimePoint now);

 private:
  const StateCipher& cipher_;
  Random& random_;
  std::string issuer_;
};

}  // namespace callgate
