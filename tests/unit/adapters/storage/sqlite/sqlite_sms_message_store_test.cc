#include "adapters/storage/sqlite/sqlite_sms_message_store.h"

#include <gtest/gtest.h>

#include "fakes/temp_dir.h"

namespace callgate {
namespace {

using testing::TempDir;

const TimePoint kT0 = fromUnixMillis(1'800'000'000'000);
const char* kId = "0123456789abcdef0123456789abcdef";

class SqliteSmsMessageStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = SqliteDatabase::open(dir_.file("callgate.db"));
    ASSERT_TRUE(db.ok()) << db.error().toString();
    db_ = std::move(*db);
    store_ = std::make_unique<SqliteSmsMessageStore>(*db_);
    ASSERT_TRUE(
        store_->insert({kId, "twilio", "", "+1415*****23", "submitting", "", kT0, kT0}).ok());
  }
  SmsMessageRecord row() {
    auto r = store_->find(kId);
    EXPECT_TRUE(r.ok() && r->has_value());
    return **r;
  }

  TempDir dir_;
  std::unique_ptr<SqliteDatabase> db_;
  std::unique_ptr<SqliteSmsMessageStore> store_;
};

TEST_F(SqliteSmsMessageStoreTest, RecordsTheSubmissionAndThenReports) {
  EXPECT_EQ(*store_->updateById("twilio", kId, "SM1", "queued", "", kT0 + Millis(5)),
            SmsReportOutcome::kRecorded);
  SmsMessageRecord r = row();
  EXPECT_EQ(r.providerMessageId, "SM1");
  EXPECT_EQ(r.status, "queued");
  EXPECT_EQ(r.toMasked, "+1415*****23");
  EXPECT_EQ(r.createdAt, kT0);
  EXPECT_EQ(r.updatedAt, kT0 + Millis(5));

  EXPECT_EQ(*store_->updateByProviderId("twilio", "SM1", "undelivered", "30003", kT0 + Millis(9)),
            SmsReportOutcome::kRecorded);
  r = row();
  EXPECT_EQ(r.status, "undelivered");
  EXPECT_EQ(r.errorCode, "30003");
  EXPECT_EQ(r.providerMessageId, "SM1");  // never overwritten once known
}

TEST_F(SqliteSmsMessageStoreTest, AReportThatOutrunsTheAnswerIsNotUndone) {
  // The delivery report arrives before the provider's answer has been recorded.
  EXPECT_EQ(*store_->updateById("twilio", kId, "SM1", "delivered", "", kT0 + Millis(1)),
            SmsReportOutcome::kRecorded);
  EXPECT_EQ(*store_->updateById("twilio", kId, "SM1", "queued", "", kT0 + Millis(2)),
            SmsReportOutcome::kStale);
  EXPECT_EQ(row().status, "delivered");
  EXPECT_EQ(row().updatedAt, kT0 + Millis(1));
}

TEST_F(SqliteSmsMessageStoreTest, UnknownMessagesAndProvidersChangeNothing) {
  EXPECT_EQ(*store_->updateById("kannel", kId, "", "delivered", "", kT0),
            SmsReportOutcome::kUnknownMessage);
  EXPECT_EQ(
      *store_->updateById("twilio", "ffffffffffffffffffffffffffffffff", "", "delivered", "", kT0),
      SmsReportOutcome::kUnknownMessage);
  EXPECT_EQ(*store_->updateByProviderId("twilio", "SMnope", "delivered", "", kT0),
            SmsReportOutcome::kUnknownMessage);
  EXPECT_EQ(*store_->updateByProviderId("twilio", "", "delivered", "", kT0),
            SmsReportOutcome::kUnknownMessage);
  EXPECT_EQ(row().status, "submitting");
  EXPECT_FALSE(store_->find("ffffffffffffffffffffffffffffffff")->has_value());
}

TEST_F(SqliteSmsMessageStoreTest, IdsAreUnique) {
  Status s = store_->insert({kId, "twilio", "", "+1415*****23", "submitting", "", kT0, kT0});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kAlreadyExists);
}

}  // namespace
}  // namespace callgate
