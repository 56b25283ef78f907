// The GrantStore contract (core/ports.h, core/action_grant.h). Factory: customers() and grants()
// over one database, clock(). Grants are for existing accounts (the SQLite schema holds them to
// that with a foreign key), so the fixture adds the two accounts the tests use.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "contracts/contract_support.h"
#include "contracts/customer_store_contract.h"
#include "core/ports.h"

namespace callgate::contracts {

template <class Factory>
class GrantStoreContract : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(factory_.customers().add(contractCustomer("+14155550100", "12345678")).ok());
    ASSERT_TRUE(factory_.customers().add(contractCustomer("+14155550101", "87654321")).ok());
  }
  GrantStore& store() { return factory_.grants(); }
  TimePoint now() { return factory_.clock().now(); }
  Grant grant(const std::string& codeHash, TimePoint created, const std::string& userId) {
    Grant g;
    g.codeHash = codeHash;
    g.userId = userId;
    g.action = kActionAddMember;
    g.phone = "+14155550100";
    g.createdAt = created;
    g.expiresAt = created + Seconds(600);
    return g;
  }
  Grant grant(const std::string& codeHash) { return grant(codeHash, now(), "12345678"); }
  int64_t insertOrDie(const Grant& g) {
    auto id = store().insert(g);
    EXPECT_TRUE(id.ok()) << id.error().toString();
    return id.ok() ? *id : -1;
  }
  Grant findOrDie(const std::string& codeHash) {
    auto g = store().findByCodeHash(codeHash);
    EXPECT_TRUE(g.ok() && g->has_value()) << codeHash;
    return g.ok() && g->has_value() ? **g : Grant{};
  }
  bool redeem(int64_t id, TimePoint at) {
    auto won = store().redeem(id, at);
    EXPECT_TRUE(won.ok()) << won.error().toString();
    return won.ok() && *won;
  }

  Factory factory_;
};

TYPED_TEST_SUITE_P(GrantStoreContract);

TYPED_TEST_P(GrantStoreContract, InsertThenFindRoundTripsEveryField) {
  const Grant g = this->grant("hash-1");
  const int64_t id = this->insertOrDie(g);
  EXPECT_GT(id, 0);
  const int64_t other = this->insertOrDie(this->grant("hash-2"));
  EXPECT_NE(other, id);
  const Grant found = this->findOrDie("hash-1");
  EXPECT_EQ(found.id, id);
  EXPECT_EQ(found.codeHash, "hash-1");
  EXPECT_EQ(found.userId, g.userId);
  EXPECT_EQ(found.action, kActionAddMember);
  EXPECT_EQ(found.phone, g.phone);
  EXPECT_EQ(found.createdAt, g.createdAt);
  EXPECT_EQ(found.expiresAt, g.expiresAt);
  EXPECT_EQ(found.state, GrantState::kIssued);
  EXPECT_EQ(found.redeemedAt, TimePoint{});
}

TYPED_TEST_P(GrantStoreContract, FindsNothingForAnUnknownCodeHash) {
  this->insertOrDie(this->grant("hash-1"));
  auto found = this->store().findByCodeHash("hash-");
  ASSERT_TRUE(found.ok()) << found.error().toString();
  EXPECT_FALSE(found->has_value());
}

TYPED_TEST_P(GrantStoreContract, InsertRefusesATakenCodeHash) {
  const int64_t id = this->insertOrDie(this->grant("hash-1"));
  Grant again = this->grant("hash-1");
  again.userId = "87654321";
  auto dup = this->store().insert(again);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code(), ErrorCode::kAlreadyExists);
  const Grant kept = this->findOrDie("hash-1");
  EXPECT_EQ(kept.id, id);
  EXPECT_EQ(kept.userId, "12345678");
}

