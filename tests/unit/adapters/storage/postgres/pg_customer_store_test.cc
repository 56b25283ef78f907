// PgCustomerStore under concurrency and outage: many threads looking up at once (as the worker
// pool does) each get their own answer, including keys with quotes, backslashes and commas; a
// lookup on a connection the server dropped fails kUnavailable and the next one reconnects.
#include "adapters/storage/postgres/pg_customer_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "adapters/storage/postgres/pg_database.h"
#include "contracts/postgres_test_server.h"

namespace callgate {
namespace {

using callgate::testing::PgTestDatabase;

Customer customer(const std::string& phone, const std::string& firstName) {
  Customer c;
  c.phone = phone;
  c.firstName = firstName;
  c.lastName = "Test";
  c.level = "Gold";
  c.language = "en-US";
  return c;
}

TEST(PgCustomerStoreTest, ConcurrentLookupsEachGetTheirOwnCustomer) {
  PgTestDatabase database;
  PgOptions options;
  options.url = database.url();
  auto db = PgDatabase::open(options);
  ASSERT_TRUE(db.ok()) << db.error().toString();
  PgCustomerStore store(**db);
  // Known numbers, plus keys that must stay one array element: quotes, backslashes, commas.
  std::vector<Customer> known;
  for (int i = 0; i < 40; ++i)
    known.push_back(customer("+1415555" + std::to_string(1000 + i), "N" + std::to_string(i)));
  known.push_back(customer("+1\"415,\\555", "Odd"));
  ASSERT_TRUE(store.addAll(known).ok());

  constexpr int kThreads = 8;
  constexpr int kLookups = 400;
  std::atomic<int> wrong{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      while (!go.load()) std::this_thread::yield();
      for (int i = 0; i < kLookups; ++i) {
        const int n = (t * 7 + i) % 50;  // 41 known keys, 9 unknown ones
        if (n < static_cast<int>(known.size())) {
          auto found = store.findByPhone(known[static_cast<size_t>(n)].phone);
          if (!found.ok() || !found->has_value() ||
              (*found)->firstName != known[static_cast<size_t>(n)].firstName) {
            ++wrong;
          }
        } else {
          auto missing = store.findByPhone("+1212555" + std::to_string(2000 + n));
          if (!missing.ok() || missing->has_value()) ++wrong;
        }
      }
    });
  }
  go = true;
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(PgCustomerStoreTest, ALookupDuringAnOutageFailsUnavailableAndTheNextOneRecovers) {
  PgTestDatabase database;
  PgOptions options;
  options.url = database.url();
  auto db = PgDatabase::open(options);
  ASSERT_TRUE(db.ok()) << db.error().toString();
  PgCustomerStore store(**db);
  ASSERT_TRUE(store.add(customer("+14155550100", "Ada")).ok());
  // Drop the database's connections from the server side, as a restart would.
  database.terminateConnections();
  auto lost = store.findByPhone("+14155550100");
  ASSERT_FALSE(lost.ok());
  EXPECT_EQ(lost.error().code(), ErrorCode::kUnavailable);
  auto again = store.findByPhone("+14155550100");
  ASSERT_TRUE(again.ok()) << again.error().toString();
  ASSERT_TRUE(again->has_value());
  EXPECT_EQ((*again)->firstName, "Ada");
}

}  // namespace
}  // namespace callgate
