// SQLite-specific behaviour of SqliteCustomerStore: readers in parallel with a writer (WAL). The
// CustomerStore port semantics are in tests/contracts/customer_store_contract.h, run against SQLite
// by contracts_sqlite_tests.
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
