// verify-pin: user id + PIN login. Parameters (Connect's Details.Parameters) `userId` and `pin`.
// Answers lambdaResult "Success" and authResult "Authenticated" | "Denied" | "Locked", with
// authenticated "True"/"False"; when authenticated also userId, authMethod "pin" and the
// customer's attributes (firstName, lastName, custLevel, language). Denied carries
// attemptsRemaining (wrong PINs left before the next lock). Locked carries lockKind
// "temporary" | "permanent"; a temporary lock also lockedUntil (RFC 3339, UTC) and
// retryAfterSeconds (whole seconds, rounded up).
//
// Locks follow the PinLockoutPolicy (core/pin_policy.h): temporary ones that escalate, then one
// that lasts until the PIN is reset, an operator runs `callgate customers unlock`, or the owner
// unlocks it with a texted code (send-unlock-code, verify-unlock-code). A locked user id answers
// Locked without checking the PIN at all, even the right one.
//
// Existence never shows: an unknown user id is counted, locked and answered exactly like a known
// one, and costs the same argon2id verification (PinHasher::verify against a dummy hash). A
// missing or malformed PIN is Denied and counts as a failure; a malformed user id is Denied and
// not counted (there is no id to count it against). The function never fails with
// kInvalidArgument, so the HTTP status cannot differ either.
//
// Before answering Authenticated it records ("pin", user id, the customer's number) for the
// request's contact id in the ContactAuthLedger (issue-action-link reads it); if that write
// fails, the call fails as for any other store failure.
//
// Audit: pin_verified, pin_failed (attempts), pin_locked_temporarily (the failure that started a
// temporary lock: attempts, seconds), pin_locked (the failure that locked for good),
// pin_refused_locked (an attempt while locked: lock kind); with the user id, never the PIN.
// Thread-safe (stateless over thread-safe ports). Slow by design (argon2id): run it on a worker.
#pragma once

#include "core/pin_policy.h"
#include "core/ports.h"
#include "functions/contact_auth.h"
#include "functions/function.h"

namespace callgate {

struct PinDeps {
  CustomerStore& customers;
  CredentialStore& credentials;
  const PinHasher& hasher;
  const Clock& clock;
  AuditLog& audit;
  PinLockoutPolicy lockout;
};

class VerifyPin : public Function {
 public:
  VerifyPin(PinDeps deps, ContactAuthLedger& ledger) : deps_(deps), ledger_(ledger) {}
  std::string_view name() const override { return "verify-pin"; }
  Result<StringMap> invoke(const FunctionRequest& request) override;
  bool cpuHeavy() const override { return true; }  // argon2id: 100-150 ms of one core

 private:
  Result<StringMap> onMatch(const std::string& contactId, const std::string& userId,
                            const std::string& pin, const std::string& storedHash);
  PinDeps deps_;
  ContactAuthLedger& ledger_;
};

}  // namespace callgate
