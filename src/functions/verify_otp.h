// verify-otp: checks the code the caller keyed against their number's newest challenge. Only on
// success is the number enrolled, atomically with using up the challenge, and ("otp", the
// customer's user id or "", the number) recorded for the request's contact id in the
// ContactAuthLedger; if that write fails, the call fails (the code is used up by then: the caller
// asks for a new one, as after any store failure past the redeem). Thread-safe.
#pragma once

#include "functions/contact_auth.h"
#include "functions/send_otp.h"

namespace callgate {

class VerifyOtp : public Function {
 public:
  VerifyOtp(OtpDeps deps, ContactAuthLedger& ledger) : deps_(std::move(deps)), ledger_(ledger) {}
  std::string_view name() const override { return "verify-otp"; }
  Result<StringMap> invoke(const FunctionRequest& request) override;

 private:
  Result<StringMap> onMatch(const Challenge& challenge, TimePoint now,
                            const std::string& contactId);
  Result<StringMap> onMismatch(const Challenge& challenge);
  OtpDeps deps_;
  ContactAuthLedger& ledger_;
};

}  // namespace callgate
