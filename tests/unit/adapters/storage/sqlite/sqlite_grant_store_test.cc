#include "adapters/storage/sqlite/sqlite_grant_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "adapters/storage/sqlite/sqlite_customer_store.h"
#include "adapters/storage/sqlite/sqlite_member_store.h"
#include "fakes/temp_dir.h"

namespace callgate {
namespace {

using testing::TempDir;

const TimePoint kNow = fromUnixMillis(1'800'000'000'000);

class SqliteGrantStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = SqliteDatabase::open(dir_.file("grants.db"));
    ASSERT_TRUE(db.ok()) << db.error().toString();
    db_ = std::move(*db);
    customers_ = std::make_unique<SqliteCustomerStore>(*db_);
    grants_ = std::make_unique<SqliteGrantStore>(*db_);
    members_ = std::make_unique<SqliteMemberStore>(*db_);
    Customer ada{"+14155550100", "Ada", "Lovelace", "Gold", "en-US", kNow};
    ada.userId = "12345678";
    ASSERT_TRUE(customers_->add(ada).ok());
  }

  Grant grant(const std::string& codeHash, TimePoint created = kNow) {
    Grant g;
    g.codeHash = codeHash;
    g.userId = "12345678";
    g.action = kActionAddMember;
    g.phone = "+14155550100";
    g.createdAt = created;
    g.expiresAt = created + Seconds(600);
    return g;
  }

  TempDir dir_;
  std::unique_ptr<SqliteDatabase> db_;
  std::unique_ptr<SqliteCustomerStore> customers_;
  std::unique_ptr<SqliteGrantStore> grants_;
  std::unique_ptr<SqliteMemberStore> members_;
};

TEST_F(SqliteGrantStoreTest, InsertThenFindRoundTrips) {
  auto id = grants_->insert(grant("hash-1"));
  ASSERT_TRUE(id.ok()) << id.error().toString();
  auto found = grants_->findByCodeHash("hash-1");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  const Grant& g = **found;
  EXPECT_EQ(g.id, *id);
  EXPECT_EQ(g.userId, "12345678");
  EXPECT_EQ(g.action, kActionAddMember);
  EXPECT_EQ(g.phone, "+14155550100");
  EXPECT_EQ(g.createdAt, kNow);
  EXPECT_EQ(g.expiresAt, kNow + Seconds(600));
  EXPECT_EQ(g.state, GrantState::kIssued);
  EXPECT_FALSE(grants_->findByCodeHash("hash-2")->has_value());
  EXPECT_EQ(grants_->insert(grant("hash-1")).error().code(), ErrorCode::kAlreadyExists);
}

TEST_F(SqliteGrantStoreTest, RedeemsOnceAndNotAfterExpiry) {
  const int64_t id = *grants_->insert(grant("hash-1"));
  EXPECT_TRUE(*grants_->redeem(id, kNow + Seconds(10)));
  EXPECT_FALSE(*grants_->redeem(id, kNow + Seconds(11)));
  auto g = grants_->findByCodeHash("hash-1");
  EXPECT_EQ((*g)->state, GrantState::kRedeemed);
  EXPECT_EQ((*g)->redeemedAt, kNow + Seconds(10));

  const int64_t late = *grants_->insert(grant("hash-2"));
  EXPECT_FALSE(*grants_->redeem(late, kNow + Seconds(600)));
  EXPECT_EQ((*grants_->findByCodeHash("hash-2"))->state, GrantState::kIssued);
  EXPECT_FALSE(*grants_->redeem(9999, kNow));
}

TEST_F(SqliteGrantStoreTest, ExactlyOneConcurrentRedeemWins) {
  const int64_t id = *grants_->insert(grant("hash-1"));
  std::atomic<int> wins{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      auto won = grants_->redeem(id, kNow);
      if (won.ok() && *won) ++wins;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wins.load(), 1);
}

TEST_F(SqliteGrantStoreTest, CountsIssuedPerUserSince) {
  ASSERT_TRUE(grants_->insert(grant("a", kNow - Seconds(700))).ok());
  ASSERT_TRUE(grants_->insert(grant("b", kNow - Seconds(300))).ok());
  ASSERT_TRUE(grants_->insert(grant("c", kNow)).ok());
  EXPECT_EQ(*grants_->countIssuedSince("12345678", kNow - Seconds(600)), 2);
  EXPECT_EQ(*grants_->countIssuedSince("87654321", kNow - Seconds(600)), 0);
}

TEST_F(SqliteGrantStoreTest, MembersBelongToAnExistingAccount) {
  Member m{0, "12345678", "Grace Hopper", "spouse", "1990-02-28", "", kNow};
  auto id = members_->add(m);
  ASSERT_TRUE(id.ok()) << id.error().toString();
  Member child{0, "12345678", "Ada Jr", "child", "2015-06-01", "+14155550199", kNow};
  ASSERT_TRUE(members_->add(child).ok());
  auto list = members_->listByAccount("12345678");
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  m.id = *id;
  EXPECT_EQ((*list)[0], m);
  EXPECT_EQ((*list)[1].phone, "+14155550199");
  Member orphan = m;
  orphan.accountUserId = "99999999";
  EXPECT_EQ(members_->add(orphan).error().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(members_->listByAccount("99999999")->empty());
}

}  // namespace
}  // namespace callgate
