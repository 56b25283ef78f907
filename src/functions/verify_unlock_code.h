// verify-unlock-code: the second half of self-service PIN unlock. Parameters `userId` and `code`.
// Checks the code against the newest one-time-code challenge of the customer's number on file
// (the one send-unlock-code had texted there) exactly as verify-otp checks a code: keyed hash,
// constant-time compare, TTL, a wrong code counts against the challenge's attempts and the
// number's failure budgets, and a right one is used up. On a right code the user id's PIN
// failures and locks are cleared (CredentialStore::unlock).
//
// Answers lambdaResult "Success" and unlockResult "Unlocked" | "Invalid", authenticated always
// "False". Unlocking does not sign the caller in: the code proves they hold the phone on file,
// not that they know the PIN, so the flow asks for the PIN again. Nothing is recorded in the
// ContactAuthLedger and no customer is enrolled. "Invalid" covers a wrong or malformed code, no
// code to check (none sent, used, voided, expired or out of attempts) and an unknown user id,
// so the answers cannot tell which ids exist.
//
// Audit: pin_unlocked_self_service (user id, masked number, challenge), pin_unlock_code_failed
// (a wrong code: user id, challenge, attempts). Thread-safe (stateless over thread-safe ports).
#pragma once

#include "core/pin_policy.h"
#include "functions/send_otp.h"

namespace callgate {

class VerifyUnlockCode : public Function {
 public:
  VerifyUnlockCode(OtpDeps deps, CredentialStore& credentials)
      : deps_(std::move(deps)), credentials_(credentials) {}
  std::string_view name() const override { return "verify-unlock-code"; }
  Result<StringMap> invoke(const FunctionRequest& request) override;

 private:
  OtpDeps deps_;
  CredentialStore& credentials_;
};

}  // namespace callgate
