// The HTTP SMS senders, request by request, field by field, against a scripted HTTP client; and
// how each provider's answers and errors are recorded and reported.
#include <gtest/gtest.h>

#include <map>

#include "adapters/sms/kannel/kannel_sms_sender.h"
#include "adapters/sms/sns/sns_sms_sender.h"
#include "adapters/sms/twilio/twilio_sms_sender.h"
#include "common/form.h"
#include "fakes/fakes.h"
#include "fakes/in_memory_sms_message_store.h"
#include "unit/adapters/net/http_client/http_client_fakes.h"

namespace callgate {
namespace {

using testing::FakeClock;
using testing::FakeRandom;
using testing::InMemorySmsMessageStore;
using testing::ScriptedHttpClient;

const char* kSid = "AC0123456789abcdef0123456789abcdef";
const char* kTo = "+14155550123";
const char* kBody = "Welcome to callgate, your one-time PIN is 123456";
// FakeRandom::fill() writes 0x42 bytes, so every message id is this.
const char* kMessageId = "42424242424242424242424242424242";

std::map<std::string, std::string> formOf(const std::string& body) {
  auto params = http::parseForm(body);
  EXPECT_TRUE(params.ok());
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : *params) {
    EXPECT_EQ(out.count(k), 0u) << "repeated field " << k;
    out[k] = v;
  }
  return out;
}

std::string headerOf(const HttpClientRequest& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "<absent>";
}

class SmsSenderTest : public ::testing::Test {
 protected:
  SmsTracking tracking() { return {&store_, random_, clock_}; }
  // The newest message: FakeRandom counts its calls in the first byte of each id, so ids of
  // later messages sort after earlier ones.
  const SmsMessageRecord& record() { return store_.rows.rbegin()->second; }

