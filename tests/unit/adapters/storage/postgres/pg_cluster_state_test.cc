// PgSigningKeyStore and PgSecretFingerprintStore on a real PostgreSQL: the promises of
// core/cluster_state.h that other nodes rely on (a whole ring or none, one winner per version,
// the first fingerprint recorded wins). The shared contract suites check the rest.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "adapters/storage/postgres/pg_database.h"
#include "adapters/storage/postgres/pg_secret_fingerprint_store.h"
#include "adapters/storage/postgres/pg_signing_key_store.h"
#include "contracts/postgres_test_server.h"

namespace callgate {
namespace {

using callgate::testing::PgTestDatabase;

std::unique_ptr<PgDatabase> openNode(const std::string& url) {
  PgOptions options;
  options.url = url;
  auto db = PgDatabase::open(options);
  EXPECT_TRUE(db.ok()) << db.error().toString();
  return db.ok() ? std::move(*db) : nullptr;
}

SealedSigningKey key(const std::string& kid, int64_t createdSeconds) {
  return SealedSigningKey{kid, fromUnixMillis(createdSeconds * 1000), "sealed-" + kid};
}

TEST(PgSigningKeyStoreTest, StartsEmptyAndReplacesTheWholeRingByVersion) {
  PgTestDatabase fresh;
  auto db = openNode(fresh.url());
  ASSERT_NE(db, nullptr);
  PgSigningKeyStore store(*db);
  EXPECT_EQ(*store.load(), SigningKeyRing{});
  EXPECT_EQ(*store.version(), 0);

  ASSERT_TRUE(*store.replace({key("b", 20), key("a", 10)}, 0));
  EXPECT_EQ(*store.version(), 1);
  EXPECT_EQ(*store.load(), (SigningKeyRing{1, {key("a", 10), key("b", 20)}}));

  // A stale version changes nothing.
  EXPECT_FALSE(*store.replace({key("c", 30)}, 0));
  EXPECT_EQ(*store.load(), (SigningKeyRing{1, {key("a", 10), key("b", 20)}}));

  // Equal creation times are ordered by kid.
  ASSERT_TRUE(*store.replace({key("z", 30), key("y", 30), key("b", 20)}, 1));
  EXPECT_EQ(*store.load(), (SigningKeyRing{2, {key("b", 20), key("y", 30), key("z", 30)}}));
}

TEST(PgSigningKeyStoreTest, OfNodesReplacingOneVersionExactlyOneWins) {
  PgTestDatabase fresh;
  auto node1 = openNode(fresh.url());
  auto node2 = openNode(fresh.url());
  ASSERT_NE(node1, nullptr);
  ASSERT_NE(node2, nullptr);
  PgSigningKeyStore store1(*node1);
  PgSigningKeyStore store2(*node2);
  for (int version = 0; version < 5; ++version) {
    std::atomic<int> wins{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) {
      threads.emplace_back([&, i] {
        SigningKeyStore& store = i % 2 == 0 ? static_cast<SigningKeyStore&>(store1) : store2;
        auto won = store.replace({key("k" + std::to_string(i), i)}, version);
        EXPECT_TRUE(won.ok()) << won.error().toString();
        if (won.ok() && *won) ++wins;
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(wins.load(), 1);
    auto ring = store2.load();
    ASSERT_TRUE(ring.ok());
    EXPECT_EQ(ring->version, version + 1);
    EXPECT_EQ(ring->keys.size(), 1U);
  }
}

TEST(PgSecretFingerprintStoreTest, TheFirstClaimWinsUntilForgotten) {
  PgTestDatabase fresh;
  auto db = openNode(fresh.url());
  ASSERT_NE(db, nullptr);
  PgSecretFingerprintStore store(*db);
  EXPECT_EQ(*store.claim("otp_secret", "f1"), "f1");
  EXPECT_EQ(*store.claim("otp_secret", "f2"), "f1");
  EXPECT_EQ(*store.claim("pin_pepper", "p1"), "p1");
  EXPECT_EQ(*store.forgetAll(), 2);
  EXPECT_EQ(*store.forgetAll(), 0);
  EXPECT_EQ(*store.claim("otp_secret", "f2"), "f2");
}

TEST(PgSecretFingerprintStoreTest, NodesClaimingTogetherAllGetTheOneRecorded) {
  PgTestDatabase fresh;
  auto node1 = openNode(fresh.url());
  auto node2 = openNode(fresh.url());
  ASSERT_NE(node1, nullptr);
  ASSERT_NE(node2, nullptr);
  PgSecretFingerprintStore store1(*node1);
  PgSecretFingerprintStore store2(*node2);
  std::vector<std::string> seen(8);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      SecretFingerprintStore& store =
          i % 2 == 0 ? static_cast<SecretFingerprintStore&>(store1) : store2;
      auto got = store.claim("otp_secret", "f" + std::to_string(i));
      seen[static_cast<size_t>(i)] = got.ok() ? *got : "error: " + got.error().toString();
    });
  }
  for (auto& t : threads) t.join();
  for (const std::string& s : seen) EXPECT_EQ(s, seen[0]);
  EXPECT_EQ(seen[0].rfind('f', 0), 0U) << seen[0];
}

}  // namespace
}  // namespace callgate
