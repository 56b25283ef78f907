// The delivery-report routes: a signed Twilio status callback and a Kannel DLR with a valid token
// are recorded; a bad signature or token gets 403 and changes nothing; malformed input gets 400.
#include "adapters/sms/reports/delivery_report_routes.h"

#include <gtest/gtest.h>

#include "adapters/security/signing/twilio_signature.h"
#include "adapters/storage/sqlite/sqlite_sms_message_store.h"
#include "common/form.h"
#include "fakes/fakes.h"
#include "fakes/temp_dir.h"

namespace callgate {
namespace {

const char* kId = "0123456789abcdef0123456789abcdef";
const char* kPublicUrl = "https://callgate.example.com/sms/v1/twilio/status";
const char* kToken = "twilio-auth-token";

class DeliveryReportRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = SqliteDatabase::open(dir_.file("callgate.db"));
    ASSERT_TRUE(db.ok());
    db_ = std::move(*db);
    store_ = std::make_unique<SqliteSmsMessageStore>(*db_);
    const TimePoint t = clock_.now();
    ASSERT_TRUE(store_->insert({kId, "twilio", "SM1", "+1415*****23", "queued", "", t, t}).ok());
    ASSERT_TRUE(store_
                    ->insert({std::string(32, 'a'), "kannel", std::string(32, 'a'), "+1415*****23",
                              "accepted", "", t, t})
                    .ok());
  }

  http::Request twilioRequest(const http::Params& form, const std::string& query,
                              const std::string& signature = "") {
    http::Request r;
    r.method = "POST";
    r.path = kTwilioStatusPath;
    r.query = query;
    r.headers["content-type"] = "application/x-www-form-urlencoded; charset=utf-8";
    r.body = http::formEncode(form);
    r.headers["x-twilio-signature"] =
        signature.empty()
            ? twilio::computeSignature(std::string(kPublicUrl) + (query.empty() ? "" : "?" + query),
                                       form, kToken)
            : signature;
    return r;
  }
  http::Response twilio(const http::Request& r) {
    return handleTwilioStatus(r, {kToken, kPublicUrl}, *store_, clock_);
  }
  std::string status(const std::string& id) { return (*store_->find(id))->status; }

  testing::TempDir dir_;
  testing::FakeClock clock_;
  std::unique_ptr<SqliteDatabase> db_;
  std::unique_ptr<SqliteSmsMessageStore> store_;
};

const http::Params kDelivered{{"AccountSid", "AC0123456789abcdef0123456789abcdef"},
                              {"MessageSid", "SM1"},
                              {"MessageStatus", "delivered"},
                              {"SmsSid", "SM1"},
                              {"SmsStatus", "delivered"},
                              {"To", "+14155550123"}};

TEST_F(DeliveryReportRoutesTest, SignedTwilioCallbackIsRecordedByOurId) {
  http::Response r = twilio(twilioRequest(kDelivered, std::string("id=") + kId));
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"status":"recorded"})");
  EXPECT_EQ(status(kId), "delivered");
  EXPECT_EQ(r.logFields.find("+1415"), std::string::npos);
}

TEST_F(DeliveryReportRoutesTest, WithoutOurIdTheMessageSidFindsIt) {
  http::Params failed{
      {"MessageSid", "SM1"}, {"MessageStatus", "undelivered"}, {"ErrorCode", "30003"}};
  EXPECT_EQ(twilio(twilioRequest(failed, "")).status, 200);
  EXPECT_EQ(status(kId), "undelivered");
  EXPECT_EQ((*store_->find(kId))->errorCode, "30003");
  // An older report arriving later changes nothing.
  http::Params sent{{"MessageSid", "SM1"}, {"MessageStatus", "sent"}};
  http::Response r = twilio(twilioRequest(sent, ""));
  EXPECT_EQ(r.body, R"({"status":"stale"})");
  EXPECT_EQ(status(kId), "undelivered");
}

// A status_callback_url with a query of its own: the sender appends "&id=..." to it, Twilio
// requests (and signs) exactly that URL, and the report must be accepted, not checked over the
// configured query twice.
TEST_F(DeliveryReportRoutesTest, ACallbackUrlWithItsOwnQueryIsSignedAsRequested) {
  const std::string configured = std::string(kPublicUrl) + "?tenant=blue";
  const std::string query = std::string("tenant=blue&id=") + kId;
  http::Request r = twilioRequest(kDelivered, query, "x");
  r.headers["x-twilio-signature"] =
      twilio::computeSignature(std::string(kPublicUrl) + "?" + query, kDelivered, kToken);
  http::Response response = handleTwilioStatus(r, {kToken, configured}, *store_, clock_);
  EXPECT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(status(kId), "delivered");
  // Still bound to the URL: signed for another query, refused.
  http::Request other = twilioRequest(kDelivered, query, "x");
  other.headers["x-twilio-signature"] = twilio::computeSignature(
      std::string(kPublicUrl) + "?tenant=red&id=" + kId, kDelivered, kToken);
  EXPECT_EQ(handleTwilioStatus(other, {kToken, configured}, *store_, clock_).status, 403);
}

