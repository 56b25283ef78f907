// The SigningKeyStore contract (core/cluster_state.h). Factory: signingKeys().
#pragma once

#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <vector>

#include "contracts/contract_support.h"
#include "core/cluster_state.h"

namespace callgate::contracts {

template <class Factory>
class SigningKeyStoreContract : public ::testing::Test {
 protected:
  SigningKeyStore& store() { return factory_.signingKeys(); }
  static SealedSigningKey key(const std::string& kid, int64_t createdAtSeconds) {
    return SealedSigningKey{kid, fromUnixMillis(createdAtSeconds * 1000), "v1.sealed-" + kid};
  }
  SigningKeyRing load() {
    auto ring = store().load();
    EXPECT_TRUE(ring.ok()) << ring.error().toString();
    return ring.ok() ? *ring : SigningKeyRing{-1, {}};
  }
  int64_t version() {
    auto v = store().version();
    EXPECT_TRUE(v.ok()) << v.error().toString();
    return v.ok() ? *v : -1;
  }
  bool replace(const std::vector<SealedSigningKey>& keys, int64_t expectedVersion) {
    auto won = store().replace(keys, expectedVersion);
    EXPECT_TRUE(won.ok()) << won.error().toString();
    return won.ok() && *won;
  }

  Factory factory_;
};

TYPED_TEST_SUITE_P(SigningKeyStoreContract);

TYPED_TEST_P(SigningKeyStoreContract, StartsEmptyAtVersionZero) {
  EXPECT_EQ(this->load(), (SigningKeyRing{0, {}}));
  EXPECT_EQ(this->version(), 0);
}

TYPED_TEST_P(SigningKeyStoreContract, ReplaceStoresTheRingAndBumpsTheVersion) {
  const std::vector<SealedSigningKey> keys = {this->key("kid-a", 1'800'000'000),
                                              this->key("kid-b", 1'800'000'060)};
  ASSERT_TRUE(this->replace(keys, 0));
  EXPECT_EQ(this->version(), 1);
  EXPECT_EQ(this->load(), (SigningKeyRing{1, keys}));

  // The whole ring is replaced: a key left out is gone.
  const std::vector<SealedSigningKey> next = {this->key("kid-b", 1'800'000'060),
                                              this->key("kid-c", 1'800'000'120)};
  ASSERT_TRUE(this->replace(next, 1));
  EXPECT_EQ(this->load(), (SigningKeyRing{2, next}));
  EXPECT_EQ(this->version(), 2);
}

TYPED_TEST_P(SigningKeyStoreContract, AStaleVersionChangesNothing) {
  const std::vector<SealedSigningKey> keys = {this->key("kid-a", 1'800'000'000)};
  ASSERT_TRUE(this->replace(keys, 0));
  EXPECT_FALSE(this->replace({this->key("kid-x", 1'800'000'100)}, 0));
  EXPECT_FALSE(this->replace({this->key("kid-x", 1'800'000'100)}, 2));
  EXPECT_EQ(this->load(), (SigningKeyRing{1, keys}));
}

TYPED_TEST_P(SigningKeyStoreContract, LoadsOldestFirstThenByKid) {
  ASSERT_TRUE(this->replace({this->key("kid-c", 1'800'000'060), this->key("kid-b", 1'800'000'000),
                             this->key("kid-a", 1'800'000'060)},
                            0));
  const SigningKeyRing ring = this->load();
  ASSERT_EQ(ring.keys.size(), 3u);
  EXPECT_EQ(ring.keys[0].kid, "kid-b");
  EXPECT_EQ(ring.keys[1].kid, "kid-a");
  EXPECT_EQ(ring.keys[2].kid, "kid-c");
}

TYPED_TEST_P(SigningKeyStoreContract, KeepsTheSealedSeedAsOpaqueText) {
  SealedSigningKey k = this->key("kid-a", 1'800'000'000);
  k.sealedSeed = "v1." + std::string(300, 'x') + "-_'\";--";
  ASSERT_TRUE(this->replace({k}, 0));
  EXPECT_EQ(this->load().keys, std::vector<SealedSigningKey>{k});
}

TYPED_TEST_P(SigningKeyStoreContract, AnEmptyRingCanBeStored) {
  ASSERT_TRUE(this->replace({this->key("kid-a", 1'800'000'000)}, 0));
  ASSERT_TRUE(this->replace({}, 1));
  EXPECT_EQ(this->load(), (SigningKeyRing{2, {}}));
}

TYPED_TEST_P(SigningKeyStoreContract, ConcurrentReplacesOfOneVersionHaveExactlyOneWinner) {
  ASSERT_TRUE(this->replace({this->key("kid-base", 1'800'000'000)}, 0));
  std::mutex mu;
  std::vector<std::string> winners;
  const int wins = race([&](int i) {
    const std::string kid = "kid-" + std::to_string(i);
    auto won = this->store().replace(
        {this->key("kid-base", 1'800'000'000), this->key(kid, 1'800'000'060)}, 1);
    EXPECT_TRUE(won.ok()) << won.error().toString();
    if (!won.ok() || !*won) return false;
    std::lock_guard lock(mu);
    winners.push_back(kid);
    return true;
  });
  EXPECT_EQ(wins, 1);
  ASSERT_EQ(winners.size(), 1u);
  const SigningKeyRing ring = this->load();
  EXPECT_EQ(ring.version, 2);
  ASSERT_EQ(ring.keys.size(), 2u);
  EXPECT_EQ(ring.keys[1].kid, winners[0]);
}

REGISTER_TYPED_TEST_SUITE_P(SigningKeyStoreContract, StartsEmptyAtVersionZero,
                            ReplaceStoresTheRingAndBumpsTheVersion, AStaleVersionChangesNothing,
                            LoadsOldestFirstThenByKid, KeepsTheSealedSeedAsOpaqueText,
                            AnEmptyRingCanBeStored,
                            ConcurrentReplacesOfOneVersionHaveExactlyOneWinner);

}  // namespace callgate::contracts
