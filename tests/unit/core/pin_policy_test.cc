// The lockout policy (core/pin_policy.h): steps, the lock for good, what a store must do.
#include "core/pin_policy.h"

#include <gtest/gtest.h>

namespace callgate {
namespace {

const TimePoint kT0 = fromUnixMillis(1'700'000'000'000);

PinLockoutPolicy twoSteps() { return {{{3, Seconds(60)}, {5, Seconds(600)}}, 7}; }

TEST(PinLockoutTest, TheDefaultEscalatesAndStaysWithinNist) {
  const PinLockoutPolicy policy;
  ASSERT_TRUE(validatePinLockoutPolicy(policy).ok());
  EXPECT_EQ(policy.steps, (std::vector<PinLockoutStep>{{5, Seconds(900)}, {10, Seconds(3600)}}));
  EXPECT_EQ(policy.lockAfter, 15);
  EXPECT_LE(policy.lockAfter, kPinMaxLockAfter);
}

TEST(PinLockoutTest, ValidationNamesWhatIsWrong) {
  EXPECT_FALSE(validatePinLockoutPolicy({{}, 0}).ok());
  EXPECT_FALSE(validatePinLockoutPolicy({{}, 101}).ok());
  EXPECT_TRUE(validatePinLockoutPolicy({{}, 100}).ok());
  EXPECT_TRUE(validatePinLockoutPolicy({{}, 1}).ok());
  auto bad = [](PinLockoutPolicy p) {
    Status s = validatePinLockoutPolicy(p);
    return s.ok() ? std::string() : s.error().message();
  };
  EXPECT_NE(bad({{{5, Seconds(60)}, {5, Seconds(60)}}, 9}).find("ascending"), std::string::npos);
  EXPECT_NE(bad({{{0, Seconds(60)}}, 9}).find("ascending"), std::string::npos);
  EXPECT_NE(bad({{{9, Seconds(60)}}, 9}).find("below pin_lock_after"), std::string::npos);
  EXPECT_NE(bad({{{3, Seconds(0)}}, 9}).find("seconds"), std::string::npos);
  EXPECT_NE(bad({{{3, Seconds(8 * 86400)}}, 9}).find("seconds"), std::string::npos);
}

TEST(PinLockoutTest, MaxFailuresShorthandScalesTheDefault) {
  EXPECT_EQ(PinLockoutPolicy::fromMaxFailures(5).steps, PinLockoutPolicy{}.steps);
  EXPECT_EQ(PinLockoutPolicy::fromMaxFailures(5).lockAfter, 15);
  const PinLockoutPolicy one = PinLockoutPolicy::fromMaxFailures(1);
  EXPECT_EQ(one.steps, (std::vector<PinLockoutStep>{{1, Seconds(900)}, {2, Seconds(3600)}}));
  EXPECT_EQ(one.lockAfter, 3);
  const PinLockoutPolicy forty = PinLockoutPolicy::fromMaxFailures(40);
  EXPECT_EQ(forty.lockAfter, 100);
  EXPECT_EQ(forty.steps.size(), 2u);
  EXPECT_EQ(PinLockoutPolicy::fromMaxFailures(50).steps.size(), 1u);
  EXPECT_TRUE(PinLockoutPolicy::fromMaxFailures(100).steps.empty());
  for (int n = 1; n <= 100; ++n) {
    EXPECT_TRUE(validatePinLockoutPolicy(PinLockoutPolicy::fromMaxFailures(n)).ok()) << n;
  }
}

TEST(PinLockoutTest, ReachingAStepLocksForItsTime) {
  const PinLockoutPolicy policy = twoSteps();
  PinFailureState state;
  for (int i = 1; i <= 2; ++i) {
    const PinAttemptDecision d = decidePinAttempt(policy, state, kT0);
    EXPECT_TRUE(d.attempt.allowed);
    EXPECT_EQ(d.attempt.failures, i);
    EXPECT_FALSE(d.attempt.lock.locked());
    state = d.next;
  }
  const PinAttemptDecision third = decidePinAttempt(policy, state, kT0);
  EXPECT_TRUE(third.attempt.allowed);
  EXPECT_EQ(third.attempt.lock.kind, PinLockKind::kTemporary);
  EXPECT_EQ(third.attempt.lock.until, kT0 + Seconds(60));
  EXPECT_EQ(third.next.lockedUntil, kT0 + Seconds(60));
  EXPECT_EQ(third.next.lockedAt, TimePoint{});
  state = third.next;

  const PinAttemptDecision refused = decidePinAttempt(policy, state, kT0 + Seconds(59));
  EXPECT_FALSE(refused.attempt.allowed);
  EXPECT_EQ(refused.attempt.failures, 3);
  EXPECT_EQ(refused.attempt.lock.kind, PinLockKind::kTemporary);
  EXPECT_EQ(refused.next.failures, 3);  // not counted
  EXPECT_EQ(refused.next.lockedUntil, state.lockedUntil);

  const PinAttemptDecision after = decidePinAttempt(policy, state, kT0 + Seconds(60));
  EXPECT_TRUE(after.attempt.allowed);
  EXPECT_EQ(after.attempt.failures, 4);
  EXPECT_FALSE(after.attempt.lock.locked());
}

TEST(PinLockoutTest, LockAfterLocksForGoodWhateverTheTime) {
  const PinLockoutPolicy policy = twoSteps();
  PinFailureState state{6, {}, kT0};
  const PinAttemptDecision last = decidePinAttempt(policy, state, kT0 + Seconds(1));
  EXPECT_TRUE(last.attempt.allowed);
  EXPECT_EQ(last.attempt.lock.kind, PinLockKind::kPermanent);
  EXPECT_EQ(last.next.lockedAt, kT0 + Seconds(1));
  const PinAttemptDecision years = decidePinAttempt(policy, last.next, kT0 + Seconds(86400 * 999));
  EXPECT_FALSE(years.attempt.allowed);
  EXPECT_EQ(years.attempt.lock.kind, PinLockKind::kPermanent);
  EXPECT_EQ(years.next.lockedAt, kT0 + Seconds(1));
  // A lower lockAfter configured later applies to the count already there.
  EXPECT_EQ(pinLockAt(PinLockoutPolicy::permanentAfter(3), {4, {}, {}}, kT0).kind,
            PinLockKind::kPermanent);
}

TEST(PinLockoutTest, FailuresBeforeLockCountToTheNextStep) {
  const PinLockoutPolicy policy = twoSteps();
  EXPECT_EQ(pinFailuresBeforeLock(policy, 0), 3);
  EXPECT_EQ(pinFailuresBeforeLock(policy, 2), 1);
  EXPECT_EQ(pinFailuresBeforeLock(policy, 3), 2);
  EXPECT_EQ(pinFailuresBeforeLock(policy, 5), 2);
  EXPECT_EQ(pinFailuresBeforeLock(policy, 6), 1);
  EXPECT_EQ(pinFailuresBeforeLock(policy, 7), 0);
  EXPECT_EQ(pinFailuresBeforeLock(PinLockoutPolicy::permanentAfter(5), 1), 4);
}

TEST(PinLockoutTest, KindNames) {
  EXPECT_EQ(pinLockKindName(PinLockKind::kNone), "none");
  EXPECT_EQ(pinLockKindName(PinLockKind::kTemporary), "temporary");
  EXPECT_EQ(pinLockKindName(PinLockKind::kPermanent), "permanent");
}

}  // namespace
}  // namespace callgate
