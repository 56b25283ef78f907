// The SmsMessageStore contract (core/sms_message.h): ids, provider ids, and statuses that never
// move backwards (mayReplaceStatus), whatever order reports arrive in. Factory: smsMessages(),
// clock().
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "contracts/contract_support.h"
#include "core/sms_message.h"

namespace callgate::contracts {

inline constexpr const char* kSmsId = "0123456789abcdef0123456789abcdef";
inline constexpr const char* kOtherSmsId = "fedcba9876543210fedcba9876543210";

template <class Factory>
class SmsMessageStoreContract : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(store().insert(submitted(kSmsId)).ok()); }
  SmsMessageStore& store() { return factory_.smsMessages(); }
  TimePoint t0() { return factory_.clock().now(); }
  SmsMessageRecord submitted(const std::string& id) {
    return {id, "twilio", "", "+1415*****23", "submitting", "", t0(), t0()};
  }
  SmsMessageRecord row(const std::string& id = kSmsId) {
    auto r = store().find(id);
    EXPECT_TRUE(r.ok() && r->has_value()) << id;
    return r.ok() && r->has_value() ? **r : SmsMessageRecord{};
  }
  SmsReportOutcome byId(const std::string& id, const std::string& providerId,
                        const std::string& status, TimePoint at,
                        const std::string& provider = "twilio") {
    auto r = store().updateById(provider, id, providerId, status, "", at);
    EXPECT_TRUE(r.ok()) << r.error().toString();
    return r.ok() ? *r : SmsReportOutcome::kUnknownMessage;
  }
  SmsReportOutcome byProviderId(const std::string& providerId, const std::string& status,
                                const std::string& errorCode, TimePoint at,
                                const std::string& provider = "twilio") {
    auto r = store().updateByProviderId(provider, providerId, status, errorCode, at);
    EXPECT_TRUE(r.ok()) << r.error().toString();
    return r.ok() ? *r : SmsReportOutcome::kUnknownMessage;
  }

  Factory factory_;
};

TYPED_TEST_SUITE_P(SmsMessageStoreContract);

TYPED_TEST_P(SmsMessageStoreContract, InsertThenFindRoundTripsEveryField) {
  SmsMessageRecord r{kOtherSmsId, "sns", "mid-1",    "+4420*****50",
                     "queued",    "",    this->t0(), this->t0() + Millis(3)};
  ASSERT_TRUE(this->store().insert(r).ok());
  const SmsMessageRecord got = this->row(kOtherSmsId);
  EXPECT_EQ(got.id, r.id);
  EXPECT_EQ(got.provider, "sns");
  EXPECT_EQ(got.providerMessageId, "mid-1");
  EXPECT_EQ(got.toMasked, "+4420*****50");  // kept as given: the masked number only
  EXPECT_EQ(got.status, "queued");
  EXPECT_EQ(got.errorCode, "");
  EXPECT_EQ(got.createdAt, r.createdAt);
  EXPECT_EQ(got.updatedAt, r.updatedAt);
  auto missing = this->store().find("ffffffffffffffffffffffffffffffff");
  ASSERT_TRUE(missing.ok()) << missing.error().toString();
  EXPECT_FALSE(missing->has_value());
}

TYPED_TEST_P(SmsMessageStoreContract, IdsAreUnique) {
  SmsMessageRecord again = this->submitted(kSmsId);
  again.provider = "kannel";
  Status s = this->store().insert(again);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(this->row().provider, "twilio");
}

