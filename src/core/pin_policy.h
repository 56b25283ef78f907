// PIN rules (DESIGN §4) for user id + PIN login: what a PIN looks like, how failures lock an
// account, and the state a credential store keeps per user id. Pure value types and checks;
// thread-safe.
//
// Lockout counts failures per *user id*, whether or not a customer has that id, so that neither
// the answers nor the time they take reveal which ids exist. A failure is counted before the PIN
// is checked (see CredentialStore::beginPinAttempt), so concurrent guesses cannot slip past the
// limit between the check and the count.
#pragma once

#include <string_view>

#include "core/time.h"

namespace callgate {

inline constexpr int kPinMinDigits = 4;
inline constexpr int kPinMaxDigits = 8;
inline constexpr int kDefaultPinMaxFailures = 5;

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

// The failure record of one user id.
struct PinFailureState {
  int failures = 0;      // consecutive failures (including attempts still being checked)
  TimePoint lockedAt{};  // when failures reached the limit; epoch when not locked
  bool locked(int maxFailures) const { return failures >= maxFailures; }
};

// The outcome of reserving one attempt: `allowed` false means the id is locked and the PIN must
// not be checked at all. When allowed, `failures` already counts this attempt; if the PIN turns
// out wrong and failures >= maxFailures, this attempt is the one that locked the id.
struct PinAttempt {
  bool allowed = false;
  int failures = 0;
};

}  // namespace callgate
