// send-otp: texts a fresh one-time PIN to the caller's own number (never another number), after
// the per-number and per-range send limits and the SMS-pumping guard (functions/sms_guard.h:
// destination country, number type, hourly budgets), which answers otpResult=Refused with a
// reason before any challenge or provider request. The new code voids any earlier one.
// Thread-safe.
#pragma once

#include "core/otp_policy.h"
#include "core/ports.h"
#include "functions/function.h"
#include "functions/sms_guard.h"

namespace callgate {

struct OtpDeps {
  CustomerStore& customers;
  ChallengeStore& challenges;
  SmsSender& sms;
  CodeHasher& hasher;
  Random& random;
  const Clock& clock;
  AuditLog& audit;
  OtpConfig config;
  SmsGuardPolicy guard{};  // send-otp only
};

class SendOtp : public Function {
 public:
  explicit SendOtp(OtpDeps deps)
      : deps_(std::move(deps)), watch_(deps_.guard.conversion, deps_.challenges, deps_.audit) {}
  std::string_view name() const override { return "send-otp"; }
  Result<StringMap> invoke(const FunctionRequest& request) override;

 private:
  OtpDeps deps_;
  ConversionWatch watch_;
};

}  // namespace callgate
