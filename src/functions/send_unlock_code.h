// send-unlock-code: the first half of self-service PIN unlock. Parameter `userId`. When that user
// id belongs to a customer and is locked (core/pin_policy.h), texts a one-time code to the
// customer's number on file, never to a number the request names, by handing send-otp a request
// for that number: the code, its hash, its TTL and attempts, the per-number and per-range send
// limits and the daily caps are all send-otp's, and a new code voids the number's earlier one.
// verify-unlock-code takes the code back.
//
// Always answers lambdaResult "Success", unlockResult "Requested": an unknown user id, one that
// is not locked, a send limit reached and a failed send all look the same as a code sent, so the
// function cannot be used to find out which ids exist or are locked (the flow says "if that id
// exists, a code was sent to the number on file"). What happened goes to the audit log:
// pin_unlock_code_sent, or pin_unlock_code_not_sent with the reason (unknown_user_id,
// not_locked, malformed_user_id, or send-otp's otpResult). A store failure is an error, as
// everywhere. What it does not hide is time: texting a code takes longer than not (see
// docs/VOICE_LOGIN.md).
//
// Thread-safe (stateless over thread-safe ports; `sendOtp` must outlive it).
#pragma once

#include "core/pin_policy.h"
#include "core/ports.h"
#include "functions/function.h"

namespace callgate {

struct UnlockCodeDeps {
  CustomerStore& customers;
  CredentialStore& credentials;
  const Clock& clock;
  AuditLog& audit;
  PinLockoutPolicy lockout;
};

class SendUnlockCode : public Function {
 public:
  SendUnlockCode(UnlockCodeDeps deps, Function& sendOtp)
      : deps_(std::move(deps)), sendOtp_(sendOtp) {}
  std::string_view name() const override { return "send-unlock-code"; }
  Result<StringMap> invoke(const FunctionRequest& request) override;

 private:
  UnlockCodeDeps deps_;
  Function& sendOtp_;
};

}  // namespace callgate
