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

  Challenge latestOrDie(const std::string& phone) {
    auto latest = challenges_->latest(phone);
    EXPECT_TRUE(latest.ok() && latest->has_value());
    return latest.ok() && latest->has_value() ? **latest : Challenge{};
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

TEST_F(SqliteChallengeStoreTest, LatestIsNulloptForAnUnknownNumber) {
  auto latest = challenges_->latest("+15550100001");
  ASSERT_TRUE(latest.ok());
  EXPECT_FALSE(latest->has_value());
}

TEST_F(SqliteChallengeStoreTest, ReplaceStoresEveryFieldAndLatestReadsThemBack) {
  Challenge c = challenge("+15550100001");
  const int64_t id = replaceOrDie(c);
  EXPECT_GT(id, 0);
  const Challenge got = latestOrDie("+15550100001");
  EXPECT_EQ(got.id, id);
  EXPECT_EQ(got.phone, c.phone);
  EXPECT_EQ(got.codeHash, c.codeHash);
  EXPECT_EQ(got.language, c.language);
  EXPECT_EQ(got.createdAt, c.createdAt);
  EXPECT_EQ(got.expiresAt, c.expiresAt);
  EXPECT_EQ(got.attempts, 0);
  EXPECT_EQ(got.maxAttempts, 3);
  EXPECT_EQ(got.state, ChallengeState::kActive);
}

TEST_F(SqliteChallengeStoreTest, ReplaceVoidsTheActiveChallengeOfTheSameNumberOnly) {
  const int64_t first = replaceOrDie(challenge("+15550100001"));
  const int64_t other = replaceOrDie(challenge("+15550100002"));
  const int64_t second = replaceOrDie(challenge("+15550100001", kT0 + Seconds(10)));
  EXPECT_GT(second, first);
  EXPECT_EQ(latestOrDie("+15550100001").id, second);
  EXPECT_EQ(latestOrDie("+15550100001").state, ChallengeState::kActive);
  EXPECT_EQ(latestOrDie("+15550100002").id, other);
  EXPECT_EQ(latestOrDie("+15550100002").state, ChallengeState::kActive);
  // The first one is voided: it can no longer be redeemed or failed against.
  EXPECT_FALSE(*challenges_->redeem(first, kT0, std::nullopt));
  auto failed = challenges_->recordFailure(first);
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(failed->state, ChallengeState::kVoided);
  EXPECT_EQ(failed->attempts, 0);
}

TEST_F(SqliteChallengeStoreTest, ReplaceLeavesVerifiedAndLockedChallengesAsTheyAre) {
  const int64_t verified = replaceOrDie(challenge("+15550100001"));
  ASSERT_TRUE(*challenges_->redeem(verified, kT0, std::nullopt));
  replaceOrDie(challenge("+15550100001"));
  auto again = challenges_->recordFailure(verified);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->state, ChallengeState::kVerified);
}

TEST_F(SqliteChallengeStoreTest, RecordFailureCountsAndLocksAtMaxAttempts) {
  const int64_t id = replaceOrDie(challenge("+15550100001", kT0, 3));
  auto r = challenges_->recordFailure(id);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->attempts, 1);
  EXPECT_EQ(r->state, ChallengeState::kActive);
  r = challenges_->recordFailure(id);
  EXPECT_EQ(r->attempts, 2);
  EXPECT_EQ(r->state, ChallengeState::kActive);
  r = challenges_->recordFailure(id);
  EXPECT_EQ(r->attempts, 3);
  EXPECT_EQ(r->state, ChallengeState::kLocked);
  EXPECT_EQ(r->id, id);
  // Locked: further failures change nothing, and the right code no longer redeems it.
  r = challenges_->recordFailure(id);
  EXPECT_EQ(r->attempts, 3);
  EXPECT_EQ(r->state, ChallengeState::kLocked);
  EXPECT_FALSE(*challenges_->redeem(id, kT0, enrolment("+15550100001")));
  EXPECT_FALSE(customers_->findByPhone("+15550100001")->has_value());
}

TEST_F(SqliteChallengeStoreTest, RecordFailureOfAnUnknownIdIsNotFound) {
  auto r = challenges_->recordFailure(424242);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kNotFound);
}

TEST_F(SqliteChallengeStoreTest, ConcurrentFailuresAreEachCountedOnce) {
  const int64_t id = replaceOrDie(challenge("+15550100001", kT0, 1000));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) EXPECT_TRUE(challenges_->recordFailure(id).ok());
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(latestOrDie("+15550100001").attempts, 100);
}

