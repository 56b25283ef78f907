// The webhook routes: X-Twilio-Signature is checked against the public URL before anything
// happens; bad requests change nothing.
#include <gtest/gtest.h>

#include <cctype>

#include "adapters/security/signing/twilio_signature.h"
#include "channels/twilio_voice/voice_routes.h"
#include "unit/channels/twilio_voice/twilio_voice_test_support.h"

namespace callgate::twilio_voice {
namespace {

using namespace callgate::twilio_voice::testing;  // NOLINT: test file

constexpr const char* kToken = "test-auth-token";
constexpr const char* kCall = "CA00000000000000000000000000000002";

std::string formEncode(const FormPairs& pairs) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const auto& [k, v] : pairs) {
    if (!out.empty()) out += '&';
    for (const std::string* s : {&k, &v}) {
      for (char c : *s) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) || c == '-' || c == '_' || c == '.')
          out += c;
        else
          out += {'%', kHex[u >> 4], kHex[u & 15]};
      }
      if (s == &k) out += '=';
    }
  }
  return out;
}

class TwilioVoiceRoutesTest : public VoiceFixture {
 protected:
  void SetUp() override {
    build();
    addTwilioVoiceRoutes(router_, *runtime_, {kToken, kBase});
  }

  // POSTs `pairs` to `target` (path?query), signed for `signedUrl` (default: kBase + target).
  http::Response post(const std::string& target, const FormPairs& pairs,
                      std::optional<std::string> signedUrl = {}, const std::string& token = kToken,
                      bool sign = true) {
    http::Request request;
    request.method = "POST";
    const size_t q = target.find('?');
    request.path = target.substr(0, q);
    request.query = q == std::string::npos ? "" : target.substr(q + 1);
    request.body = formEncode(pairs);
    request.headers["host"] = "127.0.0.1:8080";
    request.headers["content-type"] = "application/x-www-form-urlencoded";
    if (sign) {
      request.headers["x-twilio-signature"] =
          twilio::computeSignature(signedUrl.value_or(kBase + target), pairs, token);
    }
    auto found = router_.find(request.method, request.path, &request.params);
    if (found.match != http::Router::Match::kFound) {
      http::Response r;
      r.status = 404;
      return r;
    }
    return found.route->handler(request);
  }

  FormPairs call(const FormPairs& extra = {}) {
    FormPairs p{
        {"CallSid", kCall}, {"From", kUnknown}, {"To", kDialled}, {"CallStatus", "in-progress"}};
    p.insert(p.end(), extra.begin(), extra.end());
    return p;
  }

  http::Router router_;
};

TEST_F(TwilioVoiceRoutesTest, ASignedIncomingCallGetsTwiml) {
  random_.scriptDigits("123456");
  http::Response r = post("/twilio/voice", call());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.contentType, "text/xml; charset=utf-8");
  EXPECT_NE(r.body.find("<Gather"), std::string::npos);
  EXPECT_NE(r.logFields.find("contact=" + std::string(kCall)), std::string::npos);
  EXPECT_EQ(sms_.sent.size(), 1u);

  // The gather URL it named, signed the same way, continues the call.
  const std::string id = sessionIdIn(r.body);
  http::Response next =
      post("/twilio/voice/" + id + "/gather?step=1", call({{"Digits", "123456"}}));
  ASSERT_EQ(next.status, 200) << next.body;
  EXPECT_NE(next.body.find("<Dial"), std::string::npos);
}

TEST_F(TwilioVoiceRoutesTest, MissingOrBadSignaturesGet403AndChangeNothing) {
  EXPECT_EQ(post("/twilio/voice", call(), {}, kToken, /*sign=*/false).status, 403);
  EXPECT_EQ(post("/twilio/voice", call(), {}, "another-token").status, 403);
  // Signed for the internal address rather than the public URL Twilio used.
  EXPECT_EQ(post("/twilio/voice", call(), "http://127.0.0.1:8080/twilio/voice").status, 403);
  // Signed for other parameters (a tampered body).
  http::Request tampered;
  tampered.method = "POST";
  tampered.path = "/twilio/voice";
  tampered.body = formEncode(call({{"From", kKnown}}));
  tampered.headers["x-twilio-signature"] =
      twilio::computeSignature(std::string(kBase) + "/twilio/voice", call(), kToken);
  auto found = router_.find("POST", tampered.path, &tampered.params);
  ASSERT_EQ(found.match, http::Router::Match::kFound);
  EXPECT_EQ(found.route->handler(tampered).status, 403);
  EXPECT_TRUE(sms_.sent.empty());
  EXPECT_TRUE(sessions_.rows.empty());
}

TEST_F(TwilioVoiceRoutesTest, TheDefaultPortMayBeSignedOrNot) {
  EXPECT_EQ(post("/twilio/voice", call(), "https://callgate.example.com:443/twilio/voice").status,
            200);
}

TEST_F(TwilioVoiceRoutesTest, ABadSignatureOnAGatherDoesNotAdvanceTheCall) {
  random_.scriptDigits("123456");
  const std::string id = sessionIdIn(post("/twilio/voice", call()).body);
  const std::string target = "/twilio/voice/" + id + "/gather?step=1";
  // Signed for step 2: the query is part of the URL.
  EXPECT_EQ(post(target, call({{"Digits", "123456"}}),
                 std::string(kBase) + "/twilio/voice/" + id + "/gather?step=2")
                .status,
            403);
  EXPECT_EQ(sessions_.rows.begin()->second.version, 1);
  EXPECT_EQ(challenges_.rows[0].state, ChallengeState::kActive);
}

TEST_F(TwilioVoiceRoutesTest, MalformedRequestsAreRejected) {
  EXPECT_EQ(post("/twilio/voice", {{"From", kUnknown}}).status, 400);  // no CallSid
  EXPECT_EQ(post("/twilio/voice/not-a-session-id/gather?step=1", call()).status, 404);
  EXPECT_EQ(post("/twilio/voice/AAAAAAAAAAAAAAAAAAAAAA/gather", call()).status, 400);
  EXPECT_EQ(post("/twilio/voice/AAAAAAAAAAAAAAAAAAAAAA/gather?step=x", call()).status, 400);
  EXPECT_EQ(post("/twilio/voice/not-a-session-id/whisper", call()).status, 404);
  EXPECT_EQ(post("/twilio/voice/not-a-session-id/status", call()).status, 404);
  EXPECT_TRUE(sessions_.rows.empty());
}

TEST_F(TwilioVoiceRoutesTest, WithoutAPublicUrlTheHostHeaderIsUsed) {
  http::Router router;
  addTwilioVoiceRoutes(router, *runtime_, {kToken, ""});
  http::Request request;
  request.method = "POST";
  request.path = "/twilio/voice";
  request.body = formEncode(call());
  request.headers["host"] = "voice.example.net";
  request.headers["x-twilio-signature"] =
      twilio::computeSignature("http://voice.example.net/twilio/voice", call(), kToken);
  auto found = router.find("POST", request.path, &request.params);
  ASSERT_EQ(found.match, http::Router::Match::kFound);
  http::Response r = found.route->handler(request);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("action=\"http://voice.example.net/twilio/voice/"), std::string::npos);
}

TEST_F(TwilioVoiceRoutesTest, StatusCallbacks) {
  random_.scriptDigits("123456");
  post("/twilio/voice", call());
  ASSERT_EQ(sessions_.rows.size(), 1u);
  http::Response r =
      post("/twilio/voice/status", {{"CallSid", kCall}, {"CallStatus", "completed"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(sessions_.rows.empty());
}

}  // namespace
}  // namespace callgate::twilio_voice
