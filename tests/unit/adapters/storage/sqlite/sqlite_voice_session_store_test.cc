#include "adapters/storage/sqlite/sqlite_voice_session_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "fakes/temp_dir.h"

namespace callgate {
namespace {

using testing::TempDir;

const TimePoint kT0 = fromUnixMillis(1'800'000'000'000);

VoiceSessionRecord record(const std::string& id, const std::string& callSid) {
  VoiceSessionRecord r;
  r.id = id;
  r.callSid = callSid;
  r.flow = "flows/caller-id-otp.json";
  r.state = R"({"format":"x"})";
  r.response = "<Response/>";
  r.version = 1;
  r.updatedAt = kT0;
  r.expiresAt = kT0 + Seconds(7200);
  return r;
}

class SqliteVoiceSessionStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = SqliteDatabase::open(dir_.file("voice.db"));
    ASSERT_TRUE(db.ok()) << db.error().toString();
    db_ = std::move(*db);
    store_ = std::make_unique<SqliteVoiceSessionStore>(*db_);
  }
  TempDir dir_;
  std::unique_ptr<SqliteDatabase> db_;
  std::unique_ptr<SqliteVoiceSessionStore> store_;
};

TEST_F(SqliteVoiceSessionStoreTest, InsertFindByIdAndCallSid) {
  const VoiceSessionRecord r = record("id-1", "CA1");
  ASSERT_TRUE(store_->insert(r).ok());
  auto byId = store_->find("id-1", kT0);
  ASSERT_TRUE(byId.ok());
  ASSERT_TRUE(byId->has_value());
  EXPECT_EQ(**byId, r);
  auto bySid = store_->findByCallSid("CA1", kT0);
  ASSERT_TRUE(bySid.ok());
  ASSERT_TRUE(bySid->has_value());
  EXPECT_EQ(**bySid, r);
  EXPECT_FALSE(store_->find("id-2", kT0)->has_value());
  EXPECT_FALSE(store_->findByCallSid("CA2", kT0)->has_value());
}

TEST_F(SqliteVoiceSessionStoreTest, IdAndCallSidAreUnique) {
  ASSERT_TRUE(store_->insert(record("id-1", "CA1")).ok());
  auto sameId = store_->insert(record("id-1", "CA2"));
  ASSERT_FALSE(sameId.ok());
  EXPECT_EQ(sameId.error().code(), ErrorCode::kAlreadyExists);
  auto sameCall = store_->insert(record("id-2", "CA1"));
  ASSERT_FALSE(sameCall.ok());
  EXPECT_EQ(sameCall.error().code(), ErrorCode::kAlreadyExists);
}

TEST_F(SqliteVoiceSessionStoreTest, UpdateIsCompareAndSetOnVersion) {
  ASSERT_TRUE(store_->insert(record("id-1", "CA1")).ok());
  VoiceSessionRecord next = record("id-1", "CA1");
  next.version = 2;
  next.state = "claimed";
  next.response = "";
  auto won = store_->update(next, 1);
  ASSERT_TRUE(won.ok());
  EXPECT_TRUE(*won);
  // A second writer that read version 1 loses and changes nothing.
  VoiceSessionRecord stale = record("id-1", "CA1");
  stale.version = 2;
  stale.state = "stale";
  auto lost = store_->update(stale, 1);
  ASSERT_TRUE(lost.ok());
  EXPECT_FALSE(*lost);
  auto now = store_->find("id-1", kT0);
  EXPECT_EQ((*now)->state, "claimed");
  EXPECT_EQ((*now)->version, 2);
  EXPECT_EQ((*now)->response, "");
  // Updating a row that is gone is a lost race too.
  ASSERT_TRUE(store_->remove("id-1").ok());
  EXPECT_FALSE(*store_->update(next, 2));
  EXPECT_TRUE(store_->remove("id-1").ok());  // idempotent
}

TEST_F(SqliteVoiceSessionStoreTest, ExactlyOneConcurrentClaimWins) {
  ASSERT_TRUE(store_->insert(record("id-1", "CA1")).ok());
  std::atomic<int> wins{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      VoiceSessionRecord claim = record("id-1", "CA1");
      claim.version = 2;
      claim.state = "thread " + std::to_string(i);
      auto won = store_->update(claim, 1);
      if (won.ok() && *won) ++wins;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wins.load(), 1);
}

TEST_F(SqliteVoiceSessionStoreTest, ExpiredRowsAreInvisibleAndPurged) {
  ASSERT_TRUE(store_->insert(record("id-1", "CA1")).ok());
  VoiceSessionRecord later = record("id-2", "CA2");
  later.expiresAt = kT0 + Seconds(10000);
  ASSERT_TRUE(store_->insert(later).ok());
  const TimePoint after = kT0 + Seconds(7200);
  EXPECT_FALSE(store_->find("id-1", after)->has_value());
  EXPECT_FALSE(store_->findByCallSid("CA1", after)->has_value());
  auto purged = store_->removeExpired(after);
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(*purged, 1);
  EXPECT_TRUE(store_->find("id-2", after)->has_value());
  // The call sid of a purged call may be used again.
  EXPECT_TRUE(store_->insert(record("id-3", "CA1")).ok());
}

}  // namespace
}  // namespace callgate
