#include "core/pin_policy.h"

#include <algorithm>
#include <string>

namespace callgate {

Status validatePinLockoutPolicy(const PinLockoutPolicy& policy) {
  if (policy.lockAfter < 1 || policy.lockAfter > kPinMaxLockAfter) {
    return Error::invalidArgument("pin_lock_after must be an integer in 1.." +
                                  std::to_string(kPinMaxLockAfter));
  }
  int previous = 0;
  for (const PinLockoutStep& step : policy.steps) {
    const std::string which = "pin_lockout_steps [" + std::to_string(step.failures) + ", " +
                              std::to_string(step.duration.count()) + "]";
    if (step.failures <= previous) {
      return Error::invalidArgument(which + ": failure counts must be at least 1 and ascending");
    }
    if (step.failures >= policy.lockAfter) {
      return Error::invalidArgument(which + ": failure count must be below pin_lock_after (" +
                                    std::to_string(policy.lockAfter) + ")");
    }
    if (step.duration < Seconds(1) || step.duration > kPinMaxStepDuration) {
      return Error::invalidArgument(which + ": seconds must be in 1.." +
                                    std::to_string(kPinMaxStepDuration.count()));
    }
    previous = step.failures;
  }
  return okStatus();
}

PinLockoutPolicy PinLockoutPolicy::fromMaxFailures(int n) {
  PinLockoutPolicy policy{{}, std::min(3 * n, kPinMaxLockAfter)};
  if (n < policy.lockAfter) policy.steps.push_back({n, Seconds(900)});
  if (2 * n < policy.lockAfter) policy.steps.push_back({2 * n, Seconds(3600)});
  return policy;
}

std::string_view pinLockKindName(PinLockKind kind) {
  switch (kind) {
    case PinLockKind::kTemporary:
      return "temporary";
    case PinLockKind::kPermanent:
      return "permanent";
    case PinLockKind::kNone:
      break;
  }
  return "none";
}

PinLock pinLockAt(const PinLockoutPolicy& policy, const PinFailureState& state, TimePoint now) {
  if (state.failures >= policy.lockAfter) return {PinLockKind::kPermanent, {}};
  if (now < state.lockedUntil) return {PinLockKind::kTemporary, state.lockedUntil};
  return {};
}

int pinFailuresBeforeLock(const PinLockoutPolicy& policy, int failures) {
  int next = policy.lockAfter;
  for (const PinLockoutStep& step : policy.steps) {
    if (step.failures > failures) {
      next = std::min(next, step.failures);
      break;  // ascending
    }
  }
  return std::max(next - failures, 0);
}

PinAttemptDecision decidePinAttempt(const PinLockoutPolicy& policy, const PinFailureState& state,
                                    TimePoint now) {
  const PinLock current = pinLockAt(policy, state, now);
  if (current.locked()) return {{false, state.failures, current, state, now}, state};
  PinFailureState next = state;
  ++next.failures;
  if (next.failures >= policy.lockAfter) {
    if (next.lockedAt == TimePoint{}) next.lockedAt = now;
  } else {
    for (const PinLockoutStep& step : policy.steps) {
      if (step.failures == next.failures) next.lockedUntil = now + step.duration;
    }
  }
  return {{true, next.failures, pinLockAt(policy, next, now), state, now}, next};
}

}  // namespace callgate
