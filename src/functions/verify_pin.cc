#include "functions/verify_pin.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

#include "common/metrics_catalog.h"
#include "core/verdict.h"
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

Result<StringMap> VerifyPin::invoke(const FunctionRequest& request) {
  const std::string userId = parameter(request, "userId");
  const std::string pin = parameter(request, "pin");
  // Not a user id at all: nothing to count against, and the value is not logged (a caller may
  // have keyed the PIN into the wrong prompt).
  if (!isWellFormedUserId(userId)) {
    deps_.audit.record("pin_failed", {{"reason", "malformed_user_id"}});
    return outcome("Denied");
  }

  const TimePoint now = deps_.clock.now();
  auto attempt = deps_.credentials.beginPinAttempt(userId, deps_.lockout, now);
  if (!attempt.ok()) return attempt.error();
  if (!attempt->allowed) {
    deps_.audit.record(
        "pin_refused_locked",
        {{"user_id", userId}, {"lock", std::string(pinLockKindName(attempt->lock.kind))}});
    return locked(attempt->lock, now);
  }

  // From here, known and unknown ids run the same steps: one read, one argon2id verification
  // (against the dummy hash when there is no stored one), then the same answer.
  auto stored = deps_.credentials.pinHash(userId);
  if (!stored.ok()) return stored.error();
  const std::string storedHash = stored->value_or("");
  // A malformed PIN is verified too (it cannot match), so every allowed attempt costs the same.
  const bool verified = deps_.hasher.verify(storedHash, userId, pin);
  const bool match = verified && isWellFormedPin(pin) && !storedHash.empty();
  if (match) return onMatch(request.contact.contactId, userId, pin, storedHash);

  const std::string attempts = std::to_string(attempt->failures);
  switch (attempt->lock.kind) {
    case PinLockKind::kPermanent:
      metrics::pinLockouts().with({"permanent"}).inc();
      deps_.audit.record("pin_locked", {{"user_id", userId}, {"attempts", attempts}});
      return locked(attempt->lock, now);
    case PinLockKind::kTemporary: {
      metrics::pinLockouts().with({"temporary"}).inc();
      const auto seconds = std::chrono::ceil<Seconds>(attempt->lock.until - now).count();
      deps_.audit.record(
          "pin_locked_temporarily",
          {{"user_id", userId}, {"attempts", attempts}, {"seconds", std::to_string(seconds)}});
      return locked(attempt->lock, now);
    }
    case PinLockKind::kNone:
      break;
  }
  deps_.audit.record("pin_failed", {{"user_id", userId}, {"attempts", attempts}});
  StringMap out = outcome("Denied");
  out["attemptsRemaining"] =
      std::to_string(pinFailuresBeforeLock(deps_.lockout, attempt->failures));
  return out;
}

Result<StringMap> VerifyPin::onMatch(const std::string& contactId, const std::string& userId,
                                     const std::string& pin, const std::string& storedHash) {
  if (Status s = deps_.credentials.resetPinFailures(userId); !s.ok()) return s.error();
  auto customer = deps_.customers.findByUserId(userId);
  if (!customer.ok()) return customer.error();
  if (!customer->has_value()) return Error::internal("customer vanished after a PIN matched");
  // Never Authenticated without callgate's own record of it: issue-action-link trusts nothing else.
  if (Status s = ledger_.record(contactId, kContactAuthPin, userId, (*customer)->phone); !s.ok()) {
    return s.error();
  }

  // Hashes made with an older cost are upgraded while the PIN is at hand; failing to is not
  // worth failing the login for.
  if (deps_.hasher.needsRehash(storedHash)) {
    auto fresh = deps_.hasher.hash(userId, pin);
    Status saved = fresh.ok() ? deps_.credentials.setPinHash(userId, *fresh, deps_.clock.now())
                              : Status(fresh.error());
    if (!saved.ok()) spdlog::warn("event=pin_rehash_failed error=\"{}\"", saved.error().message());
  }

  deps_.audit.record("pin_verified", {{"user_id", userId}});
  StringMap out = outcome("Authenticated");
  out[std::string(kAuthenticatedKey)] = kTrue;
  out["userId"] = userId;
  out[std::string(kAuthMethodKey)] = "pin";
  addCustomerAttributes(**customer, out);
  return out;
}

}  // namespace callgate
