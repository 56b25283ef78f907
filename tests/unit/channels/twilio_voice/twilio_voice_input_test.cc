// Speech on Twilio is the flow's choice per input and the channel's permission together: what
// the <Gather> offers, and how a transcript becomes the flow's input (or no input).
#include <gtest/gtest.h>

#include "channels/twilio_voice/voice_input.h"
#include "channels/twilio_voice/voice_turn.h"
#include "unit/channels/twilio_voice/twilio_voice_test_support.h"

namespace callgate::twilio_voice {
namespace {

using namespace callgate::twilio_voice::testing;  // NOLINT: test file

flow::CollectDigits collect(bool speech, int maxDigits = 8, int minSpoken = 8, int maxSpoken = 8) {
  flow::CollectDigits c;
  c.prompt.text = "Please say or enter your user id.";
  c.maxDigits = maxDigits;
  c.terminator = "#";
  c.timeoutSeconds = 7;
  c.speech.enabled = speech;
  c.speech.minDigits = minSpoken;
  c.speech.maxDigits = maxSpoken;
  return c;
}

VoiceWebhook answer(const FormPairs& pairs) { return webhook("CA1", pairs); }

// The digits of a DigitsCollected, "timeout" for InputTimedOut.
std::string heard(const flow::Event& e) {
  if (const auto* d = std::get_if<flow::DigitsCollected>(&e)) return d->digits;
  return std::holds_alternative<flow::InputTimedOut>(e) ? "timeout" : "other";
}

TEST(TwilioVoiceInputTest, SpeechNeedsBothTheFlowAndTheChannel) {
  EXPECT_TRUE(speechOffered(true, collect(true)));
  EXPECT_FALSE(speechOffered(false, collect(true)));
  EXPECT_FALSE(speechOffered(true, collect(false)));
  EXPECT_FALSE(speechOffered(false, collect(false)));
}

TEST(TwilioVoiceInputTest, KeysWinAndSpeechIsNormalised) {
  const auto c = collect(true);
  EXPECT_EQ(
      heard(inputEvent(answer({{"Digits", "12345678"}, {"SpeechResult", "nine"}}), c, true, "CA1")),
      "12345678");
  EXPECT_EQ(heard(inputEvent(answer({{"SpeechResult", "Five oh five seven, double two three one."},
                                     {"Confidence", "0.9"}}),
                             c, true, "CA1")),
            "50572231");
  EXPECT_EQ(heard(inputEvent(answer({}), c, true, "CA1")), "timeout");
  EXPECT_EQ(heard(inputEvent(answer({{"SpeechResult", ""}}), c, true, "CA1")), "timeout");
}

TEST(TwilioVoiceInputTest, SpeechWhereItWasNotOfferedIsNoInput) {
  const auto c = collect(false);
  EXPECT_EQ(heard(inputEvent(answer({{"SpeechResult", "one two three four five six seven eight"}}),
                             c, false, "CA1")),
            "timeout");
  // Keys are always the entry.
  EXPECT_EQ(heard(inputEvent(answer({{"Digits", "42"}}), c, false, "CA1")), "42");
}

TEST(TwilioVoiceInputTest, UnusableOrWrongLengthSpeechIsNoInput) {
  const auto c = collect(true, 8, 6, 8);
  EXPECT_EQ(heard(inputEvent(answer({{"SpeechResult", "I don't have it"}}), c, true, "CA1")),
            "timeout");
  // Shorter than speech.minDigits.
  EXPECT_EQ(
      heard(inputEvent(answer({{"SpeechResult", "one two three four five"}}), c, true, "CA1")),
      "timeout");
  // Longer than maxDigits.
  EXPECT_EQ(heard(inputEvent(answer({{"SpeechResult",
                                      "one two three four five six seven eight "
                                      "nine"}}),
                             c, true, "CA1")),
            "timeout");
  // Within min..max.
  EXPECT_EQ(
      heard(inputEvent(answer({{"SpeechResult", "one two three four five six"}}), c, true, "CA1")),
      "123456");
  EXPECT_EQ(heard(inputEvent(answer({{"SpeechResult", "triple one two two three three"}}), c, true,
                             "CA1")),
            "1112233");
  // The keypad limit caps the spoken one too.
  const auto narrow = collect(true, 4, 1, 8);
  EXPECT_EQ(
      heard(inputEvent(answer({{"SpeechResult", "one two three four five"}}), narrow, true, "CA1")),
      "timeout");
  EXPECT_EQ(
      heard(inputEvent(answer({{"SpeechResult", "one two three four"}}), narrow, true, "CA1")),
      "1234");
}

class TwilioGatherTest : public ::testing::Test {
 protected:
  std::string render(const flow::CollectDigits& c) {
    flow::Session session(loadFlowText(readSourceFile(kShippedFlow)), flow::CallInfo{});
    TurnRunner runner(functions_, options_);
    const Turn turn = runner.run(session, c, {"CA1", Attestation::kNone, kBase, 3, "", "", {}});
    EXPECT_EQ(turn.end, Turn::End::kWaiting);
    return turn.twiml;
  }
  FunctionRegistry functions_;
  VoiceOptions options_;
};

TEST_F(TwilioGatherTest, SpeechInputWhenTheFlowEnablesItAndTheChannelAllowsIt) {
  options_.speech = true;
  const std::string twiml = render(collect(true));
  EXPECT_NE(twiml.find("<Gather input=\"dtmf speech\" action=\"" + std::string(kBase) +
                       "/gather?step=3\" method=\"POST\" numDigits=\"8\" finishOnKey=\"#\" "
                       "timeout=\"7\" speechTimeout=\"2\" speechModel=\"numbers_and_commands\" "
                       "hints=\"zero, oh, one, two, three, four, five, six, seven, eight, nine, "
                       "double, triple\" language=\"en-US\">"),
            std::string::npos)
      << twiml;
}

TEST_F(TwilioGatherTest, KeysOnlyWhenEitherSideSaysNo) {
  options_.speech = true;  // the channel allows it, the flow does not enable it
  std::string twiml = render(collect(false));
  EXPECT_NE(twiml.find("<Gather input=\"dtmf\" "), std::string::npos) << twiml;
  EXPECT_EQ(twiml.find("speech"), std::string::npos) << twiml;
  EXPECT_EQ(twiml.find("hints"), std::string::npos) << twiml;
  options_.speech = false;  // the flow enables it, the channel does not allow it
  twiml = render(collect(true));
  EXPECT_NE(twiml.find("<Gather input=\"dtmf\" "), std::string::npos) << twiml;
  EXPECT_EQ(twiml.find("speech"), std::string::npos) << twiml;
}

}  // namespace
}  // namespace callgate::twilio_voice
