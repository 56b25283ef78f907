// SQLite-specific behaviour of SqliteTokenStateStore: persistence, pruning, an empty jti. The
// TokenStateStore port semantics (revocation, single use with one winner under concurrency) are
// in tests/contracts/token_state_store_contract.h (contracts_sqlite_tests).
#include "adapters/storage/sqlite/sqlite_token_state_store.h"

#include <gtest/gtest.h>

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

TEST_F(SqliteTokenStateStoreTest, RefusesAnEmptyJti) {
  const TimePoint exp = clock_.now() + Seconds(300);
  auto consumed = store_->consume("", exp);
  ASSERT_FALSE(consumed.ok());
  EXPECT_EQ(consumed.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(store_->revoke("", exp).ok());
  EXPECT_EQ(rowCount(), 0);
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
