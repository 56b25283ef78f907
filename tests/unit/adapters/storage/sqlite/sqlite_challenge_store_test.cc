// SQLite-specific behaviour of SqliteChallengeStore: a redeem race across two handles on one file
// (two processes), and prefix counts as index ranges. The ChallengeStore port semantics are in
// tests/contracts/challenge_store_contract.h (contracts_sqlite_tests).
#include "adapters/storage/sqlite/sqlite_challenge_store.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "adapters/storage/sqlite/sqlite_customer_store.h"
#include "fakes/temp_dir.h"

namespace callgate {
namespace {

using testing::TempDir;

const TimePoint kT0 = fromUnixMillis(1'800'000'000'000);

Challenge challenge(const std::string& phone, TimePoint createdAt = kT0, int maxAttempts = 3) {
  Challenge c;
  c.phone = phone;
  c.codeHash = "hash-of-" + phone;
  c.language = "es-US";
  c.createdAt = createdAt;
  c.expiresAt = createdAt + Seconds(300);
  c.maxAttempts = maxAttempts;
  return c;
}

Customer enrolment(const std::string& phone) {
  return Customer{phone, kEnrolledFirstName, kEnrolledLastName, kEnrolledLevel, "es-US", kT0};
}

class SqliteChallengeStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_.file("challenges.db");
    auto db = SqliteDatabase::open(path_);
    ASSERT_TRUE(db.ok()) << db.error().toString();
    db_ = std::move(*db);
    challenges_ = std::make_unique<SqliteChallengeStore>(*db_);
    customers_ = std::make_unique<SqliteCustomerStore>(*db_);
  }

  int64_t replaceOrDie(const Challenge& c) {
    auto id = challenges_->replace(c);
    EXPECT_TRUE(id.ok()) << id.error().toString();
    return id.ok() ? *id : -1;
  }

  int64_t countSince(const std::string& prefix, TimePoint since) {
    auto n = challenges_->countCreatedSince(prefix, since);
    EXPECT_TRUE(n.ok()) << n.error().toString();
    return n.ok() ? *n : -1;
  }

  TempDir dir_;
  std::string path_;
  std::unique_ptr<SqliteDatabase> db_;
  std::unique_ptr<SqliteChallengeStore> challenges_;
  std::unique_ptr<SqliteCustomerStore> customers_;
};

TEST_F(SqliteChallengeStoreTest, RedeemRaceHasExactlyOneWinner) {
  // Two handles on one file, like two server processes or a server and a CLI.
  auto other = SqliteDatabase::open(path_);
  ASSERT_TRUE(other.ok());
  SqliteChallengeStore otherStore(**other);
  for (int round = 0; round < 20; ++round) {
    const std::string phone = "+1555060" + std::to_string(1000 + round);
    const int64_t id = replaceOrDie(challenge(phone));
    std::atomic<int> wins{0};
    std::atomic<int> errors{0};
    auto contender = [&](ChallengeStore& store) {
      auto r = store.redeem(id, kT0, enrolment(phone));
      if (!r.ok()) {
        ++errors;
      } else if (*r) {
        ++wins;
      }
    };
    std::thread a([&] { contender(*challenges_); });
    std::thread b([&] { contender(otherStore); });
    std::thread c([&] { contender(*challenges_); });
    a.join();
    b.join();
    c.join();
    EXPECT_EQ(errors.load(), 0);
    EXPECT_EQ(wins.load(), 1) << "round " << round;
  }
  EXPECT_EQ(*customers_->count(), 20);
}

TEST_F(SqliteChallengeStoreTest, CountsByPrefixIncludingOneEndingInNine) {
  for (const char* phone : {"+15590000001", "+15590000002", "+15599999999", "+1559", "+15580000000",
                            "+15600000000", "+1560", "+155900", "+2559000000"}) {
    replaceOrDie(challenge(phone));
  }
  // "+1559" is [+1559, +155:); ':' sorts right after '9', so +1560... is outside.
  EXPECT_EQ(countSince("+1559", kT0), 5);
  EXPECT_EQ(countSince("+15599", kT0), 1);
  EXPECT_EQ(countSince("+1", kT0), 8);
  EXPECT_EQ(countSince("+19", kT0), 0);
  EXPECT_EQ(countSince("+", kT0), 9);
  EXPECT_EQ(countSince("", kT0), 9);
  EXPECT_EQ(countSince("+1559", kT0 + Millis(1)), 0);
}

TEST(PrefixUpperBoundTest, IncrementsTheLastByteAndCarriesOver0xFF) {
  EXPECT_EQ(prefixUpperBound("+1"), "+2");
  EXPECT_EQ(prefixUpperBound("+19"), "+1:");
  EXPECT_EQ(prefixUpperBound("+4420"), "+4421");
  EXPECT_EQ(prefixUpperBound("a\xff\xff"), "b");
  EXPECT_EQ(prefixUpperBound("\xff"), std::nullopt);
  EXPECT_EQ(prefixUpperBound(""), std::nullopt);
}

}  // namespace
}  // namespace callgate
