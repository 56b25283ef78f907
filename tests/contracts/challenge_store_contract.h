// The ChallengeStore contract (core/ports.h, core/challenge.h), with the enrolment it does in the
// customer store. Factory: customers() and challenges() over one database, clock().
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>

#include "contracts/contract_support.h"
#include "core/ports.h"

namespace callgate::contracts {

template <class Factory>
class ChallengeStoreContract : public ::testing::Test {
 protected:
  ChallengeStore& store() { return factory_.challenges(); }
  CustomerStore& customers() { return factory_.customers(); }
  TimePoint now() { return factory_.clock().now(); }

  Challenge challenge(const std::string& phone, TimePoint createdAt, int maxAttempts = 3) {
    Challenge c;
    c.phone = phone;
    c.codeHash = "hash-of-" + phone;
    c.language = "es-US";
    c.createdAt = createdAt;
    c.expiresAt = createdAt + Seconds(300);
    c.maxAttempts = maxAttempts;
    return c;
  }
  Challenge challenge(const std::string& phone) { return challenge(phone, now()); }
  Customer enrolment(const std::string& phone) {
    return Customer{phone, kEnrolledFirstName, kEnrolledLastName, kEnrolledLevel, "es-US", now()};
  }
  int64_t replaceOrDie(const Challenge& c) {
    auto id = store().replace(c);
    EXPECT_TRUE(id.ok()) << id.error().toString();
    return id.ok() ? *id : -1;
  }
  Challenge latestOrDie(const std::string& phone) {
    auto latest = store().latest(phone);
    EXPECT_TRUE(latest.ok() && latest->has_value()) << phone;
    return latest.ok() && latest->has_value() ? **latest : Challenge{};
  }
  bool redeem(int64_t id, TimePoint at, const std::optional<Customer>& enroll) {
    auto won = store().redeem(id, at, enroll);
    EXPECT_TRUE(won.ok()) << won.error().toString();
    return won.ok() && *won;
  }
  int64_t customerCount() { return *customers().count(); }
  int64_t countSince(const std::string& prefix, TimePoint since) {
    auto n = store().countCreatedSince(prefix, since);
    EXPECT_TRUE(n.ok()) << n.error().toString();
    return n.ok() ? *n : -1;
  }

