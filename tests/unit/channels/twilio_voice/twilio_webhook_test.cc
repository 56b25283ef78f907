#include <gtest/gtest.h>

#include "channels/twilio_voice/transfer.h"
#include "channels/twilio_voice/webhook.h"

namespace callgate::twilio_voice {
namespace {

TEST(TwilioWebhookTest, ParsesTheKnownParameters) {
  auto hook = parseVoiceWebhook({{"AccountSid", "AC123"},
                                 {"CallSid", "CA0123456789abcdef0123456789abcdef"},
                                 {"From", "+14155550100"},
                                 {"To", "+18005550100"},
                                 {"CallStatus", "in-progress"},
                                 {"StirVerstat", "TN-Validation-Passed-A"},
                                 {"Digits", "1234"},
                                 {"SpeechResult", "one two"},
                                 {"Confidence", "0.91"},
                                 {"Digits", "9999"},
                                 {"Unknown", "x"}});
  ASSERT_TRUE(hook.ok()) << hook.error().message();
  EXPECT_EQ(hook->callSid, "CA0123456789abcdef0123456789abcdef");
  EXPECT_EQ(hook->from, "+14155550100");
  EXPECT_EQ(hook->to, "+18005550100");
  EXPECT_EQ(hook->callStatus, "in-progress");
  EXPECT_EQ(hook->stirVerstat, "TN-Validation-Passed-A");
  EXPECT_EQ(hook->digits, "1234");  // the first of repeated ones
  EXPECT_EQ(hook->speechResult, "one two");
  ASSERT_TRUE(hook->confidence.has_value());
  EXPECT_DOUBLE_EQ(*hook->confidence, 0.91);
}

TEST(TwilioWebhookTest, AbsentInputIsNotEmptyInput) {
  auto none = parseVoiceWebhook({{"CallSid", "CA1"}});
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->digits.has_value());
  EXPECT_FALSE(none->speechResult.has_value());
  EXPECT_FALSE(none->confidence.has_value());
  auto empty = parseVoiceWebhook({{"CallSid", "CA1"}, {"Digits", ""}, {"Confidence", "nan"}});
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->digits, "");
  EXPECT_FALSE(empty->confidence.has_value());
}

TEST(TwilioWebhookTest, RejectsMissingOrMalformedSids) {
  EXPECT_FALSE(parseVoiceWebhook({{"From", "+14155550100"}}).ok());
  EXPECT_FALSE(parseVoiceWebhook({{"CallSid", ""}}).ok());
  EXPECT_FALSE(parseVoiceWebhook({{"CallSid", "CA 1"}}).ok());
  EXPECT_FALSE(parseVoiceWebhook({{"CallSid", std::string(65, 'a')}}).ok());
  EXPECT_FALSE(parseVoiceWebhook({{"CallSid", "CA1"}, {"ParentCallSid", "x/y"}}).ok());
  EXPECT_FALSE(
      parseVoiceWebhook({{"CallSid", "CA1"}, {"SpeechResult", std::string(1025, 'a')}}).ok());
}

TEST(TwilioWebhookTest, FinalStatuses) {
  for (const char* s : {"completed", "busy", "failed", "no-answer", "canceled"})
    EXPECT_TRUE(isFinalCallStatus(s));
  for (const char* s : {"", "queued", "ringing", "in-progress"}) EXPECT_FALSE(isFinalCallStatus(s));
}

