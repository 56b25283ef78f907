// SqliteTokenStateStore: revocation, single use (one winner under concurrency), pruning.

#include "adapters/storage/sqlite/sqlite_token_state_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "fakes/fakes.h"
#include "fakes/temp_dir.h"

namespace callgate {
namespace {

using testing::FakeClock;
using testing::TempDir;

class SqliteTokenStateStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = SqliteDatabase::open(dir_.file("callgate.db"));
    ASSERT_TRUE(db.ok()) << db.error().toString();
    db_ = std::move(*db);
    store_ = std::make_unique<SqliteTokenStateStore>(*db_, clock_);
  }

  int64_t rowCount() {
    auto lease = db_->acquire();
    auto stmt = (*lease)->prepare("SELECT COUNT(*) FROM token_states");
    EXPECT_TRUE(stmt.ok());
    EXPECT_TRUE(*stmt->step());
    return stmt->columnInt64(0);
  }

  TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<SqliteDatabase> db_;
  std::unique_ptr<SqliteTokenStateStore> store_;
};

TEST_F(SqliteTokenStateStoreTest, UnknownTokensAreNotRevoked) {
  auto r = store_->isRevoked("jti-1");
  ASSERT_TRUE(r.ok()) << r.error().toString();
  EXPECT_FALSE(*r);
}

TEST_F(SqliteTokenStateStoreTest, RevokeIsIdempotent) {
  const TimePoint exp = clock_.now() + Seconds(300);
  ASSERT_TRUE(store_->revoke("jti-1", exp).ok());
  ASSERT_TRUE(store_->revoke("jti-1", exp).ok());
  EXPECT_TRUE(*store_->isRevoked("jti-1"));
  EXPECT_FALSE(*store_->isRevoked("jti-2"));
  // A revoked token cannot be consumed.
  EXPECT_FALSE(*store_->consume("jti-1", exp));
}

TEST_F(SqliteTokenStateStoreTest, ConsumeWinsOnce) {
  const TimePoint exp = clock_.now() + Seconds(300);
  EXPECT_TRUE(*store_->consume("jti-1", exp));
  EXPECT_FALSE(*store_->consume("jti-1", exp));
  EXPECT_TRUE(*store_->isRevoked("jti-1"));
  EXPECT_TRUE(store_->revoke("jti-1", exp).ok());
  EXPECT_TRUE(store_->consume("jti-2", exp).ok());
  EXPECT_FALSE(store_->consume("", exp).ok());
}

TEST_F(SqliteTokenStateStoreTest, ConcurrentConsumersHaveExactlyOneWinner) {
  const TimePoint exp = clock_.now() + Seconds(300);
  for (int round = 0; round < 5; ++round) {
    const std::string jti = "race-" + std::to_string(round);
    std::atomic<int> winners{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 6; ++i) {
      threads.emplace_back([&] {
        auto r = store_->consume(jti, exp);
        EXPECT_TRUE(r.ok());
        if (r.ok() && *r) ++winners;
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(winners.load(), 1) << jti;
  }
}

TEST_F(SqliteTokenStateStoreTest, SurvivesReopening) {
  ASSERT_TRUE(store_->revoke("jti-1", clock_.now() + Seconds(300)).ok());
  store_.reset();
  db_.reset();
  auto db = SqliteDatabase::open(dir_.file("callgate.db"));
  ASSERT_TRUE(db.ok());
  SqliteTokenStateStore reopened(**db, clock_);
  EXPECT_TRUE(*reopened.isRevoked("jti-1"));
}

TEST_F(SqliteTokenStateStoreTest, PrunesExpiredRowsOpportunistically) {
  // The first write prunes (nothing yet) and schedules the next prune a minute later.
  ASSERT_TRUE(store_->revoke("old", clock_.now() + Seconds(30)).ok());
  ASSERT_TRUE(store_->consume("live", clock_.now() + Seconds(600)).ok());
  EXPECT_EQ(rowCount(), 2);
  clock_.advance(Seconds(45));  // "old" has expired, but the next prune is not due yet
  ASSERT_TRUE(store_->revoke("another", clock_.now() + Seconds(300)).ok());
  EXPECT_EQ(rowCount(), 3);
  clock_.advance(Seconds(20));  // a minute after the first write: this write prunes
  ASSERT_TRUE(store_->revoke("more", clock_.now() + Seconds(300)).ok());
  EXPECT_EQ(rowCount(), 3);
  EXPECT_FALSE(*store_->isRevoked("old"));
  EXPECT_TRUE(*store_->isRevoked("live"));

  clock_.advance(Seconds(3600));
  auto pruned = store_->pruneExpired(clock_.now());
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, 3);
  EXPECT_EQ(rowCount(), 0);
}

}  // namespace
}  // namespace callgate