TYPED_TEST_P(SmsMessageStoreContract, RecordsTheAnswerAndThenReportsByProviderId) {
  EXPECT_EQ(this->byId(kSmsId, "SM1", "queued", this->t0() + Millis(5)),
            SmsReportOutcome::kRecorded);
  SmsMessageRecord r = this->row();
  EXPECT_EQ(r.providerMessageId, "SM1");
  EXPECT_EQ(r.status, "queued");
  EXPECT_EQ(r.toMasked, "+1415*****23");
  EXPECT_EQ(r.createdAt, this->t0());
  EXPECT_EQ(r.updatedAt, this->t0() + Millis(5));

  EXPECT_EQ(this->byProviderId("SM1", "undelivered", "30003", this->t0() + Millis(9)),
            SmsReportOutcome::kRecorded);
  r = this->row();
  EXPECT_EQ(r.status, "undelivered");
  EXPECT_EQ(r.errorCode, "30003");
  EXPECT_EQ(r.updatedAt, this->t0() + Millis(9));
  EXPECT_EQ(r.providerMessageId, "SM1");
}

TYPED_TEST_P(SmsMessageStoreContract, AKnownProviderIdIsNeverReplaced) {
  EXPECT_EQ(this->byId(kSmsId, "", "queued", this->t0()), SmsReportOutcome::kRecorded);
  EXPECT_EQ(this->row().providerMessageId, "");  // an empty one sets nothing
  EXPECT_EQ(this->byId(kSmsId, "SM1", "sent", this->t0()), SmsReportOutcome::kRecorded);
  EXPECT_EQ(this->byId(kSmsId, "SM2", "delivered", this->t0()), SmsReportOutcome::kRecorded);
  EXPECT_EQ(this->row().providerMessageId, "SM1");
  EXPECT_EQ(this->row().status, "delivered");
  EXPECT_EQ(this->byProviderId("SM2", "delivered", "", this->t0()),
            SmsReportOutcome::kUnknownMessage);
}

TYPED_TEST_P(SmsMessageStoreContract, AStaleReportChangesNothing) {
  // The delivery report arrives before the provider's answer has been recorded.
  EXPECT_EQ(this->byId(kSmsId, "", "delivered", this->t0() + Millis(1)),
            SmsReportOutcome::kRecorded);
  auto stale =
      this->store().updateById("twilio", kSmsId, "SM1", "queued", "x", this->t0() + Millis(2));
  ASSERT_TRUE(stale.ok()) << stale.error().toString();
  EXPECT_EQ(*stale, SmsReportOutcome::kStale);
  const SmsMessageRecord r = this->row();
  EXPECT_EQ(r.status, "delivered");
  EXPECT_EQ(r.errorCode, "");
  EXPECT_EQ(r.updatedAt, this->t0() + Millis(1));
  EXPECT_EQ(r.providerMessageId, "");  // not even the provider id
}

TYPED_TEST_P(SmsMessageStoreContract, StatusesMoveOnlyForwardByRank) {
  // submitting < queued < a word of the provider's own < sent < final; equal ranks replace.
  EXPECT_EQ(this->byId(kSmsId, "SM1", "accepted", this->t0()), SmsReportOutcome::kRecorded);
  EXPECT_EQ(this->byId(kSmsId, "", "submitting", this->t0()), SmsReportOutcome::kStale);
  EXPECT_EQ(this->byId(kSmsId, "", "queued", this->t0()), SmsReportOutcome::kRecorded);
  EXPECT_EQ(this->byId(kSmsId, "", "sending", this->t0()), SmsReportOutcome::kRecorded);
  EXPECT_EQ(this->byId(kSmsId, "", "queued", this->t0()), SmsReportOutcome::kStale);
  EXPECT_EQ(this->byId(kSmsId, "", "sent", this->t0()), SmsReportOutcome::kRecorded);
  EXPECT_EQ(this->byId(kSmsId, "", "sending", this->t0()), SmsReportOutcome::kStale);
  EXPECT_EQ(this->byId(kSmsId, "", "delivered", this->t0()), SmsReportOutcome::kRecorded);
  EXPECT_EQ(this->byId(kSmsId, "", "sent", this->t0()), SmsReportOutcome::kStale);
  EXPECT_EQ(this->byId(kSmsId, "", "read", this->t0()), SmsReportOutcome::kRecorded);
  EXPECT_EQ(this->row().status, "read");
}

