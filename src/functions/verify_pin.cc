#include "functions/verify_pin.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "common/metrics_catalog.h"
#include "core/verdict.h"
#include "functions/builtin_credential_verifier.h"
#include "functions/lookup_caller.h"

namespace callgate {

namespace {

StringMap outcome(const char* authResult) {
  return {{"lambdaResult", "Success"},
          {"authResult", authResult},
          {std::string(kAuthenticatedKey), std::string(kFalse)}};
}

std::string parameter(const FunctionRequest& request, const char* key) {
  auto it = request.parameters.find(key);
  return it == request.parameters.end() ? std::string() : it->second;
}

// Locked, with what a flow needs to tell the caller: for good, or until when.
StringMap locked(const PinLock& lock, TimePoint now) {
  StringMap out = outcome("Locked");
  out["lockKind"] = std::string(pinLockKindName(lock.kind));
  if (lock.kind == PinLockKind::kTemporary) {
    const auto left = std::chrono::ceil<Seconds>(lock.until - now);
    out["lockedUntil"] = formatRfc3339(lock.until);
    out["retryAfterSeconds"] = std::to_string(std::max<int64_t>(left.count(), 1));
  }
  return out;
}

}  // namespace

VerifyPin::VerifyPin(PinDeps deps, ContactAuthLedger& ledger)
    : deps_(deps), ledger_(ledger), builtin_(deps.verifier.name() == kBuiltinVerifierName) {}

Result<StringMap> VerifyPin::invoke(const FunctionRequest& request) {
  const std::string userId = parameter(request, "userId");
  const std::string pin = parameter(request, "pin");
  const std::string verifier(deps_.verifier.name());
  // Not a user id at all: nothing to count against, and the value is not logged (a caller may
  // have keyed the PIN into the wrong prompt).
  if (!isWellFormedUserId(userId)) {
    deps_.audit.record("pin_failed", {{"reason", "malformed_user_id"}, {"verifier", verifier}});
    return outcome("Denied");
  }

  const TimePoint now = deps_.clock.now();
  auto attempt = deps_.credentials.beginPinAttempt(userId, deps_.lockout, now);
  if (!attempt.ok()) return attempt.error();
  if (!attempt->allowed) {
    deps_.audit.record("pin_refused_locked",
                       {{"user_id", userId},
                        {"verifier", verifier},
                        {"lock", std::string(pinLockKindName(attempt->lock.kind))}});
    return locked(attempt->lock, now);
  }

  // From here, known and unknown ids run the same steps: the verifier makes them cost the same.
  // The builtin one checks a malformed PIN too (it cannot match), so every allowed attempt costs
  // the same argon2id; a directory is never sent one (it could only count against the account in
  // the directory's own lockout, and skipping it tells the caller nothing about the user id).
  Result<CredentialCheck> checked =
      CredentialCheck{CredentialOutcome::kRejected, {}, "malformed_pin"};
  if (builtin_ || isWellFormedPin(pin)) checked = deps_.verifier.verify(userId, pin);
  if (!checked.ok()) {
    if (builtin_) return checked.error();  // callgate's own database: as every function
    return onUnavailable(userId, *attempt, checked.error());
  }
  const bool match = checked->outcome == CredentialOutcome::kVerified && isWellFormedPin(pin);
  if (request.pastDeadline()) return onLate(userId, *attempt, match);
  if (match) return onVerified(request.contact.contactId, userId, checked->identity);

  std::vector<std::pair<std::string, std::string>> fields{{"user_id", userId},
                                                          {"verifier", verifier}};
  if (!checked->detail.empty()) fields.emplace_back("reason", checked->detail);
  fields.emplace_back("attempts", std::to_string(attempt->failures));
  switch (attempt->lock.kind) {
    case PinLockKind::kPermanent:
      metrics::pinLockouts().with({"permanent"}).inc();
      deps_.audit.record("pin_locked", fields);
      return locked(attempt->lock, now);
    case PinLockKind::kTemporary: {
      metrics::pinLockouts().with({"temporary"}).inc();
      const auto seconds = std::chrono::ceil<Seconds>(attempt->lock.until - now).count();
      fields.emplace_back("seconds", std::to_string(seconds));
      deps_.audit.record("pin_locked_temporarily", fields);
      return locked(attempt->lock, now);
    }
    case PinLockKind::kNone:
      break;
  }
  deps_.audit.record("pin_failed", fields);
  StringMap out = outcome("Denied");
  out["attemptsRemaining"] =
      std::to_string(pinFailuresBeforeLock(deps_.lockout, attempt->failures));
  return out;
}

Result<StringMap> VerifyPin::onUnavailable(const std::string& userId, const PinAttempt& attempt,
                                           const Error& error) {
  const std::string verifier(deps_.verifier.name());
  // The directory never saw a wrong PIN, so the attempt does not count: it is taken back
  // exactly (count and any lock it started), unless another attempt came in meanwhile.
  auto refund = deps_.credentials.refundPinAttempt(userId, attempt);
  const bool refunded = refund.ok() && *refund;
  if (!refund.ok()) {
    spdlog::warn("event=pin_refund_failed verifier={} error=\"{}\"", verifier,
                 refund.error().message());
  }
  // The message is the verifier's, which never holds the secret (core/credential_verifier.h).
  spdlog::warn("event=pin_check_unavailable verifier={} code={} error=\"{}\"", verifier,
               errorCodeName(error.code()), error.message());
  deps_.audit.record("pin_check_unavailable", {{"user_id", userId},
                                               {"verifier", verifier},
                                               {"error", std::string(errorCodeName(error.code()))},
                                               {"counted", refunded ? "false" : "true"}});
  return outcome("Unavailable");
}

Result<StringMap> VerifyPin::onLate(const std::string& userId, const PinAttempt& attempt,
                                    bool match) {
  const std::string verifier(deps_.verifier.name());
  // The flow stopped waiting and told the caller it could not check: nothing is signed in,
  // recorded for the contact or reset. A right PIN is not held against the caller either (the
  // attempt is taken back); a wrong one stays counted, as it would have been in time.
  if (match) {
    if (auto refund = deps_.credentials.refundPinAttempt(userId, attempt); !refund.ok()) {
      spdlog::warn("event=pin_refund_failed verifier={} error=\"{}\"", verifier,
                   refund.error().message());
    }
  }
  deps_.audit.record(
      "pin_check_late",
      {{"user_id", userId}, {"verifier", verifier}, {"outcome", match ? "match" : "no_match"}});
  return Error::unavailable("verify-pin answered after the flow's time limit");
}

Result<StringMap> VerifyPin::onVerified(const std::string& contactId, const std::string& userId,
                                        const VerifiedIdentity& identity) {
  if (Status s = deps_.credentials.resetPinFailures(userId); !s.ok()) return s.error();
  Customer attributes;
  attributes.firstName = identity.firstName;
  attributes.lastName = identity.lastName;
  attributes.level = identity.level;
  attributes.language = identity.language;
  // What a directory does not hold, callgate's customer record of the same number may (the
  // builtin identity is that record already).
  if (!builtin_ && (attributes.level.empty() || attributes.language.empty()) &&
      !identity.phone.empty()) {
    auto customer = deps_.customers.findByPhone(identity.phone);
    if (!customer.ok()) return customer.error();
    if (customer->has_value()) {
      if (attributes.level.empty()) attributes.level = (*customer)->level;
      if (attributes.language.empty()) attributes.language = (*customer)->language;
    }
  }
  // Never Authenticated without callgate's own record of it: issue-action-link trusts nothing
  // else, and texts the link to this number.
  if (Status s = ledger_.record(contactId, kContactAuthPin, userId, identity.phone); !s.ok()) {
    return s.error();
  }

  std::vector<std::pair<std::string, std::string>> fields{
      {"user_id", userId}, {"verifier", std::string(deps_.verifier.name())}};
  if (identity.phone.empty()) fields.emplace_back("phone", "none");
  deps_.audit.record("pin_verified", fields);
  StringMap out = outcome("Authenticated");
  out[std::string(kAuthenticatedKey)] = kTrue;
  out["userId"] = userId;
  out[std::string(kAuthMethodKey)] = "pin";
  addCustomerAttributes(attributes, out);
  return out;
}

}  // namespace callgate
