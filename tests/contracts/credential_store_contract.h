// The CredentialStore contract (core/ports.h, core/pin_policy.h), with the PIN side of
// CustomerStore::addWithPins. Factory: customers() and credentials() over one database, clock().
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include "contracts/contract_support.h"
#include "contracts/customer_store_contract.h"
#include "core/pin_policy.h"
#include "core/ports.h"

namespace callgate::contracts {

template <class Factory>
class CredentialStoreContract : public ::testing::Test {
 protected:
  CustomerStore& customers() { return factory_.customers(); }
  CredentialStore& store() { return factory_.credentials(); }
  TimePoint now() { return factory_.clock().now(); }
  // The single limit of the first release: locked for good after `maxFailures`.
  PinAttempt attempt(const std::string& userId, int maxFailures, TimePoint at) {
    return attempt(userId, PinLockoutPolicy::permanentAfter(maxFailures), at);
  }
  PinAttempt attempt(const std::string& userId, const PinLockoutPolicy& policy, TimePoint at) {
    auto a = store().beginPinAttempt(userId, policy, at);
    EXPECT_TRUE(a.ok()) << a.error().toString();
    return a.ok() ? *a : PinAttempt{};
  }
  PinFailureState failures(const std::string& userId) {
    auto f = store().pinFailures(userId);
    EXPECT_TRUE(f.ok()) << f.error().toString();
    return f.ok() ? *f : PinFailureState{-1, {}, {}};
  }

  Factory factory_;
};

TYPED_TEST_SUITE_P(CredentialStoreContract);

TYPED_TEST_P(CredentialStoreContract, PinHashTellsUnknownFromNoPinFromSet) {
  ASSERT_TRUE(this->customers()
                  .addWithPins({{contractCustomer("+14155550100", "12345678"), "hash-a"},
                                {contractCustomer("+14155550101", "87654321"), ""},
                                {contractCustomer("+14155550102"), ""}})
                  .ok());
  auto set = this->store().pinHash("12345678");
  ASSERT_TRUE(set.ok()) << set.error().toString();
  EXPECT_EQ(set->value_or("?"), "hash-a");
  EXPECT_EQ(this->store().pinHash("87654321")->value_or("?"), "");  // exists, no PIN
  EXPECT_FALSE(this->store().pinHash("11112222")->has_value());     // no such user id
  EXPECT_FALSE(this->store().pinHash("")->has_value());
}

TYPED_TEST_P(CredentialStoreContract, AddWithPinsStoresNoPinWhenTheBatchFails) {
  Status s = this->customers().addWithPins(
      {{contractCustomer("+14155550100", "12345678"), "hash-a"},
       {contractCustomer("+14155550101", "87654321"), "hash-b"},
       {contractCustomer("+14155550100", "11112222"), "hash-c"}});  // phone taken in the batch
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_FALSE(this->store().pinHash("12345678")->has_value());
  EXPECT_FALSE(this->store().pinHash("87654321")->has_value());
  EXPECT_EQ(*this->customers().count(), 0);
}

TYPED_TEST_P(CredentialStoreContract, SetPinHashSetsAndReplacesForAnExistingUserIdOnly) {
  ASSERT_TRUE(this->customers().add(contractCustomer("+14155550100", "12345678")).ok());
  ASSERT_TRUE(this->store().setPinHash("12345678", "h1", this->now()).ok());
  EXPECT_EQ(this->store().pinHash("12345678")->value_or(""), "h1");
  ASSERT_TRUE(this->store().setPinHash("12345678", "h2", this->now()).ok());
  EXPECT_EQ(this->store().pinHash("12345678")->value_or(""), "h2");
  Status missing = this->store().setPinHash("99999999", "h", this->now());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(this->store().pinHash("99999999")->has_value());
}

TYPED_TEST_P(CredentialStoreContract, AttemptsAreCountedUntilTheLimitThenRefused) {
  const TimePoint t0 = this->now();
  EXPECT_EQ(this->failures("12345678").failures, 0);
  for (int i = 1; i <= 5; ++i) {
    const PinAttempt a = this->attempt("12345678", 5, t0 + Millis(i));
    EXPECT_TRUE(a.allowed) << i;
    EXPECT_EQ(a.failures, i);
    // Locked only by the attempt that reaches the limit, at its time.
    EXPECT_EQ(this->failures("12345678").lockedAt, i < 5 ? TimePoint{} : t0 + Millis(5));
  }
  const PinAttempt refused = this->attempt("12345678", 5, t0 + Millis(10));
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.failures, 5);
  const PinFailureState state = this->failures("12345678");
  EXPECT_EQ(pinLockAt(PinLockoutPolicy::permanentAfter(5), state, t0 + Millis(10)).kind,
            PinLockKind::kPermanent);
  EXPECT_EQ(refused.lock.kind, PinLockKind::kPermanent);
  EXPECT_EQ(state.failures, 5);
  EXPECT_EQ(state.lockedAt, t0 + Millis(5));  // a refused attempt does not move the lock time
}

