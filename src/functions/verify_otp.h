// verify-otp: checks the code the caller keyed against their number's newest challenge. Only on
// success is the number enrolled, atomically with using up the challenge. Thread-safe.
#pragma once

#include "functions/send_otp.h"

namespace callgate {

class VerifyOtp : public Function {
 public:
  explicit VerifyOtp(OtpDeps deps) : deps_(std::move(deps)) {}
  std::string_view name() const override { return "verify-otp"; }
  Result<StringMap> invoke(const FunctionRequest& request) override;

 private:
  Result<StringMap> onMatch(const Challenge& challenge, TimePoint now);
  Result<StringMap> onMismatch(const Challenge& challenge);
  OtpDeps deps_;
};

}  // namespace callgate