TYPED_TEST_P(SmsMessageStoreContract, UnknownMessagesAndProvidersChangeNothing) {
  EXPECT_EQ(this->byId(kSmsId, "", "delivered", this->t0(), "kannel"),
            SmsReportOutcome::kUnknownMessage);
  EXPECT_EQ(this->byId(kOtherSmsId, "", "delivered", this->t0()),
            SmsReportOutcome::kUnknownMessage);
  EXPECT_EQ(this->byProviderId("SMnope", "delivered", "", this->t0()),
            SmsReportOutcome::kUnknownMessage);
  // An empty provider id finds nothing, not the messages still without one.
  EXPECT_EQ(this->byProviderId("", "delivered", "", this->t0()), SmsReportOutcome::kUnknownMessage);
  ASSERT_EQ(this->byId(kSmsId, "SM1", "queued", this->t0()), SmsReportOutcome::kRecorded);
  EXPECT_EQ(this->byProviderId("SM1", "delivered", "", this->t0(), "sns"),
            SmsReportOutcome::kUnknownMessage);
  EXPECT_EQ(this->row().status, "queued");
  EXPECT_FALSE(this->store().find(kOtherSmsId)->has_value());
}

TYPED_TEST_P(SmsMessageStoreContract, ConcurrentReportsLeaveTheHighestStatus) {
  ASSERT_EQ(this->byId(kSmsId, "SM1", "queued", this->t0()), SmsReportOutcome::kRecorded);
  const char* statuses[] = {"sending", "sent", "delivered", "queued"};
  race([&](int i) {
    auto r = this->store().updateByProviderId("twilio", "SM1", statuses[i % 4], "",
                                              this->t0() + Millis(i));
    EXPECT_TRUE(r.ok());
    return r.ok();
  });
  EXPECT_EQ(this->row().status, "delivered");
}

TYPED_TEST_P(SmsMessageStoreContract, RecentIsNewestFirstWithItsReportsAndBounded) {
  // SetUp inserted kSmsId at t0. One later, one at the same time (ties: higher id first).
  SmsMessageRecord later = this->submitted("11111111111111111111111111111111");
  later.createdAt = later.updatedAt = this->t0() + std::chrono::seconds(5);
  ASSERT_TRUE(this->store().insert(later).ok());
  ASSERT_TRUE(this->store().insert(this->submitted(kOtherSmsId)).ok());
  EXPECT_EQ(this->byId(kSmsId, "SM1", "delivered", this->t0() + std::chrono::seconds(9)),
            SmsReportOutcome::kRecorded);
  auto all = this->store().recent(10);
  ASSERT_TRUE(all.ok()) << all.error().toString();
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].id, later.id);
  EXPECT_EQ((*all)[1].id, kOtherSmsId);
  EXPECT_EQ((*all)[2].id, kSmsId);
  EXPECT_EQ((*all)[2].status, "delivered");  // the delivery report is in the row
  EXPECT_EQ((*all)[2].providerMessageId, "SM1");
  EXPECT_EQ((*all)[2].toMasked, "+1415*****23");
  EXPECT_EQ((*all)[2].updatedAt, this->t0() + std::chrono::seconds(9));
  auto two = this->store().recent(2);
  ASSERT_TRUE(two.ok());
  ASSERT_EQ(two->size(), 2u);
  EXPECT_EQ((*two)[1].id, kOtherSmsId);
  EXPECT_TRUE(this->store().recent(0)->empty());
}

REGISTER_TYPED_TEST_SUITE_P(SmsMessageStoreContract, InsertThenFindRoundTripsEveryField,
                            IdsAreUnique, RecordsTheAnswerAndThenReportsByProviderId,
                            AKnownProviderIdIsNeverReplaced, AStaleReportChangesNothing,
                            StatusesMoveOnlyForwardByRank, UnknownMessagesAndProvidersChangeNothing,
                            ConcurrentReportsLeaveTheHighestStatus,
                            RecentIsNewestFirstWithItsReportsAndBounded);

}  // namespace callgate::contracts