TEST_F(SqliteChallengeStoreTest, RedeemVerifiesOnceAndEnrolsTheCaller) {
  const int64_t id = replaceOrDie(challenge("+15550100001"));
  auto first = challenges_->redeem(id, kT0, enrolment("+15550100001"));
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(*first);
  EXPECT_EQ(latestOrDie("+15550100001").state, ChallengeState::kVerified);
  auto enrolled = customers_->findByPhone("+15550100001");
  ASSERT_TRUE(enrolled.ok() && enrolled->has_value());
  EXPECT_EQ(**enrolled, enrolment("+15550100001"));
  auto second = challenges_->redeem(id, kT0, enrolment("+15550100001"));
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(*second);
}

TEST_F(SqliteChallengeStoreTest, RedeemWithoutEnrolmentAddsNoCustomer) {
  const int64_t id = replaceOrDie(challenge("+15550100001"));
  EXPECT_TRUE(*challenges_->redeem(id, kT0, std::nullopt));
  EXPECT_EQ(*customers_->count(), 0);
}

TEST_F(SqliteChallengeStoreTest, RedeemDoesNotOverwriteAnExistingCustomer) {
  Customer existing = enrolment("+15550100001");
  existing.firstName = "Known";
  existing.level = "Gold";
  ASSERT_TRUE(customers_->add(existing).ok());
  const int64_t id = replaceOrDie(challenge("+15550100001"));
  EXPECT_TRUE(*challenges_->redeem(id, kT0, enrolment("+15550100001")));
  EXPECT_EQ(**customers_->findByPhone("+15550100001"), existing);
  EXPECT_EQ(*customers_->count(), 1);
}

TEST_F(SqliteChallengeStoreTest, RedeemRefusesVoidedExhaustedAndUnknownChallenges) {
  const int64_t voided = replaceOrDie(challenge("+15550100001"));
  replaceOrDie(challenge("+15550100001"));
  EXPECT_FALSE(*challenges_->redeem(voided, kT0, enrolment("+15550100001")));

  // Active but with no attempts left (as a store written by another path could hold).
  Challenge exhausted = challenge("+15550100002", kT0, 2);
  exhausted.attempts = 2;
  const int64_t exhaustedId = replaceOrDie(exhausted);
  EXPECT_FALSE(*challenges_->redeem(exhaustedId, kT0, enrolment("+15550100002")));
  EXPECT_EQ(latestOrDie("+15550100002").state, ChallengeState::kActive);

  EXPECT_FALSE(*challenges_->redeem(999999, kT0, enrolment("+15550100003")));
  EXPECT_EQ(*customers_->count(), 0);
}

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

TEST_F(SqliteChallengeStoreTest, CountsByWholeNumberAndSinceBoundary) {
  replaceOrDie(challenge("+15550100001", kT0));
  replaceOrDie(challenge("+15550100001", kT0 + Seconds(60)));
  replaceOrDie(challenge("+15550100001", kT0 + Seconds(120)));
  replaceOrDie(challenge("+155501000011", kT0 + Seconds(120)));  // longer number, same start
  EXPECT_EQ(countSince("+15550100001", kT0 + Seconds(60)), 3);   // since is inclusive
  EXPECT_EQ(countSince("+15550100001", kT0 + Seconds(60) + Millis(1)), 2);
  EXPECT_EQ(countSince("+15550100001", kT0), 4);
  EXPECT_EQ(countSince("+15550100002", kT0), 0);
  EXPECT_EQ(countSince("+155501000011", kT0), 1);
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

namespace callgate {
namespace {

TEST_F(SqliteChallengeStoreTest, RedeemRefusesAnExpiredChallengeAtomically) {
  const int64_t id = replaceOrDie(challenge("+15550100004"));
  // expiresAt is kT0 + 300 s: at that instant the code is no longer good.
  EXPECT_FALSE(*challenges_->redeem(id, kT0 + Seconds(300), enrolment("+15550100004")));
  EXPECT_EQ(latestOrDie("+15550100004").state, ChallengeState::kActive);
  EXPECT_EQ(*customers_->count(), 0);
  EXPECT_TRUE(*challenges_->redeem(id, kT0 + Seconds(299), enrolment("+15550100004")));
  EXPECT_EQ(*customers_->count(), 1);
}

}  // namespace
}  // namespace callgate
