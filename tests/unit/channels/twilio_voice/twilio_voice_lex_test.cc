// A Lex bot block on Twilio: the <Gather> it answers with, and how Digits or SpeechResult become
// the intent.
#include <gtest/gtest.h>

#include "channels/twilio_voice/voice_input.h"
#include "channels/twilio_voice/voice_turn.h"
#include "core/flow/lex_bot.h"
#include "unit/channels/twilio_voice/twilio_voice_test_support.h"

namespace callgate::twilio_voice {
namespace {

using namespace callgate::twilio_voice::testing;  // NOLINT: test file

flow::RecognizeIntent recognizeIntent() {
  static const auto kBot = *flow::LexBot::parse(R"({"name": "Bank", "intents": [
      {"name": "CheckBalance", "dtmf": "1", "utterances": ["check my balance"]},
      {"name": "Account", "utterances": ["account {Number}"],
       "slots": [{"name": "Number", "type": "AMAZON.Number"}]}]})",
                                                "bank");
  flow::RecognizeIntent r;
  r.prompt.text = "How can I help?";
  r.bot = kBot;
  r.timeoutSeconds = 6;
  return r;
}

std::string intentOf(const flow::Event& e) {
  if (const auto* i = std::get_if<flow::IntentRecognized>(&e)) return i->intent;
  return std::holds_alternative<flow::InputTimedOut>(e) ? "timeout" : "other";
}

TEST(TwilioVoiceLexTest, SpeechResultAndDigitsBecomeTheIntent) {
  const auto r = recognizeIntent();
  EXPECT_EQ(
      intentOf(intentEvent(webhook("CA1", {{"SpeechResult", "Check my balance."}}), r, "CA1")),
      "CheckBalance");
  EXPECT_EQ(intentOf(intentEvent(webhook("CA1", {{"Digits", "1"}}), r, "CA1")), "CheckBalance");
  flow::Event account =
      intentEvent(webhook("CA1", {{"SpeechResult", "account four two"}}), r, "CA1");
  ASSERT_EQ(intentOf(account), "Account");
  EXPECT_EQ(std::get<flow::IntentRecognized>(account).slots.at("Number"), "42");
  EXPECT_EQ(intentOf(intentEvent(webhook("CA1", {{"SpeechResult", "sing a song"}}), r, "CA1")),
            "FallbackIntent");
  EXPECT_EQ(intentOf(intentEvent(webhook("CA1", {}), r, "CA1")), "timeout");
}

TEST(TwilioVoiceLexTest, GatherTakesKeysAndSpeechWithTheBotsWordsAsHints) {
  FunctionRegistry functions;
  VoiceOptions options;  // speech off for GetParticipantInput: a bot is spoken to regardless
  flow::Session session(loadFlowText(readSourceFile(kShippedFlow)), flow::CallInfo{});
  TurnRunner runner(functions, options);
  const Turn turn =
      runner.run(session, recognizeIntent(), {"CA1", Attestation::kNone, kBase, 4, "", "", {}});
  EXPECT_EQ(turn.end, Turn::End::kWaiting);
  EXPECT_NE(turn.twiml.find("<Gather input=\"dtmf speech\" action=\"" + std::string(kBase) +
                            "/gather?step=4\" method=\"POST\" finishOnKey=\"#\" timeout=\"6\" "
                            "speechTimeout=\"auto\" language=\"en-US\" "
                            "hints=\"account, balance, check, my\">"),
            std::string::npos)
      << turn.twiml;
  EXPECT_NE(turn.twiml.find("How can I help?"), std::string::npos) << turn.twiml;
  EXPECT_NE(turn.twiml.find("<Redirect method=\"POST\">"), std::string::npos) << turn.twiml;
}

}  // namespace
}  // namespace callgate::twilio_voice
