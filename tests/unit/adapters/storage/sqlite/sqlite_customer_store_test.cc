#include "adapters/storage/sqlite/sqlite_customer_store.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "fakes/temp_dir.h"

namespace callgate {
namespace {

using testing::TempDir;

Customer customer(const std::string& phone, const std::string& firstName = "Grace") {
  return Customer{phone, firstName, "Hopper", "Gold", "en-US", fromUnixMillis(1'700'000'000'123)};
}

class SqliteCustomerStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = SqliteDatabase::open(dir_.file("customers.db"));
    ASSERT_TRUE(db.ok()) << db.error().toString();
    db_ = std::move(*db);
    store_ = std::make_unique<SqliteCustomerStore>(*db_);
  }

  TempDir dir_;
  std::unique_ptr<SqliteDatabase> db_;
  std::unique_ptr<SqliteCustomerStore> store_;
};

TEST_F(SqliteCustomerStoreTest, FindsNothingInAnEmptyStore) {
  auto found = store_->findByPhone("+15550100001");
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
  EXPECT_EQ(*store_->count(), 0);
}

TEST_F(SqliteCustomerStoreTest, AddThenFindRoundTripsEveryField) {
  Customer c = customer("+442071838750", "Zoë");
  c.lastName = "O'Brien \"the\" 李";
  c.level = "Platinum";
  c.language = "fr-CA";
  ASSERT_TRUE(store_->add(c).ok());
  auto found = store_->findByPhone("+442071838750");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ(**found, c);
  EXPECT_FALSE(store_->findByPhone("+44207183875")->has_value());  // exact match, not prefix
}

TEST_F(SqliteCustomerStoreTest, AddRefusesATakenPhoneAndKeepsTheOriginal) {
  ASSERT_TRUE(store_->add(customer("+15550100001", "First")).ok());
  Status s = store_->add(customer("+15550100001", "Second"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_NE(s.error().message().find("+15550100001"), std::string::npos);
  EXPECT_EQ((*store_->findByPhone("+15550100001"))->firstName, "First");
  EXPECT_EQ(*store_->count(), 1);
}

TEST_F(SqliteCustomerStoreTest, AddAllInsertsEveryRow) {
  std::vector<Customer> batch;
  for (int i = 0; i < 100; ++i) batch.push_back(customer("+1555010" + std::to_string(1000 + i)));
  ASSERT_TRUE(store_->addAll(batch).ok());
  EXPECT_EQ(*store_->count(), 100);
  EXPECT_TRUE(store_->findByPhone("+15550101042")->has_value());
  EXPECT_TRUE(store_->addAll({}).ok());
}

TEST_F(SqliteCustomerStoreTest, AddAllRollsBackOnADuplicateOfAnExistingRow) {
  ASSERT_TRUE(store_->add(customer("+15550100002", "Existing")).ok());
  Status s = store_->addAll({customer("+15550100001"), customer("+15550100002", "New"),
                             customer("+15550100003"), customer("+15550100003")});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_NE(s.error().message().find("+15550100002"), std::string::npos) << s.error().message();
  EXPECT_EQ(*store_->count(), 1);
  EXPECT_FALSE(store_->findByPhone("+15550100001")->has_value());
  EXPECT_EQ((*store_->findByPhone("+15550100002"))->firstName, "Existing");
}

TEST_F(SqliteCustomerStoreTest, AddAllRollsBackOnADuplicateWithinTheBatch) {
  Status s = store_->addAll(
      {customer("+15550100001"), customer("+15550100009"), customer("+15550100009")});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_NE(s.error().message().find("+15550100009"), std::string::npos);
  EXPECT_EQ(*store_->count(), 0);
  // The connection is usable again after the rollback.
  EXPECT_TRUE(store_->add(customer("+15550100001")).ok());
}

TEST_F(SqliteCustomerStoreTest, ConcurrentLookupsFromSeveralThreadsAllSucceed) {
  std::vector<Customer> batch;
  for (int i = 0; i < 500; ++i) batch.push_back(customer("+1555020" + std::to_string(1000 + i)));
  ASSERT_TRUE(store_->addAll(batch).ok());

  constexpr int kThreads = 8;
  constexpr int kLookups = 2000;
  std::atomic<int> hits{0};
  std::atomic<int> misses{0};
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kLookups; ++i) {
        // Even i: a stored number; odd i: one that is not there.
        const int n = (t * 131 + i) % 500;
        const std::string phone = (i % 2 == 0 ? "+1555020" : "+1555030") + std::to_string(1000 + n);
        auto r = store_->findByPhone(phone);
        if (!r.ok()) {
          ++errors;
        } else if (r->has_value() && (*r)->phone == phone) {
          ++hits;
        } else if (!r->has_value()) {
          ++misses;
        }
      }
    });
  }
  // A writer at the same time must not disturb the readers (WAL).
  std::thread writer([&] {
    for (int i = 0; i < 50; ++i) {
      if (!store_->add(customer("+1555040" + std::to_string(1000 + i))).ok()) ++errors;
    }
  });
  for (auto& t : threads) t.join();
  writer.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(hits.load(), kThreads * kLookups / 2);
  EXPECT_EQ(misses.load(), kThreads * kLookups / 2);
  EXPECT_EQ(*store_->count(), 550);
}

}  // namespace
}  // namespace callgate
