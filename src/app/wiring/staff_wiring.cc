#include "app/wiring/staff_wiring.h"

#include "adapters/security/totp/oath_staff_totp.h"
#include "functions/staff_sign_in.h"

namespace callgate::app {

Status buildStaffTotp(const std::string& otpSecret, Services& s) {
  auto cipher = StateCipher::derive(otpSecret, "stafftot", 1);
  if (!cipher.ok()) return Error(cipher.error().code(), "OTP secret: " + cipher.error().message());
  s.staffTotpCipher = std::move(*cipher);
  s.staffTotp = std::make_unique<OathStaffTotp>(*s.staffTotpCipher, *s.random, "callgate");
  return okStatus();
}

Status buildStaffSignIn(const std::string& otpSecret, Services& s) {
  if (Status t = buildStaffTotp(otpSecret, s); !t.ok()) return t;
  s.staffSignIn = std::make_unique<StaffSignIn>(*s.staff, *s.pinHasher, *s.staffTotp, *s.hasher,
                                                *s.random, *s.clock, *s.audit);
  return okStatus();
}

}  // namespace callgate::app