TYPED_TEST_P(GrantStoreContract, RedeemsOnceAndRecordsWhen) {
  const int64_t id = this->insertOrDie(this->grant("hash-1"));
  const TimePoint at = this->now() + Seconds(10);
  EXPECT_TRUE(this->redeem(id, at));
  EXPECT_FALSE(this->redeem(id, at + Seconds(1)));
  const Grant g = this->findOrDie("hash-1");
  EXPECT_EQ(g.state, GrantState::kRedeemed);
  EXPECT_EQ(g.redeemedAt, at);  // the loser changed nothing
}

TYPED_TEST_P(GrantStoreContract, RedeemRefusesFromTheExpiryInstantOn) {
  const int64_t late = this->insertOrDie(this->grant("hash-1"));
  const Grant g = this->findOrDie("hash-1");
  this->factory_.clock().advance(Seconds(600));
  ASSERT_EQ(this->now(), g.expiresAt);
  EXPECT_FALSE(this->redeem(late, this->now()));
  EXPECT_EQ(this->findOrDie("hash-1").state, GrantState::kIssued);
  EXPECT_EQ(this->findOrDie("hash-1").redeemedAt, TimePoint{});
  // The last valid instant is expiresAt - 1 ms.
  const int64_t justInTime = this->insertOrDie(this->grant("hash-2", g.createdAt, "12345678"));
  EXPECT_TRUE(this->redeem(justInTime, this->now() - Millis(1)));
}

TYPED_TEST_P(GrantStoreContract, RedeemOfAnUnknownIdIsFalse) {
  const int64_t id = this->insertOrDie(this->grant("hash-1"));
  EXPECT_FALSE(this->redeem(id + 1000, this->now()));
  EXPECT_FALSE(this->redeem(0, this->now()));
  EXPECT_EQ(this->findOrDie("hash-1").state, GrantState::kIssued);
}

TYPED_TEST_P(GrantStoreContract, ExactlyOneConcurrentRedeemWins) {
  for (int round = 0; round < 5; ++round) {
    const std::string hash = "race-" + std::to_string(round);
    const int64_t id = this->insertOrDie(this->grant(hash));
    const int wins = race([&](int i) {
      auto won = this->store().redeem(id, this->now() + Millis(i));
      EXPECT_TRUE(won.ok());
      return won.ok() && *won;
    });
    EXPECT_EQ(wins, 1) << hash;
    EXPECT_EQ(this->findOrDie(hash).state, GrantState::kRedeemed);
  }
}

TYPED_TEST_P(GrantStoreContract, CountsIssuedPerUserSinceInclusive) {
  const TimePoint t0 = this->now();
  this->insertOrDie(this->grant("a", t0 - Seconds(700), "12345678"));
  this->insertOrDie(this->grant("b", t0 - Seconds(600), "12345678"));  // exactly at `since`
  this->insertOrDie(this->grant("c", t0, "12345678"));
  this->insertOrDie(this->grant("d", t0, "87654321"));
  const int64_t redeemed = this->insertOrDie(this->grant("e", t0, "12345678"));
  EXPECT_TRUE(this->redeem(redeemed, t0));  // redeemed grants were issued too
  EXPECT_EQ(*this->store().countIssuedSince("12345678", t0 - Seconds(600)), 3);
  EXPECT_EQ(*this->store().countIssuedSince("12345678", t0 - Seconds(600) + Millis(1)), 2);
  EXPECT_EQ(*this->store().countIssuedSince("87654321", t0 - Seconds(600)), 1);
  EXPECT_EQ(*this->store().countIssuedSince("11112222", t0 - Seconds(600)), 0);
}

REGISTER_TYPED_TEST_SUITE_P(GrantStoreContract, InsertThenFindRoundTripsEveryField,
                            FindsNothingForAnUnknownCodeHash, InsertRefusesATakenCodeHash,
                            RedeemsOnceAndRecordsWhen, RedeemRefusesFromTheExpiryInstantOn,
                            RedeemOfAnUnknownIdIsFalse, ExactlyOneConcurrentRedeemWins,
                            CountsIssuedPerUserSinceInclusive);

}  // namespace callgate::contracts
