// GetParticipantInput's SpeechInput parameter: off unless enabled, lengths bounded by the input's
// own limit and the spoken-digit cap, clear load errors, and the options reach CollectDigits.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/core/flow/flow_test_util.h"

namespace callgate::flow {
namespace {

using namespace callgate::flow::flowtest;  // NOLINT: test file
using ::testing::HasSubstr;

Json input(const std::string& maxLength, Json speech) {
  Json params{{"Text", "Say or enter your user ID"},
              {"StoreInput", "True"},
              {"InputValidation", {{"CustomValidation", {{"MaximumLength", maxLength}}}}}};
  if (!speech.is_null()) params["SpeechInput"] = std::move(speech);
  return action(
      "in", "GetParticipantInput", params,
      {{"NextAction", "end"}, {"Errors", Json::array({errorBranch("NoMatchingError", "end")})}});
}

CollectDigits firstCollect(const Json& block) {
  auto flow = mustLoad({block, hangUp()});
  if (!flow) return {};
  Session session(flow, testCall());
  return as<CollectDigits>(session.start());
}

TEST(SpeechInputTest, OffUnlessTheFlowEnablesIt) {
  EXPECT_FALSE(firstCollect(input("8", nullptr)).speech.enabled);
  EXPECT_FALSE(firstCollect(input("8", {{"Enabled", "False"}})).speech.enabled);
}

TEST(SpeechInputTest, LengthsDefaultToOneThroughTheInputsMaximum) {
  CollectDigits c = firstCollect(input("10", {{"Enabled", "True"}}));
  EXPECT_TRUE(c.speech.enabled);
  EXPECT_EQ(c.speech.minDigits, 1);
  EXPECT_EQ(c.speech.maxDigits, 10);
  EXPECT_FALSE(c.speech.alwaysConfirm);
}

TEST(SpeechInputTest, ExactLengthAndAlwaysConfirm) {
  CollectDigits c = firstCollect(input(
      "10",
      {{"Enabled", "True"}, {"MinimumLength", "8"}, {"MaximumLength", 8}, {"Confirm", "Always"}}));
  EXPECT_EQ(c.speech.minDigits, 8);
  EXPECT_EQ(c.speech.maxDigits, 8);
  EXPECT_TRUE(c.speech.alwaysConfirm);
  EXPECT_EQ(c.maxDigits, 10);  // keys keep the input's own limit
}

TEST(SpeechInputTest, AMenuTakesOneSpokenDigit) {
  Json menu = action("menu", "GetParticipantInput",
                     {{"Text", "Say or press 1"}, {"SpeechInput", {{"Enabled", "True"}}}},
                     {{"Conditions", Json::array({condition("Equals", "1", "end")})},
                      {"Errors", Json::array({errorBranch("NoMatchingCondition", "end")})}});
  CollectDigits c = firstCollect(menu);
  EXPECT_TRUE(c.speech.enabled);
  EXPECT_EQ(c.speech.minDigits, 1);
  EXPECT_EQ(c.speech.maxDigits, 1);
}

TEST(SpeechInputTest, RejectsBadValuesNamingTheAction) {
  EXPECT_THAT(loadError({input("8", {{"Enabled", "True"}, {"MaximumLength", "9"}}), hangUp()}),
              HasSubstr("action 'in' (GetParticipantInput): SpeechInput.MaximumLength must be 1 "
                        "to 8"));
  EXPECT_THAT(loadError({input("8", {{"Enabled", "True"}, {"MinimumLength", "0"}}), hangUp()}),
              HasSubstr("SpeechInput.MinimumLength must be 1 to 8"));
  EXPECT_THAT(
      loadError({input("8", {{"Enabled", "True"}, {"MinimumLength", "6"}, {"MaximumLength", "4"}}),
                 hangUp()}),
      HasSubstr("SpeechInput.MinimumLength must be 1 to 4"));
  EXPECT_THAT(loadError({input("8", {{"Enabled", "Yes please"}}), hangUp()}), HasSubstr("Enabled"));
  EXPECT_THAT(loadError({input("8", {{"Enabled", "True"}, {"Confirm", "Sometimes"}}), hangUp()}),
              HasSubstr("SpeechInput.Confirm must be Auto or Always, not 'Sometimes'"));
  EXPECT_THAT(loadError({input("8", {{"Enabled", "True"}, {"Grammar", "x"}}), hangUp()}),
              HasSubstr("SpeechInput.Grammar is not known"));
  EXPECT_THAT(loadError({input("8", "True"), hangUp()}), HasSubstr("SpeechInput"));
}

TEST(SpeechInputTest, LongInputsNeedASpokenMaximum) {
  EXPECT_THAT(loadError({input("20", {{"Enabled", "True"}}), hangUp()}),
              HasSubstr("SpeechInput.MaximumLength is required when the input allows more than "
                        "16 digits"));
  CollectDigits c = firstCollect(input("20", {{"Enabled", "True"}, {"MaximumLength", "12"}}));
  EXPECT_EQ(c.speech.maxDigits, 12);
  EXPECT_EQ(c.maxDigits, 20);
}

}  // namespace
}  // namespace callgate::flow