TEST_F(DeliveryReportRoutesTest, BadSignatureIsForbiddenAndChangesNothing) {
  http::Request r =
      twilioRequest(kDelivered, std::string("id=") + kId, "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
  EXPECT_EQ(twilio(r).status, 403);
  r.headers.erase("x-twilio-signature");
  EXPECT_EQ(twilio(r).status, 403);
  // Signed for another message, replayed against ours.
  http::Request replay = twilioRequest(kDelivered, "id=ffffffffffffffffffffffffffffffff");
  replay.query = std::string("id=") + kId;
  EXPECT_EQ(twilio(replay).status, 403);
  // Tampered body.
  http::Request tampered = twilioRequest(kDelivered, std::string("id=") + kId);
  tampered.body += "&Extra=1";
  EXPECT_EQ(twilio(tampered).status, 403);
  EXPECT_EQ(status(kId), "queued");
}

TEST_F(DeliveryReportRoutesTest, MalformedTwilioCallbacks) {
  EXPECT_EQ(twilio(twilioRequest({{"MessageStatus", "delivered"}}, "")).status, 400);
  EXPECT_EQ(twilio(twilioRequest(kDelivered, "id=not-an-id")).status, 400);
  EXPECT_EQ(
      twilio(twilioRequest({{"MessageSid", "SM404"}, {"MessageStatus", "delivered"}}, "")).status,
      404);
  http::Request json = twilioRequest(kDelivered, "");
  json.headers["content-type"] = "application/json";
  EXPECT_EQ(twilio(json).status, 415);
  http::Request broken = twilioRequest(kDelivered, "");
  broken.body = "MessageSid=%zz";
  EXPECT_EQ(twilio(broken).status, 400);
  EXPECT_EQ(status(kId), "queued");
}

TEST_F(DeliveryReportRoutesTest, KannelDlrWithAValidTokenIsRecorded) {
  KannelDlrToken tokens("otp-secret");
  const std::string id(32, 'a');
  auto dlr = [&](const std::string& query) {
    http::Request r;
    r.method = "GET";
    r.path = kKannelDlrPath;
    r.query = query;
    return handleKannelDlr(r, tokens, *store_, clock_);
  };
  const std::string auth = "id=" + id + "&token=" + tokens.tokenFor(id);
  EXPECT_EQ(dlr(auth + "&status=8").status, 200);
  EXPECT_EQ(status(id), "sent");
  EXPECT_EQ(dlr(auth + "&status=1").status, 200);
  EXPECT_EQ(status(id), "delivered");

  EXPECT_EQ(dlr("id=" + id + "&token=" + tokens.tokenFor(kId) + "&status=2").status, 403);
  EXPECT_EQ(dlr("id=" + id + "&status=2").status, 403);
  EXPECT_EQ(dlr(auth + "&status=3").status, 400);
  EXPECT_EQ(dlr(auth + "&status=").status, 400);
  EXPECT_EQ(dlr(auth + "&status=%d").status, 400);
  EXPECT_EQ(dlr("id=xyz&token=abc&status=1").status, 400);
  const std::string other(32, 'b');
  EXPECT_EQ(dlr("id=" + other + "&token=" + tokens.tokenFor(other) + "&status=1").status, 404);
  EXPECT_EQ(status(id), "delivered");
}

TEST_F(DeliveryReportRoutesTest, RoutesAreRegisteredBlocking) {
  KannelDlrToken tokens("otp-secret");
  http::Router router;
  addTwilioStatusRoute(router, {kToken, kPublicUrl}, *store_, clock_);
  addKannelDlrRoute(router, tokens, *store_, clock_);
  auto t = router.find("POST", kTwilioStatusPath);
  ASSERT_EQ(t.match, http::Router::Match::kFound);
  EXPECT_EQ(t.route->lane, http::Lane::kWorker);
  auto k = router.find("GET", kKannelDlrPath);
  ASSERT_EQ(k.match, http::Router::Match::kFound);
  EXPECT_EQ(k.route->lane, http::Lane::kWorker);
}

}  // namespace
}  // namespace callgate
