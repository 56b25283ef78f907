// The TokenStateStore contract (core/ports.h). Factory: tokens(), clock() (the clock the store
// was given, if it takes one: a store may forget a token from its expiry on, never before).
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "contracts/contract_support.h"
#include "core/ports.h"

namespace callgate::contracts {

template <class Factory>
class TokenStateStoreContract : public ::testing::Test {
 protected:
  TokenStateStore& store() { return factory_.tokens(); }
  TimePoint expiry() { return factory_.clock().now() + Seconds(300); }
  bool isRevoked(const std::string& jti) {
    auto r = store().isRevoked(jti);
    EXPECT_TRUE(r.ok()) << r.error().toString();
    return r.ok() && *r;
  }
  bool consume(const std::string& jti) {
    auto r = store().consume(jti, expiry());
    EXPECT_TRUE(r.ok()) << r.error().toString();
    return r.ok() && *r;
  }

  Factory factory_;
};

TYPED_TEST_SUITE_P(TokenStateStoreContract);

TYPED_TEST_P(TokenStateStoreContract, UnknownTokensAreNotRevoked) {
  EXPECT_FALSE(this->isRevoked("jti-1"));
}

TYPED_TEST_P(TokenStateStoreContract, RevokeIsIdempotentAndKillsTheToken) {
  ASSERT_TRUE(this->store().revoke("jti-1", this->expiry()).ok());
  ASSERT_TRUE(this->store().revoke("jti-1", this->expiry()).ok());
  EXPECT_TRUE(this->isRevoked("jti-1"));
  EXPECT_FALSE(this->consume("jti-1"));  // a revoked token cannot be used
  EXPECT_TRUE(this->isRevoked("jti-1"));
}

TYPED_TEST_P(TokenStateStoreContract, ConsumeWinsOnceAndThenTheTokenIsDead) {
  EXPECT_TRUE(this->consume("jti-1"));
  EXPECT_FALSE(this->consume("jti-1"));
  EXPECT_TRUE(this->isRevoked("jti-1"));
  // Revoking a used token changes nothing and is no error.
  EXPECT_TRUE(this->store().revoke("jti-1", this->expiry()).ok());
  EXPECT_TRUE(this->isRevoked("jti-1"));
  EXPECT_FALSE(this->consume("jti-1"));
}

TYPED_TEST_P(TokenStateStoreContract, TokensAreIndependent) {
  ASSERT_TRUE(this->store().revoke("jti-1", this->expiry()).ok());
  EXPECT_TRUE(this->consume("jti-2"));
  EXPECT_FALSE(this->isRevoked("jti-3"));
  EXPECT_FALSE(this->isRevoked("jti-"));  // exact ids, not prefixes
  EXPECT_TRUE(this->consume("jti-3"));
}

TYPED_TEST_P(TokenStateStoreContract, ConcurrentConsumersHaveExactlyOneWinner) {
  for (int round = 0; round < 5; ++round) {
    const std::string jti = "race-" + std::to_string(round);
    const int wins = race([&](int) {
      auto r = this->store().consume(jti, this->expiry());
      EXPECT_TRUE(r.ok());
      return r.ok() && *r;
    });
    EXPECT_EQ(wins, 1) << jti;
  }
}

TYPED_TEST_P(TokenStateStoreContract, ALiveTokenIsRememberedWhileTimePasses) {
  ASSERT_TRUE(this->store().revoke("revoked", this->factory_.clock().now() + Seconds(3600)).ok());
  ASSERT_TRUE(this->store().consume("used", this->factory_.clock().now() + Seconds(3600)).ok());
  // Well past any housekeeping interval, but before the tokens expire; writes may prune.
  for (int i = 0; i < 3; ++i) {
    this->factory_.clock().advance(Seconds(900));
    ASSERT_TRUE(this->store().revoke("other-" + std::to_string(i), this->expiry()).ok());
  }
  EXPECT_TRUE(this->isRevoked("revoked"));
  EXPECT_TRUE(this->isRevoked("used"));
  EXPECT_FALSE(this->consume("used"));
}

REGISTER_TYPED_TEST_SUITE_P(TokenStateStoreContract, UnknownTokensAreNotRevoked,
                            RevokeIsIdempotentAndKillsTheToken,
                            ConsumeWinsOnceAndThenTheTokenIsDead, TokensAreIndependent,
                            ConcurrentConsumersHaveExactlyOneWinner,
                            ALiveTokenIsRememberedWhileTimePasses);

}  // namespace callgate::contracts
