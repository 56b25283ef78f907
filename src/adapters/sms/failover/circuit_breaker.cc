#include "adapters/sms/failover/circuit_breaker.h"

#include <algorithm>

namespace callgate {

std::string_view circuitStateName(CircuitState state) {
  switch (state) {
    case CircuitState::kClosed:
      return "closed";
    case CircuitState::kHalfOpen:
      return "half_open";
    case CircuitState::kOpen:
      return "open";
  }
  return "closed";
}

CircuitBreaker::CircuitBreaker(CircuitBreakerOptions options, const Clock& clock)
    : options_(options), clock_(clock) {}

CircuitTransition CircuitBreaker::moveTo(CircuitState next) {
  const bool changed = next != state_;
  state_ = next;
  return {state_, changed};
}

bool CircuitBreaker::allow(CircuitTransition* transition) {
  std::lock_guard lock(mutex_);
  CircuitTransition t{state_, false};
  bool allowed = false;
  switch (state_) {
    case CircuitState::kClosed:
      allowed = true;
      break;
    case CircuitState::kOpen:
      if (clock_.now() - openedAt_ >= options_.cooldown) {
        t = moveTo(CircuitState::kHalfOpen);
        trialOut_ = true;
        allowed = true;
      }
      break;
    case CircuitState::kHalfOpen:
      // One trial at a time; the others are told no, as if still open.
      if (!trialOut_) {
        trialOut_ = true;
        allowed = true;
      }
      break;
  }
  if (transition != nullptr) *transition = t;
  return allowed;
}

CircuitTransition CircuitBreaker::recordSuccess() {
  std::lock_guard lock(mutex_);
  consecutive_ = 0;
  trialOut_ = false;
  // A success reported while open comes from a send allowed before the circuit opened: it does
  // not close the circuit early, the trial does.
  if (state_ == CircuitState::kOpen) return {state_, false};
  return moveTo(CircuitState::kClosed);
}

CircuitTransition CircuitBreaker::recordFailure() {
  std::lock_guard lock(mutex_);
  const TimePoint now = clock_.now();
  switch (state_) {
    case CircuitState::kHalfOpen:
      trialOut_ = false;
      openedAt_ = now;
      return moveTo(CircuitState::kOpen);
    case CircuitState::kOpen:
      return {state_, false};
    case CircuitState::kClosed:
      break;
  }
  if (consecutive_ == 0 || now - runStart_ > options_.window) {
    consecutive_ = 0;
    runStart_ = now;
  }
  ++consecutive_;
  if (consecutive_ >= std::max(1, options_.failures)) {
    consecutive_ = 0;
    openedAt_ = now;
    return moveTo(CircuitState::kOpen);
  }
  return {state_, false};
}

CircuitState CircuitBreaker::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

}  // namespace callgate
