// PIN rules (DESIGN §4) for user id + PIN login: what a PIN looks like, how failures lock an
// account, and the state a credential store keeps per user id. Pure value types and functions
// (time is passed in); thread-safe.
//
// Lockout counts failures per *user id*, whether or not a customer has that id, so that neither
// the answers nor the time they take reveal which ids exist. A failure is counted before the PIN
// is checked (see CredentialStore::beginPinAttempt), so concurrent guesses cannot slip past a
// lock between the check and the count.
//
// Locks escalate instead of lasting for good at the first limit: anyone who knows a user id can
// key wrong PINs for it, so a lock that only an operator lifts would let a stranger lock the
// owner out. Reaching a step's count locks the id for that step's time; reaching lockAfter
// (at most 100 in a row, NIST SP 800-63B) locks it until the PIN is reset, an operator unlocks
// it, or the owner unlocks it with a code texted to the number on file (send-unlock-code).
#pragma once

#include <string_view>
#include <vector>

#include "common/result.h"
#include "core/time.h"

namespace callgate {

inline constexpr int kPinMinDigits = 4;
inline constexpr int kPinMaxDigits = 8;
// NIST SP 800-63B 5.2.2: no more than 100 consecutive failed attempts on one account.
inline constexpr int kPinMaxLockAfter = 100;
// The longest temporary lock a step may set (a week); longer is what lockAfter is for.
inline constexpr Seconds kPinMaxStepDuration{7 * 86400};

// A PIN has the shape of one: kPinMinDigits..kPinMaxDigits ASCII digits.
inline bool isWellFormedPin(std::string_view pin) {
  if (pin.size() < static_cast<size_t>(kPinMinDigits) ||
      pin.size() > static_cast<size_t>(kPinMaxDigits)) {
    return false;
  }
  for (char c : pin) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// After `failures` consecutive failures the user id is locked for `duration`.
struct PinLockoutStep {
  int failures = 0;
  Seconds duration{0};
  bool operator==(const PinLockoutStep&) const = default;
};

// Config [security] pin_lockout_steps and pin_lock_after. The default: 15 minutes after 5
// failures, an hour after 10, for good after 15 (until a reset or an unlock).
struct PinLockoutPolicy {
  std::vector<PinLockoutStep> steps{{5, Seconds(900)}, {10, Seconds(3600)}};
  int lockAfter = 15;

  // No temporary steps: locked for good after `failures` (what every lock was before steps).
  static PinLockoutPolicy permanentAfter(int failures) { return {{}, failures}; }
  // The config shorthand pin_max_failures = N (1..100): the default's shape scaled to N, i.e.
  // steps [[N, 900], [2N, 3600]] and lockAfter min(3N, 100), steps at or past 100 left out.
  static PinLockoutPolicy fromMaxFailures(int n);
};

// Steps strictly ascending in failures and each below lockAfter, durations 1 s..a week,
// lockAfter 1..100. kInvalidArgument naming what is wrong.
Status validatePinLockoutPolicy(const PinLockoutPolicy& policy);

// The failure record of one user id, as a credential store keeps it.
struct PinFailureState {
  int failures = 0;         // consecutive failures (including attempts still being checked)
  TimePoint lockedAt{};     // when failures reached lockAfter; epoch when not locked for good
  TimePoint lockedUntil{};  // the end of the latest temporary lock; epoch when there was none
};

enum class PinLockKind { kNone, kTemporary, kPermanent };
// "none" | "temporary" | "permanent" (verify-pin's lockKind, audit fields).
std::string_view pinLockKindName(PinLockKind kind);

struct PinLock {
  PinLockKind kind = PinLockKind::kNone;
  TimePoint until{};  // for kTemporary: the first moment an attempt is allowed again
  bool locked() const { return kind != PinLockKind::kNone; }
};

// The lock on a user id whose record is `state`, at `now`.
PinLock pinLockAt(const PinLockoutPolicy& policy, const PinFailureState& state, TimePoint now);

// Wrong PINs that may still be keyed before the next lock (temporary or not) starts; >= 1 when
// the id is not locked.
int pinFailuresBeforeLock(const PinLockoutPolicy& policy, int failures);

// The outcome of reserving one attempt: `allowed` false means the id is locked (`lock` says how)
// and the PIN must not be checked at all. When allowed, `failures` already counts this attempt
// and `lock` is the lock this attempt starts if the PIN turns out wrong (kNone if it starts none;
// a right PIN resets everything, that lock included).
struct PinAttempt {
  bool allowed = false;
  int failures = 0;
  PinLock lock;
  // The record as it was before this attempt, and when the attempt was made
  // (CredentialStore::refundPinAttempt puts the record back if it still holds this attempt).
  PinFailureState before;
  TimePoint at{};
};

// What a store does with one attempt, decided here so every store has one semantics: refuse it
// while a lock is in force (the record unchanged), else count it and start the step it reaches.
// `next` is the record to store (equal to `state` when refused).
struct PinAttemptDecision {
  PinAttempt attempt;
  PinFailureState next;
};
PinAttemptDecision decidePinAttempt(const PinLockoutPolicy& policy, const PinFailureState& state,
                                    TimePoint now);

}  // namespace callgate
