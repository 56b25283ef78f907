#include "adapters/storage/sqlite/sqlite_credential_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "adapters/storage/sqlite/sqlite_customer_store.h"
#include "fakes/temp_dir.h"

namespace callgate {
namespace {

using testing::TempDir;

const TimePoint kNow = fromUnixMillis(1'800'000'000'000);

Customer customer(const std::string& phone, const std::string& userId) {
  Customer c{phone, "Ada", "Lovelace", "Gold", "en-US", kNow};
  c.userId = userId;
  return c;
}

class SqliteCredentialStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = SqliteDatabase::open(dir_.file("credentials.db"));
    ASSERT_TRUE(db.ok()) << db.error().toString();
    db_ = std::move(*db);
    customers_ = std::make_unique<SqliteCustomerStore>(*db_);
    store_ = std::make_unique<SqliteCredentialStore>(*db_);
  }

  TempDir dir_;
  std::unique_ptr<SqliteDatabase> db_;
  std::unique_ptr<SqliteCustomerStore> customers_;
  std::unique_ptr<SqliteCredentialStore> store_;
};

TEST_F(SqliteCredentialStoreTest, PinHashTellsUnknownFromNoPinFromSet) {
  ASSERT_TRUE(customers_
                  ->addWithPins({{customer("+14155550100", "12345678"), "hash-a"},
                                 {customer("+14155550101", "87654321"), ""},
                                 {customer("+14155550102", ""), ""}})
                  .ok());
  EXPECT_EQ(store_->pinHash("12345678")->value_or("?"), "hash-a");
  EXPECT_EQ(store_->pinHash("87654321")->value_or("?"), "");
  EXPECT_FALSE(store_->pinHash("11112222")->has_value());
  EXPECT_FALSE(store_->pinHash("")->has_value());
}

TEST_F(SqliteCredentialStoreTest, SetPinHashNeedsAnExistingUserId) {
  ASSERT_TRUE(customers_->add(customer("+14155550100", "12345678")).ok());
  ASSERT_TRUE(store_->setPinHash("12345678", "h1", kNow).ok());
  ASSERT_TRUE(store_->setPinHash("12345678", "h2", kNow).ok());
  EXPECT_EQ(store_->pinHash("12345678")->value_or(""), "h2");
  Status missing = store_->setPinHash("99999999", "h", kNow);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
}

TEST_F(SqliteCredentialStoreTest, AttemptsAreCountedUntilTheLimitThenRefused) {
  for (int i = 1; i <= 5; ++i) {
    auto a = store_->beginPinAttempt("12345678", 5, kNow + Millis(i));
    ASSERT_TRUE(a.ok()) << a.error().toString();
    EXPECT_TRUE(a->allowed);
    EXPECT_EQ(a->failures, i);
  }
  auto refused = store_->beginPinAttempt("12345678", 5, kNow + Millis(10));
  ASSERT_TRUE(refused.ok());
  EXPECT_FALSE(refused->allowed);
  EXPECT_EQ(refused->failures, 5);
  auto state = store_->pinFailures("12345678");
  EXPECT_TRUE(state->locked(5));
  EXPECT_EQ(state->lockedAt, kNow + Millis(5));
}

TEST_F(SqliteCredentialStoreTest, ResetAndUnlockStartOver) {
  ASSERT_TRUE(store_->beginPinAttempt("12345678", 5, kNow).ok());
  ASSERT_TRUE(store_->beginPinAttempt("12345678", 5, kNow).ok());
  ASSERT_TRUE(store_->resetPinFailures("12345678").ok());
  EXPECT_EQ(store_->pinFailures("12345678")->failures, 0);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(store_->beginPinAttempt("12345678", 5, kNow).ok());
  EXPECT_FALSE(store_->beginPinAttempt("12345678", 5, kNow)->allowed);
  EXPECT_TRUE(*store_->unlock("12345678"));
  EXPECT_FALSE(*store_->unlock("12345678"));  // nothing left to clear
  EXPECT_EQ(store_->pinFailures("12345678")->failures, 0);
  EXPECT_EQ(store_->pinFailures("12345678")->lockedAt, TimePoint{});
  EXPECT_TRUE(store_->beginPinAttempt("12345678", 5, kNow)->allowed);
}

TEST_F(SqliteCredentialStoreTest, ConcurrentAttemptsNeverExceedTheLimit) {
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        auto a = store_->beginPinAttempt("55556666", 5, kNow);
        if (a.ok() && a->allowed) ++allowed;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(allowed.load(), 5);
  EXPECT_EQ(store_->pinFailures("55556666")->failures, 5);
}

TEST_F(SqliteCredentialStoreTest, TheSchemaRefusesAMalformedUserId) {
  Customer bad = customer("+14155550100", "12ab");
  EXPECT_FALSE(customers_->add(bad).ok());
  bad.userId = "123";
  EXPECT_FALSE(customers_->add(bad).ok());
  EXPECT_EQ(*customers_->count(), 0);
}

}  // namespace
}  // namespace callgate