TYPED_TEST_P(CredentialStoreContract, CountersAreKeptPerUserIdWhetherOrNotItExists) {
  ASSERT_TRUE(this->customers().add(contractCustomer("+14155550100", "12345678")).ok());
  EXPECT_TRUE(this->attempt("12345678", 3, this->now()).allowed);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(this->attempt("99990000", 3, this->now()).allowed);
  EXPECT_FALSE(this->attempt("99990000", 3, this->now()).allowed);
  EXPECT_EQ(this->failures("12345678").failures, 1);
  EXPECT_EQ(this->failures("99990000").failures, 3);
  EXPECT_EQ(this->failures("55550000").failures, 0);
  EXPECT_TRUE(this->attempt("12345678", 3, this->now()).allowed);
}

TYPED_TEST_P(CredentialStoreContract, ResetStartsTheCountOver) {
  ASSERT_TRUE(this->store().resetPinFailures("12345678").ok());  // nothing to reset: fine
  for (int i = 0; i < 3; ++i) this->attempt("12345678", 3, this->now());
  ASSERT_NE(this->failures("12345678").lockedAt, TimePoint{});
  ASSERT_TRUE(this->store().resetPinFailures("12345678").ok());
  const PinFailureState state = this->failures("12345678");
  EXPECT_EQ(state.failures, 0);
  EXPECT_EQ(state.lockedAt, TimePoint{});
  EXPECT_TRUE(this->attempt("12345678", 3, this->now()).allowed);
}

TYPED_TEST_P(CredentialStoreContract, UnlockClearsTheCounterAndTheLockOnce) {
  auto nothing = this->store().unlock("12345678");
  ASSERT_TRUE(nothing.ok()) << nothing.error().toString();
  EXPECT_FALSE(*nothing);
  for (int i = 0; i < 5; ++i) this->attempt("12345678", 5, this->now());
  EXPECT_FALSE(this->attempt("12345678", 5, this->now()).allowed);
  EXPECT_TRUE(*this->store().unlock("12345678"));
  EXPECT_FALSE(*this->store().unlock("12345678"));  // nothing left to clear
  EXPECT_EQ(this->failures("12345678").failures, 0);
  EXPECT_EQ(this->failures("12345678").lockedAt, TimePoint{});
  const PinAttempt again = this->attempt("12345678", 5, this->now());
  EXPECT_TRUE(again.allowed);
  EXPECT_EQ(again.failures, 1);
}

TYPED_TEST_P(CredentialStoreContract, ConcurrentAttemptsNeverExceedTheLimit) {
  std::atomic<int> allowed{0};
  race([&](int) {
    for (int i = 0; i < 3; ++i) {
      auto a = this->store().beginPinAttempt("55556666", PinLockoutPolicy::permanentAfter(5),
                                             this->now());
      EXPECT_TRUE(a.ok());
      if (a.ok() && a->allowed) ++allowed;
    }
    return true;
  });
  EXPECT_EQ(allowed.load(), 5);
  EXPECT_EQ(this->failures("55556666").failures, 5);
  EXPECT_FALSE(this->attempt("55556666", 5, this->now()).allowed);
}

// Steps [[2, 60 s], [4, 600 s]], locked for good at 6.
inline PinLockoutPolicy contractLockout() { return {{{2, Seconds(60)}, {4, Seconds(600)}}, 6}; }

