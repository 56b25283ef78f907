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
// The PIN itself is checked by the CredentialVerifier chosen by `[credentials] verifier`
// (core/credential_verifier.h): callgate's own argon2id store ("builtin") or a company's
// directory. Everything else is here, the same for every verifier: the user id's shape, the
// lockout in front (a locked id never reaches the directory), the audit events, the contact's
// record and the answer.
//
// Existence never shows: an unknown user id is counted, locked and answered exactly like a known
// one (the verifier makes it cost the same). A missing or malformed PIN is Denied and counts as a
// failure; a malformed user id is Denied and not counted (there is no id to count it against).
// The function never fails with kInvalidArgument, so the HTTP status cannot differ either.
//
// Before answering Authenticated it records ("pin", user id, the number on file as the verifier
// states it) for the request's contact id in the ContactAuthLedger (issue-action-link reads it
// and texts the link to that number); if that write fails, the call fails as for any other
// store failure. Attributes come from the verifier's identity; a level or language it lacks is
// taken from the customer store's record of the identity's number, if there is one.
//
// A directory that cannot answer (any verifier but builtin returning an error: down, slow past
// its timeout, misconfigured) fails safe: authResult "Unavailable", authenticated "False", audit
// pin_check_unavailable (verifier, error code, counted). The attempt is not held against the
// caller: CredentialStore::refundPinAttempt puts the record back as it was before it (count and
// any lock it started), so an outage locks nobody out; only if another attempt on the same user
// id was counted in the meantime does it stay (counted "true"). The builtin verifier's errors
// are callgate's own database failing: a Result error, as for every other function.
//
// An answer that comes after the request's deadline (FunctionRequest::deadline: the flow has
// taken its error branch and told the caller so) signs nobody in: no contact record, no reset,
// audit pin_check_late (outcome match | no_match), a Result error. A right PIN is taken back
// like an outage's; a wrong one stays counted.
//
// Audit: pin_verified, pin_failed (attempts), pin_locked_temporarily (the failure that started a
// temporary lock: attempts, seconds), pin_locked (the failure that locked for good),
// pin_refused_locked (an attempt while locked: lock kind), pin_check_unavailable,
// pin_check_late; each with the
// user id and the verifier's name, never the PIN, and for a failure the verifier's `detail`.
// Thread-safe (stateless over thread-safe ports). Slow by design (argon2id, or a directory's
// round trips): run it on a worker.
#pragma once

#include "core/credential_verifier.h"
#include "core/pin_policy.h"
#include "core/ports.h"
#include "functions/contact_auth.h"
#include "functions/function.h"

namespace callgate {

struct PinDeps {
  CustomerStore& customers;
  CredentialStore& credentials;
  CredentialVerifier& verifier;
  const Clock& clock;
  AuditLog& audit;
  PinLockoutPolicy lockout;
};

class VerifyPin : public Function {
 public:
  VerifyPin(PinDeps deps, ContactAuthLedger& ledger);
  std::string_view name() const override { return "verify-pin"; }
  Result<StringMap> invoke(const FunctionRequest& request) override;
  // argon2id: 100-150 ms of one core; a directory: a few round trips, up to its timeout
  bool cpuHeavy() const override { return true; }

 private:
  Result<StringMap> onVerified(const std::string& contactId, const std::string& userId,
                               const VerifiedIdentity& identity);
  Result<StringMap> onUnavailable(const std::string& userId, const PinAttempt& attempt,
                                  const Error& error);
  // The check finished after request.deadline (see FunctionRequest::deadline).
  Result<StringMap> onLate(const std::string& userId, const PinAttempt& attempt, bool match);
  PinDeps deps_;
  ContactAuthLedger& ledger_;
  const bool builtin_;  // the verifier is callgate's own store, not a directory
};

}  // namespace callgate
