// A flow's transfer to a phone number on Twilio: <Dial><Number> with the block's ring time, caller
// ID and DTMF digits and no verdict; and the flow's text-to-speech voice as Twilio's Polly voice.
#include <gtest/gtest.h>

#include "channels/twilio_voice/voice_turn.h"
#include "unit/channels/twilio_voice/twilio_voice_test_support.h"

namespace callgate::twilio_voice {
namespace {

using namespace callgate::twilio_voice::testing;  // NOLINT: test file

class TwilioTransferNumberTest : public ::testing::Test {
 protected:
  Turn run(const std::string& voiceParams, const std::string& transferParams) {
    const std::string flow = R"({"Version": "2019-10-30", "StartAction": "voice", "Actions": [
      {"Identifier": "voice", "Type": "UpdateContactTextToSpeechVoice",
       "Parameters": )" + voiceParams +
                             R"(, "Transitions": {"NextAction": "say"}},
      {"Identifier": "say", "Type": "MessageParticipant", "Parameters": {"Text": "One moment."},
       "Transitions": {"NextAction": "xfer"}},
      {"Identifier": "xfer", "Type": "TransferParticipantToThirdParty",
       "Parameters": )" + transferParams +
                             R"(, "Transitions": {}}]})";
    flow::Session session(loadFlowText(flow), flow::CallInfo{});
    TurnRunner runner(functions_, options_);
    return runner.run(session, session.start(), {"CA1", Attestation::kNone, kBase, 1, "", "", {}});
  }
  FunctionRegistry functions_;
  VoiceOptions options_;
};

TEST_F(TwilioTransferNumberTest, DialsTheNumberWithRingTimeCallerIdAndDigits) {
  options_.voice = "alice";
  const Turn turn = run(R"({"TextToSpeechVoice": "Joanna", "TextToSpeechEngine": "neural"})",
                        R"({"ThirdPartyPhoneNumber": "+14155552671",
                            "ThirdPartyConnectionTimeLimitSeconds": "2",
                            "ThirdPartyDTMFDigits": "1,2",
                            "CallerId": {"Number": "+18005550100"}})");
  EXPECT_EQ(turn.end, Turn::End::kTransferred);
  EXPECT_EQ(turn.outcome, "transfer-number");
  EXPECT_TRUE(turn.agentAttributes.empty());
  EXPECT_NE(turn.twiml.find("<Say voice=\"Polly.Joanna-Neural\" language=\"en-US\">One "
                            "moment.</Say>"),
            std::string::npos)
      << turn.twiml;
  // Twilio rings for at least 5 s; a ',' pause is one second (ww).
  EXPECT_NE(turn.twiml.find("<Dial action=\"" + std::string(kBase) +
                            "/status\" method=\"POST\" timeout=\"5\" callerId=\"+18005550100\">"
                            "<Number sendDigits=\"1ww2\">+14155552671</Number></Dial>"),
            std::string::npos)
      << turn.twiml;
}

TEST_F(TwilioTransferNumberTest, AVoiceTwilioCannotNameKeepsTheChannelsVoice) {
  options_.voice = "alice";
  const Turn turn =
      run(R"({"TextToSpeechVoice": "Léa"})", R"({"ThirdPartyPhoneNumber": "+14155552671"})");
  EXPECT_NE(turn.twiml.find("<Say voice=\"alice\""), std::string::npos) << turn.twiml;
  EXPECT_NE(turn.twiml.find("timeout=\"30\">"), std::string::npos) << turn.twiml;
  EXPECT_EQ(turn.twiml.find("callerId"), std::string::npos) << turn.twiml;
}

}  // namespace
}  // namespace callgate::twilio_voice