TYPED_TEST_P(CredentialStoreContract, AStepLocksForItsTimeWithoutCountingRefusedAttempts) {
  const PinLockoutPolicy policy = contractLockout();
  const TimePoint t0 = this->now();
  EXPECT_EQ(this->attempt("12345678", policy, t0).lock.kind, PinLockKind::kNone);
  // The attempt that reaches the step says which lock it starts (if its PIN is wrong).
  const PinAttempt second = this->attempt("12345678", policy, t0 + Seconds(1));
  EXPECT_TRUE(second.allowed);
  EXPECT_EQ(second.failures, 2);
  EXPECT_EQ(second.lock.kind, PinLockKind::kTemporary);
  EXPECT_EQ(second.lock.until, t0 + Seconds(61));
  EXPECT_EQ(this->failures("12345678").lockedUntil, t0 + Seconds(61));
  // Refused until then, and not counted.
  for (Seconds at : {Seconds(1), Seconds(30), Seconds(60)}) {
    const PinAttempt refused = this->attempt("12345678", policy, t0 + Seconds(1) + at - Millis(1));
    EXPECT_FALSE(refused.allowed) << at.count();
    EXPECT_EQ(refused.lock.kind, PinLockKind::kTemporary);
    EXPECT_EQ(refused.lock.until, t0 + Seconds(61));
    EXPECT_EQ(refused.failures, 2);
  }
  EXPECT_EQ(this->failures("12345678").failures, 2);
  // From the lock's end on, attempts count again; the next step escalates.
  const PinAttempt third = this->attempt("12345678", policy, t0 + Seconds(61));
  EXPECT_TRUE(third.allowed);
  EXPECT_EQ(third.failures, 3);
  EXPECT_EQ(third.lock.kind, PinLockKind::kNone);
  const PinAttempt fourth = this->attempt("12345678", policy, t0 + Seconds(62));
  EXPECT_EQ(fourth.lock.kind, PinLockKind::kTemporary);
  EXPECT_EQ(fourth.lock.until, t0 + Seconds(662));
  EXPECT_FALSE(this->attempt("12345678", policy, t0 + Seconds(661)).allowed);
  EXPECT_TRUE(this->attempt("12345678", policy, t0 + Seconds(662)).allowed);
}

TYPED_TEST_P(CredentialStoreContract, LockAfterLocksForGoodUntilResetOrUnlock) {
  const PinLockoutPolicy policy = contractLockout();
  TimePoint at = this->now();
  int allowed = 0;
  // Wait out every temporary lock: the count still ends at lockAfter.
  for (int i = 0; i < 20; ++i) {
    const PinAttempt a = this->attempt("99990000", policy, at);  // an id no customer has
    if (a.allowed) ++allowed;
    at += Seconds(601);
  }
  EXPECT_EQ(allowed, 6);
  const PinFailureState state = this->failures("99990000");
  EXPECT_EQ(state.failures, 6);
  EXPECT_NE(state.lockedAt, TimePoint{});
  const PinAttempt refused = this->attempt("99990000", policy, at + Seconds(86400 * 365));
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.lock.kind, PinLockKind::kPermanent);
  ASSERT_TRUE(*this->store().unlock("99990000"));
  const PinAttempt again = this->attempt("99990000", policy, at);
  EXPECT_TRUE(again.allowed);
  EXPECT_EQ(again.failures, 1);
}

TYPED_TEST_P(CredentialStoreContract, ResetAndUnlockLiftATemporaryLock) {
  const PinLockoutPolicy policy = contractLockout();
  const TimePoint t0 = this->now();
  for (int i = 0; i < 2; ++i) this->attempt("12345678", policy, t0);
  ASSERT_FALSE(this->attempt("12345678", policy, t0).allowed);
  ASSERT_TRUE(this->store().resetPinFailures("12345678").ok());
  PinFailureState state = this->failures("12345678");
  EXPECT_EQ(state.failures, 0);
  EXPECT_EQ(state.lockedUntil, TimePoint{});
  EXPECT_TRUE(this->attempt("12345678", policy, t0).allowed);
  this->attempt("12345678", policy, t0);
  ASSERT_FALSE(this->attempt("12345678", policy, t0).allowed);
  ASSERT_TRUE(*this->store().unlock("12345678"));
  state = this->failures("12345678");
  EXPECT_EQ(state.failures, 0);
  EXPECT_EQ(state.lockedUntil, TimePoint{});
  EXPECT_TRUE(this->attempt("12345678", policy, t0).allowed);
}

