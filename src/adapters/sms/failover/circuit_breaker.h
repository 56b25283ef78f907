// CircuitBreaker: one SMS provider's health as the failover sees it, so a provider that keeps
// failing is skipped at once instead of costing every caller its retry budget.
//
//   closed    --(`failures` consecutive failures, all within `window`)-->  open
//   open      --(`cooldown` passed; the next allow() is the one trial)-->  half-open
//   half-open --(the trial succeeds)--> closed;  --(the trial fails)--> open (a new cool-down)
//
// While half-open only the trial may send; every other allow() says no until it reports. A
// "failure" is whatever the caller reports as one (the failover: the provider failed us, not a
// message the provider refused as invalid, which proves it is up). Time comes from the Clock.
// Thread-safe (one mutex; nothing blocks while it is held). Borrows the Clock.
#pragma once

#include <mutex>
#include <string_view>

#include "core/ports.h"
#include "core/time.h"

namespace callgate {

struct CircuitBreakerOptions {
  int failures = 3;      // consecutive failures that open the circuit (at least 1)
  Seconds window{60};    // ... counted only while the first of them is at most this old
  Seconds cooldown{30};  // open this long before one trial send
};

enum class CircuitState { kClosed, kHalfOpen, kOpen };

// "closed", "half_open", "open".
std::string_view circuitStateName(CircuitState state);

// A call's effect: the state after it, and whether it changed (for logs and the gauge).
struct CircuitTransition {
  CircuitState state;
  bool changed = false;
};

class CircuitBreaker {
 public:
  CircuitBreaker(CircuitBreakerOptions options, const Clock& clock);

  // Whether a send may go now. In the open state after the cool-down this makes the circuit
  // half-open and answers true once (the trial); report the trial's outcome with
  // recordSuccess() or recordFailure().
  bool allow(CircuitTransition* transition = nullptr);
  CircuitTransition recordSuccess();
  CircuitTransition recordFailure();
  CircuitState state() const;

 private:
  CircuitTransition moveTo(CircuitState next);  // mutex_ held

  const CircuitBreakerOptions options_;
  const Clock& clock_;
  mutable std::mutex mutex_;
  CircuitState state_ = CircuitState::kClosed;
  int consecutive_ = 0;   // failures in the current run (closed state)
  TimePoint runStart_{};  // when the run's first failure happened
  TimePoint openedAt_{};
  bool trialOut_ = false;  // half-open: the trial has been handed out
};

}  // namespace callgate