  FakeClock clock_{fromUnixMillis(1440938160000)};  // 2015-08-30T12:36:00Z
  FakeRandom random_;
  ScriptedHttpClient http_;
  InMemorySmsMessageStore store_;
};

// ---------------------------------------------------------------- Twilio

TwilioSmsConfig twilioConfig() {
  TwilioSmsConfig c;
  c.accountSid = kSid;
  c.authToken = "tok3n-secret";
  c.from = "+15005550006";
  c.baseUrl = "http://127.0.0.1:9/";
  c.statusCallbackUrl = "https://callgate.example.com/sms/v1/twilio/status";
  return c;
}

TEST_F(SmsSenderTest, TwilioRequestFieldByField) {
  http_.respond(
      201, R"({"sid":"SM0123456789abcdef0123456789abcdef","status":"queued","to":"+14155550123"})");
  TwilioSmsSender sender(twilioConfig(), http_, tracking());
  ASSERT_TRUE(sender.send({kTo, kBody}).ok());
  ASSERT_EQ(http_.requests.size(), 1u);
  const HttpClientRequest& r = http_.requests[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url,
            std::string("http://127.0.0.1:9/2010-04-01/Accounts/") + kSid + "/Messages.json");
  // base64("AC0123...:tok3n-secret")
  EXPECT_EQ(headerOf(r, "Authorization"),
            "Basic QUMwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZjp0b2szbi1zZWNyZXQ=");
  EXPECT_EQ(headerOf(r, "Content-Type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(
      formOf(r.body),
      (std::map<std::string, std::string>{
          {"To", kTo},
          {"From", "+15005550006"},
          {"Body", kBody},
          {"StatusCallback",
           std::string("https://callgate.example.com/sms/v1/twilio/status?id=") + kMessageId}}));
  // "+" must be encoded, or Twilio would read a space.
  EXPECT_NE(r.body.find("To=%2B14155550123"), std::string::npos) << r.body;

  EXPECT_EQ(record().provider, "twilio");
  EXPECT_EQ(record().providerMessageId, "SM0123456789abcdef0123456789abcdef");
  EXPECT_EQ(record().status, "queued");
  EXPECT_EQ(record().toMasked, "+1415*****23");
}

TEST_F(SmsSenderTest, TwilioMessagingServiceWithoutCallback) {
  TwilioSmsConfig c = twilioConfig();
  c.messagingServiceSid = "MG0123456789abcdef0123456789abcdef";
  c.statusCallbackUrl.clear();
  http_.respond(201, R"({"sid":"SMx","status":"accepted"})");
  TwilioSmsSender sender(c, http_, tracking());
  ASSERT_TRUE(sender.send({kTo, kBody}).ok());
  EXPECT_EQ(formOf(http_.requests[0].body),
            (std::map<std::string, std::string>{
                {"To", kTo},
                {"MessagingServiceSid", "MG0123456789abcdef0123456789abcdef"},
                {"Body", kBody}}));
  EXPECT_EQ(record().status, "accepted");
}

TEST_F(SmsSenderTest, TwilioClientErrorIsPermanentAndKeepsOnlyTheCode) {
  http_.respond(
      400,
      R"({"code": 21211, "message": "The 'To' number +14155550123 is not a valid phone number.", "status": 400})");
  TwilioSmsSender sender(twilioConfig(), http_, tracking());
  Status s = sender.send({kTo, kBody});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(s.error().message().find("21211"), std::string::npos);
  EXPECT_EQ(s.error().message().find("4155550123"), std::string::npos) << s.error().message();
  EXPECT_EQ(s.error().message().find("tok3n"), std::string::npos);
  EXPECT_EQ(record().status, "failed");
  EXPECT_EQ(record().errorCode, "21211");
}

TEST_F(SmsSenderTest, TwilioAuthFailureIsAConfigurationError) {
  http_.respond(401, R"({"code": 20003, "message": "Authenticate", "status": 401})");
  TwilioSmsSender sender(twilioConfig(), http_, tracking());
  Status s = sender.send({kTo, kBody});
  EXPECT_EQ(s.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(s.error().message().find("tok3n"), std::string::npos);
}

TEST_F(SmsSenderTest, ServerErrorsAndTimeoutsAreUnavailable) {
  http_.respond(503, "<html>down</html>");
  TwilioSmsSender sender(twilioConfig(), http_, tracking());
  EXPECT_EQ(sender.send({kTo, kBody}).error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(record().errorCode, "http_503");
  store_.rows.clear();
  http_.fail(Error::unavailable("Timeout was reached (127.0.0.1)"));
  Status s = sender.send({kTo, kBody});
  EXPECT_EQ(s.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(s.error().message().find("twilio: Timeout"), std::string::npos) << s.error().message();
  EXPECT_EQ(record().errorCode, "transport");
}

TEST_F(SmsSenderTest, SendsWithoutAStore) {
  http_.respond(201, R"({"sid":"SMx","status":"queued"})");
  TwilioSmsSender sender(twilioConfig(), http_, {nullptr, random_, clock_});
  EXPECT_TRUE(sender.send({kTo, kBody}).ok());
}

// ---------------------------------------------------------------- SNS

SnsSmsConfig snsConfig() {
  SnsSmsConfig c;
  c.region = "us-east-1";
  c.credentials = {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
  c.endpoint = "http://127.0.0.1:9/";
  c.senderId = "CallGate";
  return c;
}

TEST_F(SmsSenderTest, SnsRequestFieldByField) {
  http_.respond(
      200,
      "<PublishResponse xmlns=\"https://sns.amazonaws.com/doc/2010-03-31/\"><PublishResult>"
      "<MessageId>567910cd-659e-55d4-8ccb-5aaf14679dc0</MessageId></PublishResult>"
      "<ResponseMetadata><RequestId>d74b8436</RequestId></ResponseMetadata></PublishResponse>");
  SnsSmsSender sender(snsConfig(), http_, tracking());
  ASSERT_TRUE(sender.send({kTo, kBody}).ok());
  const HttpClientRequest& r = http_.requests.at(0);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "http://127.0.0.1:9/");
  EXPECT_EQ(headerOf(r, "Content-Type"), "application/x-www-form-urlencoded; charset=utf-8");
  EXPECT_EQ(headerOf(r, "Host"), "127.0.0.1:9");
  EXPECT_EQ(headerOf(r, "X-Amz-Date"), "20150830T123600Z");
  EXPECT_EQ(headerOf(r, "X-Amz-Security-Token"), "<absent>");
  EXPECT_EQ(formOf(r.body), (std::map<std::string, std::string>{
                                {"Action", "Publish"},
                                {"Version", "2010-03-31"},
                                {"PhoneNumber", kTo},
                                {"Message", kBody},
                                {"MessageAttributes.entry.1.Name", "AWS.SNS.SMS.SMSType"},
                                {"MessageAttributes.entry.1.Value.DataType", "String"},
                                {"MessageAttributes.entry.1.Value.StringValue", "Transactional"},
                                {"MessageAttributes.entry.2.Name", "AWS.SNS.SMS.SenderID"},
                                {"MessageAttributes.entry.2.Value.DataType", "String"},
                                {"MessageAttributes.entry.2.Value.StringValue", "CallGate"}}));
  // The Authorization header is SigV4 over exactly these headers and this body.
  aws::SigV4Request signedPart{"POST",
                               "/",
                               "",
                               {{"Content-Type", headerOf(r, "Content-Type")},
                                {"Host", "127.0.0.1:9"},
                                {"X-Amz-Date", "20150830T123600Z"}},
                               r.body};
  const aws::SigV4Scope scope{"20150830T123600Z", "us-east-1", "sns"};
  const std::string expected = aws::authorizationHeader(signedPart, scope, snsConfig().credentials);
  EXPECT_EQ(headerOf(r, "Authorization"), expected);
  EXPECT_EQ(
      expected.rfind("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sns/aws4_request, "
                     "SignedHeaders=content-type;host;x-amz-date, Signature=",
                     0),
      0u);
  EXPECT_EQ(record().providerMessageId, "567910cd-659e-55d4-8ccb-5aaf14679dc0");
  EXPECT_EQ(record().status, "accepted");
}

TEST_F(SmsSenderTest, SnsTemporaryCredentialsSignTheToken) {
  SnsSmsConfig c = snsConfig();
  c.credentials.sessionToken = "FQoGZXIvYXdzEXAMPLE";
  c.senderId.clear();
  c.endpoint.clear();
  auto r = SnsSmsSender(c, http_, tracking()).buildRequest({kTo, kBody}, 1440938160000);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->url, "https://sns.us-east-1.amazonaws.com/");
  EXPECT_EQ(headerOf(*r, "Host"), "sns.us-east-1.amazonaws.com");
  EXPECT_EQ(headerOf(*r, "X-Amz-Security-Token"), "FQoGZXIvYXdzEXAMPLE");
  EXPECT_NE(headerOf(*r, "Authorization")
                .find("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token,"),
            std::string::npos);
  EXPECT_EQ(formOf(r->body).count("MessageAttributes.entry.2.Name"), 0u);
}

TEST_F(SmsSenderTest, SnsErrorsKeepTheCodeOnly) {
  http_.respond(
      400,
      "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidParameter</Code><Message>Invalid "
      "parameter: PhoneNumber Reason: +14155550123 is not valid</Message></Error></ErrorResponse>");
  SnsSmsSender sender(snsConfig(), http_, tracking());
  Status s = sender.send({kTo, kBody});
  EXPECT_EQ(s.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(s.error().message().find("InvalidParameter"), std::string::npos);
  EXPECT_EQ(s.error().message().find("4155550123"), std::string::npos);
  EXPECT_EQ(record().errorCode, "InvalidParameter");
  EXPECT_EQ(SnsSmsSender(snsConfig(), http_, tracking())
                .send({kTo, std::string(1601, 'x')})
                .error()
                .code(),
            ErrorCode::kInvalidArgument);
}

// ---------------------------------------------------------------- Kannel

KannelSmsConfig kannelConfig() {
  KannelSmsConfig c;
  c.url = "http://127.0.0.1:13013/cgi-bin/sendsms";
  c.username = "callgate";
  c.password = "p&ss word";
  c.from = "CallGate";
  c.dlrUrl = "http://127.0.0.1:8080/sms/v1/kannel/dlr";
  return c;
}

TEST_F(SmsSenderTest, KannelRequestFieldByField) {
  http_.respond(202, "0: Accepted for delivery");
  KannelDlrToken tokens("otp-secret");
  KannelSmsSender sender(kannelConfig(), tokens, http_, tracking());
  ASSERT_TRUE(sender.send({kTo, kBody}).ok());
  const HttpClientRequest& r = http_.requests.at(0);
  EXPECT_EQ(r.method, "GET");
  EXPECT_TRUE(r.body.empty());
  const std::string prefix = "http://127.0.0.1:13013/cgi-bin/sendsms?";
  ASSERT_EQ(r.url.rfind(prefix, 0), 0u) << r.url;
  const std::string query = r.url.substr(prefix.size());
  EXPECT_EQ(
      formOf(query),
      (std::map<std::string, std::string>{
          {"username", "callgate"},
          {"password", "p&ss word"},
          {"from", "CallGate"},
          {"to", kTo},
          {"text", kBody},
          {"dlr-mask", "31"},
          {"dlr-url", std::string("http://127.0.0.1:8080/sms/v1/kannel/dlr?id=") + kMessageId +
                          "&token=" + tokens.tokenFor(kMessageId) + "&status=%d"}}));
  // Encoded so that Kannel's decoder (which reads '+' as a space) gets them back intact.
  EXPECT_NE(query.find("to=%2B14155550123"), std::string::npos);
  EXPECT_NE(query.find("password=p%26ss%20word"), std::string::npos);
  EXPECT_NE(query.find("%26status%3D%25d"), std::string::npos);
  EXPECT_EQ(record().providerMessageId, kMessageId);
  EXPECT_EQ(record().status, "accepted");
}

TEST_F(SmsSenderTest, KannelQueuedAndRefused) {
  KannelDlrToken tokens("otp-secret");
  KannelSmsConfig c = kannelConfig();
  c.dlrUrl.clear();
  c.from.clear();
  http_.respond(202, "3: Queued for later delivery");
  KannelSmsSender sender(c, tokens, http_, tracking());
  ASSERT_TRUE(sender.send({kTo, kBody}).ok());
  EXPECT_EQ(record().status, "queued");
  auto form = formOf(http_.requests[0].url.substr(http_.requests[0].url.find('?') + 1));
  EXPECT_EQ(form.count("dlr-url"), 0u);
  EXPECT_EQ(form.count("dlr-mask"), 0u);
  EXPECT_EQ(form.count("from"), 0u);

  store_.rows.clear();
  http_.respond(403, "Authorization failed for sendsms");
  Status s = sender.send({kTo, kBody});
  EXPECT_EQ(s.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(s.error().message().find("p&ss"), std::string::npos);
  EXPECT_EQ(record().status, "failed");
  EXPECT_EQ(record().errorCode, "http_403");
}

TEST(KannelDlrTest, TokensBindTheMessageIdAndTheKey) {
  KannelDlrToken a("secret-a");
  KannelDlrToken b("secret-b");
  const std::string t = a.tokenFor(kMessageId);
  EXPECT_EQ(t.size(), 64u);
  EXPECT_TRUE(a.verify(kMessageId, t));
  EXPECT_FALSE(b.verify(kMessageId, t));
  EXPECT_FALSE(a.verify("00000000000000000000000000000000", t));
  EXPECT_FALSE(a.verify(kMessageId, t.substr(0, 63)));
  EXPECT_FALSE(a.verify(kMessageId, ""));
}

TEST(KannelDlrTest, MapsDlrTypes) {
  EXPECT_EQ(kannelDlrStatus(1), "delivered");
  EXPECT_EQ(kannelDlrStatus(2), "undelivered");
  EXPECT_EQ(kannelDlrStatus(4), "queued");
  EXPECT_EQ(kannelDlrStatus(8), "sent");
  EXPECT_EQ(kannelDlrStatus(16), "failed");
  EXPECT_EQ(kannelDlrStatus(3), "");
}

TEST(SmsStatusTest, NeverMovesBackwards) {
  EXPECT_TRUE(mayReplaceStatus("submitting", "queued"));
  EXPECT_TRUE(mayReplaceStatus("queued", "sending"));
  EXPECT_TRUE(mayReplaceStatus("sent", "delivered"));
  EXPECT_TRUE(mayReplaceStatus("delivered", "undelivered"));  // a later final word wins
  EXPECT_FALSE(mayReplaceStatus("delivered", "sent"));
  EXPECT_FALSE(mayReplaceStatus("sent", "queued"));
  EXPECT_FALSE(mayReplaceStatus("queued", "submitting"));
}

}  // namespace
}  // namespace callgate