TYPED_TEST_P(CredentialStoreContract, ConcurrentAttemptsNeverPassAStep) {
  const PinLockoutPolicy policy = contractLockout();
  const TimePoint t0 = this->now();
  std::atomic<int> allowed{0};
  race([&](int) {
    for (int i = 0; i < 3; ++i) {
      auto a = this->store().beginPinAttempt("55556666", policy, t0);
      EXPECT_TRUE(a.ok());
      if (a.ok() && a->allowed) ++allowed;
    }
    return true;
  });
  EXPECT_EQ(allowed.load(), 2);  // the first step stops everyone else
  EXPECT_EQ(this->failures("55556666").failures, 2);
  // After it, the same again up to the second step.
  allowed = 0;
  race([&](int) {
    for (int i = 0; i < 3; ++i) {
      auto a = this->store().beginPinAttempt("55556666", policy, t0 + Seconds(60));
      EXPECT_TRUE(a.ok());
      if (a.ok() && a->allowed) ++allowed;
    }
    return true;
  });
  EXPECT_EQ(allowed.load(), 2);
  EXPECT_EQ(this->failures("55556666").failures, 4);
}

// An attempt whose PIN could not be checked (a directory that did not answer) is taken back
// exactly: the count and the lock it started, and nothing an attempt after it added.
TYPED_TEST_P(CredentialStoreContract, ARefundPutsBackExactlyWhatOneAttemptAdded) {
  const PinLockoutPolicy policy = contractLockout();
  const TimePoint t0 = this->now();
  const PinAttempt first = this->attempt("12345678", policy, t0);
  const PinAttempt second = this->attempt("12345678", policy, t0 + Seconds(1));
  ASSERT_EQ(second.lock.kind, PinLockKind::kTemporary);  // the step it reached
  auto refunded = this->store().refundPinAttempt("12345678", second);
  ASSERT_TRUE(refunded.ok()) << refunded.error().toString();
  EXPECT_TRUE(*refunded);
  PinFailureState f = this->failures("12345678");
  EXPECT_EQ(f.failures, 1);
  EXPECT_EQ(f.lockedUntil, TimePoint{});  // its lock is gone with it
  EXPECT_EQ(f.lockedAt, TimePoint{});
  EXPECT_TRUE(this->attempt("12345678", policy, t0 + Seconds(2)).allowed);
  // Twice, or after another attempt counted: nothing.
  EXPECT_FALSE(*this->store().refundPinAttempt("12345678", second));
  EXPECT_FALSE(*this->store().refundPinAttempt("12345678", first));
  EXPECT_EQ(this->failures("12345678").failures, 2);
  // After a reset: nothing (the count is not driven below what the reset left).
  const PinAttempt third = this->attempt("87654321", policy, t0);
  ASSERT_TRUE(this->store().resetPinFailures("87654321").ok());
  EXPECT_FALSE(*this->store().refundPinAttempt("87654321", third));
  EXPECT_EQ(this->failures("87654321").failures, 0);
  // A refused attempt counted nothing, so there is nothing to take back.
  const PinAttempt refused = this->attempt("12345678", policy, t0 + Seconds(3));
  ASSERT_FALSE(refused.allowed);
  EXPECT_FALSE(*this->store().refundPinAttempt("12345678", refused));
  EXPECT_EQ(this->failures("12345678").failures, 2);
}

REGISTER_TYPED_TEST_SUITE_P(
    CredentialStoreContract, PinHashTellsUnknownFromNoPinFromSet,
    AddWithPinsStoresNoPinWhenTheBatchFails, SetPinHashSetsAndReplacesForAnExistingUserIdOnly,
    AttemptsAreCountedUntilTheLimitThenRefused, CountersAreKeptPerUserIdWhetherOrNotItExists,
    ResetStartsTheCountOver, UnlockClearsTheCounterAndTheLockOnce,
    ConcurrentAttemptsNeverExceedTheLimit, AStepLocksForItsTimeWithoutCountingRefusedAttempts,
    LockAfterLocksForGoodUntilResetOrUnlock, ResetAndUnlockLiftATemporaryLock,
    ConcurrentAttemptsNeverPassAStep, ARefundPutsBackExactlyWhatOneAttemptAdded);

}  // namespace callgate::contracts
