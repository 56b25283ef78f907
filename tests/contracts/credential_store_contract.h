// The CredentialStore contract (core/ports.h, core/pin_policy.h), with the PIN side of
// CustomerStore::addWithPins. Factory: customers() and credentials() over one database, clock().
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include "contracts/contract_support.h"
#include "contracts/customer_store_contract.h"
#include "core/ports.h"

namespace callgate::contracts {

template <class Factory>
class CredentialStoreContract : public ::testing::Test {
 protected:
  CustomerStore& customers() { return factory_.customers(); }
  CredentialStore& store() { return factory_.credentials(); }
  TimePoint now() { return factory_.clock().now(); }
  PinAttempt attempt(const std::string& userId, int maxFailures, TimePoint at) {
    auto a = store().beginPinAttempt(userId, maxFailures, at);
    EXPECT_TRUE(a.ok()) << a.error().toString();
    return a.ok() ? *a : PinAttempt{};
  }
  PinFailureState failures(const std::string& userId) {
    auto f = store().pinFailures(userId);
    EXPECT_TRUE(f.ok()) << f.error().toString();
    return f.ok() ? *f : PinFailureState{-1, {}};
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
  EXPECT_TRUE(state.locked(5));
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
  ASSERT_TRUE(this->failures("12345678").locked(3));
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
      auto a = this->store().beginPinAttempt("55556666", 5, this->now());
      EXPECT_TRUE(a.ok());
      if (a.ok() && a->allowed) ++allowed;
    }
    return true;
  });
  EXPECT_EQ(allowed.load(), 5);
  EXPECT_EQ(this->failures("55556666").failures, 5);
  EXPECT_FALSE(this->attempt("55556666", 5, this->now()).allowed);
}

REGISTER_TYPED_TEST_SUITE_P(CredentialStoreContract, PinHashTellsUnknownFromNoPinFromSet,
                            AddWithPinsStoresNoPinWhenTheBatchFails,
                            SetPinHashSetsAndReplacesForAnExistingUserIdOnly,
                            AttemptsAreCountedUntilTheLimitThenRefused,
                            CountersAreKeptPerUserIdWhetherOrNotItExists, ResetStartsTheCountOver,
                            UnlockClearsTheCounterAndTheLockOnce,
                            ConcurrentAttemptsNeverExceedTheLimit);

}  // namespace callgate::contracts