TEST(TwilioWebhookTest, SessionIdsAndSteps) {
  EXPECT_TRUE(isSessionId("AAAAAAAAAAAAAAAAAAAAAA"));
  EXPECT_TRUE(isSessionId("abc-_0123456789xyzABCD"));
  EXPECT_FALSE(isSessionId("AAAAAAAAAAAAAAAAAAAAA"));
  EXPECT_FALSE(isSessionId("AAAAAAAAAAAAAAAAAAAAA="));
  EXPECT_FALSE(isSessionId("../AAAAAAAAAAAAAAAAAAA"));
  EXPECT_EQ(stepFromQuery("step=3"), 3);
  EXPECT_EQ(stepFromQuery("step=12"), 12);
  EXPECT_EQ(stepFromQuery(""), std::nullopt);
  EXPECT_EQ(stepFromQuery("step="), std::nullopt);
  EXPECT_EQ(stepFromQuery("step=0"), std::nullopt);
  EXPECT_EQ(stepFromQuery("step=-1"), std::nullopt);
  EXPECT_EQ(stepFromQuery("step=1x"), std::nullopt);
  EXPECT_EQ(stepFromQuery("x=1&step=1"), std::nullopt);
}

TEST(TwilioTransferTest, AgentTargets) {
  auto sip = parseAgentTarget("sip:agents@pbx.example.com");
  ASSERT_TRUE(sip.ok());
  EXPECT_EQ(sip->kind, AgentTarget::Kind::kSip);
  auto number = parseAgentTarget("+14155550999");
  ASSERT_TRUE(number.ok());
  EXPECT_EQ(number->kind, AgentTarget::Kind::kNumber);
  for (const char* bad :
       {"", "agents", "sip:", "sip:nohost", "14155550999", "sip:a@b c", "tel:+1415"}) {
    EXPECT_FALSE(parseAgentTarget(bad).ok()) << bad;
  }
}

TEST(TwilioTransferTest, SipHeadersCarryTheVerdict) {
  const Attributes a{{"authenticated", "True"},
                     {"authMethod", "CallerId"},
                     {"firstName",
                      "Ren\xC3\xA9"
                      "e"},
                     {"lastName", "O'Hara & Co"},
                     {"bad key", "x"}};
  EXPECT_EQ(sipUriWithVerdict("sip:agents@pbx.example.com", a),
            "sip:agents@pbx.example.com?X-Callgate-Auth=True&X-Callgate-Auth-Method=CallerId"
            "&X-Callgate-firstName=Ren%C3%A9e&X-Callgate-lastName=O%27Hara%20%26%20Co");
  EXPECT_EQ(sipUriWithVerdict("sip:a@b?X-Queue=1", {{"authenticated", "False"}}),
            "sip:a@b?X-Queue=1&X-Callgate-Auth=False");
  EXPECT_EQ(sipUriWithVerdict("sip:a@b", {}), "sip:a@b");
}

TEST(TwilioTransferTest, SipHeadersStayWithinTwiliosLimitVerdictFirst) {
  Attributes a{{"authenticated", "True"},
               {"authMethod", "SmsOtp"},
               {"aaa", std::string(2000, 'x')},
               {"zzz", "kept"}};
  const std::string uri = sipUriWithVerdict("sip:a@b", a);
  EXPECT_LE(uri.size() - std::string("sip:a@b?").size(), 1024u);
  EXPECT_NE(uri.find("X-Callgate-Auth=True&X-Callgate-Auth-Method=SmsOtp"), std::string::npos);
  EXPECT_EQ(uri.find("X-Callgate-aaa"), std::string::npos);
  EXPECT_NE(uri.find("X-Callgate-zzz=kept"), std::string::npos);
}

TEST(TwilioTransferTest, WhisperSentences) {
  EXPECT_EQ(verdictSentence({{"authenticated", "True"},
                             {"authMethod", "SmsOtp"},
                             {"firstName", "Ada"},
                             {"lastName", "Lovelace"},
                             {"custLevel", "Gold"}}),
            "callgate: caller verified by text message PIN. Ada Lovelace. Level Gold.");
  EXPECT_EQ(verdictSentence({{"authenticated", "True"}, {"authMethod", "CallerId"}}),
            "callgate: caller verified by caller ID.");
  EXPECT_EQ(verdictSentence({{"authenticated", "False"}, {"recordFound", "True"}}),
            "callgate: caller not verified. The number is on record.");
  EXPECT_EQ(verdictSentence({}), "callgate: caller not verified.");
}

}  // namespace
}  // namespace callgate::twilio_voice
