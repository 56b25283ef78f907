// The console staff's second factor and sign-in, as buildServices and `callgate staff` build them.
#pragma once

#include <string>

#include "app/wiring/wiring.h"
#include "common/result.h"

namespace callgate::app {

// The console's TOTP check, its seeds sealed with a subkey of `otpSecret` (the OTP secret every
// node shares), into s.staffTotpCipher and s.staffTotp. Needs s.random.
Status buildStaffTotp(const std::string& otpSecret, Services& s);

// buildStaffTotp, then s.staffSignIn over s.staff. Needs s.random, s.pinHasher, s.hasher,
// s.clock and s.audit.
Status buildStaffSignIn(const std::string& otpSecret, Services& s);

}  // namespace callgate::app
