// CircuitBreaker: closed -> open after K consecutive failures within the window, half-open after
// the cool-down with exactly one trial, and back to closed or open on the trial's outcome.
#include "adapters/sms/failover/circuit_breaker.h"

#include <gtest/gtest.h>

#include "fakes/fakes.h"

namespace callgate {
namespace {

using testing::FakeClock;

CircuitBreakerOptions options() {
  CircuitBreakerOptions o;
  o.failures = 3;
  o.window = Seconds(60);
  o.cooldown = Seconds(30);
  return o;
}

TEST(CircuitBreakerTest, OpensAfterConsecutiveFailures) {
  FakeClock clock;
  CircuitBreaker breaker(options(), clock);
  EXPECT_TRUE(breaker.allow());
  EXPECT_FALSE(breaker.recordFailure().changed);
  EXPECT_FALSE(breaker.recordFailure().changed);
  const CircuitTransition t = breaker.recordFailure();
  EXPECT_TRUE(t.changed);
  EXPECT_EQ(t.state, CircuitState::kOpen);
  EXPECT_FALSE(breaker.allow());
}

TEST(CircuitBreakerTest, ASuccessResetsTheCount) {
  FakeClock clock;
  CircuitBreaker breaker(options(), clock);
  breaker.recordFailure();
  breaker.recordFailure();
  breaker.recordSuccess();
  breaker.recordFailure();
  breaker.recordFailure();
  EXPECT_EQ(breaker.state(), CircuitState::kClosed);
  breaker.recordFailure();
  EXPECT_EQ(breaker.state(), CircuitState::kOpen);
}

TEST(CircuitBreakerTest, FailuresSpreadBeyondTheWindowDoNotOpen) {
  FakeClock clock;
  CircuitBreaker breaker(options(), clock);
  breaker.recordFailure();
  clock.advance(Seconds(40));
  breaker.recordFailure();
  clock.advance(Seconds(40));  // the run's first failure is now 80 s old: a new run starts
  breaker.recordFailure();
  EXPECT_EQ(breaker.state(), CircuitState::kClosed);
  breaker.recordFailure();
  breaker.recordFailure();
  EXPECT_EQ(breaker.state(), CircuitState::kOpen);
}

TEST(CircuitBreakerTest, HalfOpenAfterTheCooldownWithOneTrial) {
  FakeClock clock;
  CircuitBreaker breaker(options(), clock);
  for (int i = 0; i < 3; ++i) breaker.recordFailure();
  clock.advance(Seconds(29));
  EXPECT_FALSE(breaker.allow());
  clock.advance(Seconds(1));
  CircuitTransition t;
  EXPECT_TRUE(breaker.allow(&t));
  EXPECT_TRUE(t.changed);
  EXPECT_EQ(t.state, CircuitState::kHalfOpen);
  EXPECT_FALSE(breaker.allow()) << "only one trial at a time";
  EXPECT_FALSE(breaker.allow());
  const CircuitTransition closed = breaker.recordSuccess();
  EXPECT_TRUE(closed.changed);
  EXPECT_EQ(closed.state, CircuitState::kClosed);
  EXPECT_TRUE(breaker.allow());
  EXPECT_TRUE(breaker.allow());
}

TEST(CircuitBreakerTest, AFailedTrialReopensForAnotherCooldown) {
  FakeClock clock;
  CircuitBreaker breaker(options(), clock);
  for (int i = 0; i < 3; ++i) breaker.recordFailure();
  clock.advance(Seconds(30));
  ASSERT_TRUE(breaker.allow());
  const CircuitTransition t = breaker.recordFailure();
  EXPECT_TRUE(t.changed);
  EXPECT_EQ(t.state, CircuitState::kOpen);
  clock.advance(Seconds(29));
  EXPECT_FALSE(breaker.allow());
  clock.advance(Seconds(1));
  EXPECT_TRUE(breaker.allow());
}

TEST(CircuitBreakerTest, ALateSuccessDoesNotCloseAnOpenCircuit) {
  FakeClock clock;
  CircuitBreaker breaker(options(), clock);
  for (int i = 0; i < 3; ++i) breaker.recordFailure();
  // A send allowed before the circuit opened reports success afterwards.
  EXPECT_FALSE(breaker.recordSuccess().changed);
  EXPECT_EQ(breaker.state(), CircuitState::kOpen);
}

TEST(CircuitBreakerTest, OneFailureOpensWhenConfiguredSo) {
  FakeClock clock;
  CircuitBreakerOptions o = options();
  o.failures = 1;
  CircuitBreaker breaker(o, clock);
  EXPECT_EQ(breaker.recordFailure().state, CircuitState::kOpen);
}

TEST(CircuitBreakerTest, StateNames) {
  EXPECT_EQ(circuitStateName(CircuitState::kClosed), "closed");
  EXPECT_EQ(circuitStateName(CircuitState::kHalfOpen), "half_open");
  EXPECT_EQ(circuitStateName(CircuitState::kOpen), "open");
}

}  // namespace
}  // namespace callgate
