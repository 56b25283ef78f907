// SQLite-specific behaviour of the cluster-state stores: two handles on one file (as two nodes,
// or a node and the CLI, sharing it) agree on one ring and one fingerprint, and what they store
// survives reopening. The port semantics are in tests/contracts (signing_key_store_contract.h,
// secret_fingerprint_store_contract.h).
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "adapters/storage/sqlite/sqlite_secret_fingerprint_store.h"
#include "adapters/storage/sqlite/sqlite_signing_key_store.h"
#include "fakes/temp_dir.h"

namespace callgate {
namespace {

using testing::TempDir;

std::unique_ptr<SqliteDatabase> openDb(const std::string& path) {
  auto db = SqliteDatabase::open(path);
  EXPECT_TRUE(db.ok()) << db.error().toString();
  return db.ok() ? std::move(*db) : nullptr;
}

SealedSigningKey key(const std::string& kid) {
  return SealedSigningKey{kid, fromUnixMillis(1'800'000'000'000), "v1.sealed-" + kid};
}

TEST(SqliteClusterStateTest, TwoHandlesOnOneFileHaveOneRotationWinner) {
  TempDir dir;
  auto a = openDb(dir.file("callgate.db"));
  auto b = openDb(dir.file("callgate.db"));
  SqliteSigningKeyStore storeA(*a), storeB(*b);
  ASSERT_TRUE(*storeA.replace({key("base")}, 0));

  std::vector<Result<bool>> results(2, false);
  std::thread ta([&] { results[0] = storeA.replace({key("base"), key("from-a")}, 1); });
  std::thread tb([&] { results[1] = storeB.replace({key("base"), key("from-b")}, 1); });
  ta.join();
  tb.join();
  ASSERT_TRUE(results[0].ok() && results[1].ok());
  EXPECT_NE(*results[0], *results[1]);
  auto ring = storeB.load();
  ASSERT_TRUE(ring.ok());
  EXPECT_EQ(ring->version, 2);
  ASSERT_EQ(ring->keys.size(), 2u);
  EXPECT_EQ(ring->keys[1].kid, *results[0] ? "from-a" : "from-b");
  EXPECT_EQ(*storeA.version(), 2);
}

TEST(SqliteClusterStateTest, TheRingAndFingerprintsSurviveReopening) {
  TempDir dir;
  {
    auto db = openDb(dir.file("callgate.db"));
    SqliteSigningKeyStore keys(*db);
    SqliteSecretFingerprintStore fingerprints(*db);
    ASSERT_TRUE(*keys.replace({key("k1")}, 0));
    ASSERT_EQ(*fingerprints.claim("otp_secret", "fp-1"), "fp-1");
  }
  auto db = openDb(dir.file("callgate.db"));
  SqliteSigningKeyStore keys(*db);
  SqliteSecretFingerprintStore fingerprints(*db);
  EXPECT_EQ(*keys.load(), (SigningKeyRing{1, {key("k1")}}));
  EXPECT_EQ(*fingerprints.claim("otp_secret", "fp-2"), "fp-1");
}

TEST(SqliteClusterStateTest, AFailedReplaceLeavesTheRingAndVersionAlone) {
  TempDir dir;
  auto db = openDb(dir.file("callgate.db"));
  SqliteSigningKeyStore store(*db);
  ASSERT_TRUE(*store.replace({key("k1")}, 0));
  // A duplicate kid violates the primary key half way: the whole replace rolls back.
  auto dup = store.replace({key("k2"), key("k2")}, 1);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(*store.load(), (SigningKeyRing{1, {key("k1")}}));
}

}  // namespace
}  // namespace callgate