  Factory factory_;
};

TYPED_TEST_SUITE_P(ChallengeStoreContract);

TYPED_TEST_P(ChallengeStoreContract, LatestIsNulloptForAnUnknownNumber) {
  auto latest = this->store().latest("+15550100001");
  ASSERT_TRUE(latest.ok()) << latest.error().toString();
  EXPECT_FALSE(latest->has_value());
}

TYPED_TEST_P(ChallengeStoreContract, ReplaceStoresEveryFieldAndLatestReadsThemBack) {
  const Challenge c = this->challenge("+15550100001");
  const int64_t id = this->replaceOrDie(c);
  EXPECT_GT(id, 0);
  const Challenge got = this->latestOrDie("+15550100001");
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

TYPED_TEST_P(ChallengeStoreContract, ReplaceVoidsTheActiveChallengeOfTheSameNumberOnly) {
  const int64_t first = this->replaceOrDie(this->challenge("+15550100001"));
  const int64_t other = this->replaceOrDie(this->challenge("+15550100002"));
  const int64_t second =
      this->replaceOrDie(this->challenge("+15550100001", this->now() + Seconds(10)));
  EXPECT_NE(second, first);
  EXPECT_EQ(this->latestOrDie("+15550100001").id, second);
  EXPECT_EQ(this->latestOrDie("+15550100001").state, ChallengeState::kActive);
  EXPECT_EQ(this->latestOrDie("+15550100002").id, other);
  EXPECT_EQ(this->latestOrDie("+15550100002").state, ChallengeState::kActive);
  // The first one is voided: it can no longer be redeemed or failed against.
  EXPECT_FALSE(this->redeem(first, this->now(), std::nullopt));
  auto failed = this->store().recordFailure(first);
  ASSERT_TRUE(failed.ok()) << failed.error().toString();
  EXPECT_EQ(failed->id, first);
  EXPECT_EQ(failed->state, ChallengeState::kVoided);
  EXPECT_EQ(failed->attempts, 0);
}

TYPED_TEST_P(ChallengeStoreContract, ReplaceLeavesVerifiedAndLockedChallengesAsTheyAre) {
  const int64_t verified = this->replaceOrDie(this->challenge("+15550100001"));
  ASSERT_TRUE(this->redeem(verified, this->now(), std::nullopt));
  const int64_t locked = this->replaceOrDie(this->challenge("+15550100002", this->now(), 1));
  ASSERT_EQ(this->store().recordFailure(locked)->state, ChallengeState::kLocked);
  this->replaceOrDie(this->challenge("+15550100001"));
  this->replaceOrDie(this->challenge("+15550100002"));
  EXPECT_EQ(this->store().recordFailure(verified)->state, ChallengeState::kVerified);
  EXPECT_EQ(this->store().recordFailure(locked)->state, ChallengeState::kLocked);
}

TYPED_TEST_P(ChallengeStoreContract, RecordFailureCountsAndLocksAtMaxAttempts) {
  const int64_t id = this->replaceOrDie(this->challenge("+15550100001", this->now(), 3));
  for (int i = 1; i <= 3; ++i) {
    auto r = this->store().recordFailure(id);
    ASSERT_TRUE(r.ok()) << r.error().toString();
    EXPECT_EQ(r->id, id);
    EXPECT_EQ(r->attempts, i);
    EXPECT_EQ(r->state, i < 3 ? ChallengeState::kActive : ChallengeState::kLocked);
  }
  // Locked: further failures change nothing, and the right code no longer redeems it.
  auto r = this->store().recordFailure(id);
  EXPECT_EQ(r->attempts, 3);
  EXPECT_EQ(r->state, ChallengeState::kLocked);
  EXPECT_FALSE(this->redeem(id, this->now(), this->enrolment("+15550100001")));
  EXPECT_FALSE(this->customers().findByPhone("+15550100001")->has_value());
}

TYPED_TEST_P(ChallengeStoreContract, RecordFailureOfAnUnknownIdIsNotFound) {
  const int64_t id = this->replaceOrDie(this->challenge("+15550100001"));
  auto r = this->store().recordFailure(id + 1000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kNotFound);
}

TYPED_TEST_P(ChallengeStoreContract, ConcurrentFailuresAreEachCountedOnce) {
  const int64_t id = this->replaceOrDie(this->challenge("+15550100001", this->now(), 1000));
  race([&](int) {
    for (int i = 0; i < 5; ++i) EXPECT_TRUE(this->store().recordFailure(id).ok());
    return true;
  });
  EXPECT_EQ(this->latestOrDie("+15550100001").attempts, kRacers * 5);
}

TYPED_TEST_P(ChallengeStoreContract, RedeemVerifiesOnceAndEnrolsTheCallerOnlyIfNew) {
  const int64_t id = this->replaceOrDie(this->challenge("+15550100001"));
  EXPECT_TRUE(this->redeem(id, this->now(), this->enrolment("+15550100001")));
  EXPECT_EQ(this->latestOrDie("+15550100001").state, ChallengeState::kVerified);
  auto enrolled = this->customers().findByPhone("+15550100001");
  ASSERT_TRUE(enrolled.ok() && enrolled->has_value());
  EXPECT_EQ(**enrolled, this->enrolment("+15550100001"));
  EXPECT_FALSE(this->redeem(id, this->now(), this->enrolment("+15550100001")));

  // Without enrolment, no customer; with one for a known number, the record is kept as it is.
  const int64_t plain = this->replaceOrDie(this->challenge("+15550100002"));
  EXPECT_TRUE(this->redeem(plain, this->now(), std::nullopt));
  EXPECT_FALSE(this->customers().findByPhone("+15550100002")->has_value());
  Customer existing = this->enrolment("+15550100003");
  existing.firstName = "Known";
  existing.level = "Gold";
  ASSERT_TRUE(this->customers().add(existing).ok());
  const int64_t known = this->replaceOrDie(this->challenge("+15550100003"));
  EXPECT_TRUE(this->redeem(known, this->now(), this->enrolment("+15550100003")));
  EXPECT_EQ(**this->customers().findByPhone("+15550100003"), existing);
  EXPECT_EQ(this->customerCount(), 2);

  // An enrolled number's region counts as on file (the SMS guard's default allow-list).
  const int64_t london = this->replaceOrDie(this->challenge("+442071838750"));
  EXPECT_TRUE(this->redeem(london, this->now(), this->enrolment("+442071838750")));
  auto regions = this->customers().regionsOnFile();
  ASSERT_TRUE(regions.ok()) << regions.error().toString();
  EXPECT_NE(std::find(regions->begin(), regions->end(), "GB"), regions->end());
}

TYPED_TEST_P(ChallengeStoreContract, RedeemRefusesVoidedExhaustedExpiredAndUnknownChallenges) {
  const int64_t voided = this->replaceOrDie(this->challenge("+15550100001"));
  this->replaceOrDie(this->challenge("+15550100001"));
  EXPECT_FALSE(this->redeem(voided, this->now(), this->enrolment("+15550100001")));

  // Active but with no attempts left (as a store written by another path could hold).
  Challenge exhausted = this->challenge("+15550100002", this->now(), 2);
  exhausted.attempts = 2;
  const int64_t exhaustedId = this->replaceOrDie(exhausted);
  EXPECT_FALSE(this->redeem(exhaustedId, this->now(), this->enrolment("+15550100002")));
  EXPECT_EQ(this->latestOrDie("+15550100002").state, ChallengeState::kActive);

  // From expiresAt on the code is no longer good; the instant before, it is.
  const int64_t expiring = this->replaceOrDie(this->challenge("+15550100004"));
  this->factory_.clock().advance(Seconds(300));
  EXPECT_FALSE(this->redeem(expiring, this->now(), this->enrolment("+15550100004")));
  EXPECT_EQ(this->latestOrDie("+15550100004").state, ChallengeState::kActive);

  EXPECT_FALSE(this->redeem(expiring + 1000, this->now(), this->enrolment("+15550100003")));
  EXPECT_EQ(this->customerCount(), 0);

  EXPECT_TRUE(this->redeem(expiring, this->now() - Millis(1), this->enrolment("+15550100004")));
  EXPECT_EQ(this->customerCount(), 1);
}

TYPED_TEST_P(ChallengeStoreContract, ConcurrentRedeemsHaveExactlyOneWinner) {
  for (int round = 0; round < 5; ++round) {
    const std::string phone = "+1555060" + std::to_string(1000 + round);
    const int64_t id = this->replaceOrDie(this->challenge(phone));
    const int wins = race([&](int) {
      auto won = this->store().redeem(id, this->now(), this->enrolment(phone));
      EXPECT_TRUE(won.ok());
      return won.ok() && *won;
    });
    EXPECT_EQ(wins, 1) << phone;
  }
  EXPECT_EQ(this->customerCount(), 5);
}

TYPED_TEST_P(ChallengeStoreContract, CountsCreatedSinceByPrefixAndInclusiveTime) {
  const TimePoint t0 = this->now();
  this->replaceOrDie(this->challenge("+15550100001", t0));
  this->replaceOrDie(this->challenge("+15550100001", t0 + Seconds(60)));
  this->replaceOrDie(this->challenge("+15550100001", t0 + Seconds(120)));
  this->replaceOrDie(this->challenge("+155501000011", t0 + Seconds(120)));  // same start
  // Voided challenges were sent too: they count.
  EXPECT_EQ(this->countSince("+15550100001", t0 + Seconds(60)), 3);
  EXPECT_EQ(this->countSince("+15550100001", t0 + Seconds(60) + Millis(1)), 2);
  EXPECT_EQ(this->countSince("+15550100001", t0), 4);
  EXPECT_EQ(this->countSince("+155501000011", t0), 1);
  EXPECT_EQ(this->countSince("+15550100002", t0), 0);

  for (const char* phone :
       {"+15590000001", "+15599999999", "+1559", "+15600000000", "+1560", "+2559000000"}) {
    this->replaceOrDie(this->challenge(phone, t0));
  }
  // "+1559" matches only what starts with it: not +1560... (the next string after +1559...).
  EXPECT_EQ(this->countSince("+1559", t0), 3);
  EXPECT_EQ(this->countSince("+15599", t0), 1);
  EXPECT_EQ(this->countSince("+1", t0), 9);
  EXPECT_EQ(this->countSince("+19", t0), 0);
  EXPECT_EQ(this->countSince("", t0), 10);
}

TYPED_TEST_P(ChallengeStoreContract, CountsWrongCodesInAWindowAndSinceTheLastVerifiedCode) {
  ChallengeStore& store = this->store();
  const TimePoint t0 = this->now();
  auto fail = [&](int64_t id, int times) {
    for (int i = 0; i < times; ++i) ASSERT_TRUE(store.recordFailure(id).ok());
  };
  auto counts = [&](TimePoint since) {
    auto n = store.countFailures("+15550100001", since);
    EXPECT_TRUE(n.ok()) << n.error().toString();
    return n.ok() ? std::pair{n->since, n->consecutive} : std::pair<int64_t, int64_t>{-1, -1};
  };
  EXPECT_EQ(counts(t0), (std::pair<int64_t, int64_t>{0, 0}));
  fail(this->replaceOrDie(this->challenge("+15550100001", t0, 5)), 3);
  fail(this->replaceOrDie(this->challenge("+15550100002", t0, 5)), 4);  // another number
  // Verified after one wrong code: the run of failures starts again after it.
  const int64_t good = this->replaceOrDie(this->challenge("+15550100001", t0 + Seconds(60), 5));
  fail(good, 1);
  ASSERT_TRUE(this->redeem(good, t0 + Seconds(61), std::nullopt));
  EXPECT_EQ(counts(t0), (std::pair<int64_t, int64_t>{4, 0}));
  fail(this->replaceOrDie(this->challenge("+15550100001", t0 + Seconds(120), 5)), 2);
  fail(this->replaceOrDie(this->challenge("+15550100001", t0 + Seconds(180), 5)), 5);  // locked
  EXPECT_EQ(counts(t0), (std::pair<int64_t, int64_t>{11, 7}));
  EXPECT_EQ(counts(t0 + Seconds(120)), (std::pair<int64_t, int64_t>{7, 7}));
  EXPECT_EQ(counts(t0 + Seconds(181)), (std::pair<int64_t, int64_t>{0, 7}));
}

REGISTER_TYPED_TEST_SUITE_P(ChallengeStoreContract, LatestIsNulloptForAnUnknownNumber,
                            ReplaceStoresEveryFieldAndLatestReadsThemBack,
                            ReplaceVoidsTheActiveChallengeOfTheSameNumberOnly,
                            ReplaceLeavesVerifiedAndLockedChallengesAsTheyAre,
                            RecordFailureCountsAndLocksAtMaxAttempts,
                            RecordFailureOfAnUnknownIdIsNotFound,
                            ConcurrentFailuresAreEachCountedOnce,
                            RedeemVerifiesOnceAndEnrolsTheCallerOnlyIfNew,
                            RedeemRefusesVoidedExhaustedExpiredAndUnknownChallenges,
                            ConcurrentRedeemsHaveExactlyOneWinner,
                            CountsCreatedSinceByPrefixAndInclusiveTime,
                            CountsWrongCodesInAWindowAndSinceTheLastVerifiedCode);

}  // namespace callgate::contracts
