// CallRun: one SIP call through a flow, with a scripted media session and SIP leg, the shipped
// flow and the real built-in functions over in-memory fakes. Prompts, digits, functions,
// transfer by REFER, barge-in and type-ahead, timeouts, a refused REFER, and a caller who hangs
// up while a function is running.
#include <gtest/gtest.h>

#include "unit/channels/sip_voice/sip_voice_call_run_support.h"

namespace callgate::sip_voice {
namespace {

using namespace callgate::sip_voice::testing;  // NOLINT: test file

TEST_F(CallRunTest, UnknownCallerKeysTheSmsPinAndIsReferredWithTheVerdict) {
  random_.scriptDigits("123456");
  call(kUnknown, Attestation::kNone);
  ASSERT_EQ(sms_.sent.size(), 1u);
  EXPECT_EQ(sms_.sent[0].to, kUnknown);
  ASSERT_TRUE(media_->playing());
  EXPECT_NE(spoken_.back().find("We have sent a one-time PIN"), std::string::npos);
  endPlay();
  press("123456#");
  // "Hello ..., thank you for calling." then the transfer.
  ASSERT_TRUE(media_->playing());
  endPlay();
  EXPECT_EQ(leg_->referTarget, "sip:agents@pbx.example.com");
  EXPECT_EQ(leg_->header("X-Callgate-Auth"), "True");
  EXPECT_EQ(leg_->header("X-Callgate-Auth-Method"), "SmsOtp");
  EXPECT_EQ(leg_->hangups, 0);
  run_->transferOutcome({true, 200});
  settle();
  EXPECT_EQ(leg_->hangups, 1);  // our leg ends once the agent has the call
  run_->ended(sip::EndReason::kWeHungUp);
  settle();
  EXPECT_TRUE(media_->closed);
  EXPECT_TRUE(finished_);
}

TEST_F(CallRunTest, ACachedPromptPlaysAtOnceAndAnUncachedOneIsRendered) {
  // Cached audio starts from the call's own thread; a miss goes to the renderer as before.
  std::vector<std::string> asked;
  sipOptions_.cachedPrompt = [&asked](const flow::PlayPrompt& p,
                                      const std::string& language) -> audio::AudioPtr {
    asked.push_back(p.text);
    EXPECT_EQ(language, "en-US");
    if (p.text.find("We have sent") == std::string::npos) return nullptr;
    auto audio = std::make_shared<audio::Audio>();
    audio->samples.assign(320, 1000);  // the renderer's clips have 160 samples
    return audio;
  };
  random_.scriptDigits("123456");
  call(kUnknown, Attestation::kNone);
  ASSERT_TRUE(media_->playing());
  ASSERT_FALSE(asked.empty());
  EXPECT_NE(asked.back().find("We have sent"), std::string::npos);
  EXPECT_EQ(media_->texts.back(), 320u);
  for (const auto& text : spoken_) EXPECT_EQ(text.find("We have sent"), std::string::npos);
  endPlay();
  press("123456#");
  ASSERT_TRUE(media_->playing());
  EXPECT_EQ(spoken_.back(), asked.back());  // not cached: rendered
  EXPECT_EQ(media_->texts.back(), 160u);
  endPlay();
  EXPECT_EQ(leg_->header("X-Callgate-Auth"), "True");
}

TEST_F(CallRunTest, TheConfirmedMediaReachesTheSessionBeforeTheFirstPrompt) {
  rtp::MediaParams media;
  media.remoteAddress = "127.0.0.1";
  media.remotePort = 40002;
  media.confirmed = true;
  call(kUnknown, Attestation::kNone, nullptr, media);
  ASSERT_EQ(media_->updates.size(), 1u);
  EXPECT_TRUE(media_->updates[0].confirmed);
  EXPECT_EQ(media_->updates[0].remotePort, 40002);
  EXPECT_EQ(media_->playsAtUpdate[0], 0);
  EXPECT_EQ(media_->plays, 1);
}

TEST_F(CallRunTest, AttestedKnownCallerGoesStraightToTheAgentWithCustomerAttributes) {
  addCustomer(kKnown, "Ada");
  call(kKnown, Attestation::kA);
  EXPECT_TRUE(sms_.sent.empty());
  ASSERT_TRUE(media_->playing());
  EXPECT_EQ(spoken_.back(), "Hello Ada, thank you for calling.");
  endPlay();
  EXPECT_EQ(leg_->header("X-Callgate-Auth"), "True");
  EXPECT_EQ(leg_->header("X-Callgate-Auth-Method"), "CallerId");
  EXPECT_EQ(leg_->header("X-Callgate-firstName"), "Ada");
}

TEST_F(CallRunTest, KeysPressedDuringThePromptBargeInAndCount) {
  random_.scriptDigits("654321");
  call(kUnknown, Attestation::kNone);
  ASSERT_TRUE(media_->playing());
  press("654321#");  // while "We have sent ..." plays
  EXPECT_FALSE(media_->playing() && spoken_.back().find("We have sent") != std::string::npos);
  endPlay();  // the greeting
  EXPECT_EQ(leg_->header("X-Callgate-Auth"), "True");
}

TEST_F(CallRunTest, NoInputWithinTheFlowsTimeLimitIsATimeout) {
  const auto f = loadFlowText(R"({
    "Version": "2019-10-30", "StartAction": "ask",
    "Actions": [
      {"Identifier": "ask", "Type": "GetParticipantInput",
       "Parameters": {"Text": "Press a key.", "InputTimeLimitSeconds": "1", "StoreInput": "True",
                      "InputValidation": {"CustomValidation": {"MaximumLength": "4"}}},
       "Transitions": {"NextAction": "bye", "Errors": [
         {"NextAction": "late", "ErrorType": "InputTimeLimitExceeded"},
         {"NextAction": "bye", "ErrorType": "NoMatchingError"}]}},
      {"Identifier": "late", "Type": "MessageParticipant", "Parameters": {"Text": "Too late."},
       "Transitions": {"NextAction": "bye", "Errors": [{"NextAction": "bye", "ErrorType": "NoMatchingError"}]}},
      {"Identifier": "bye", "Type": "DisconnectParticipant", "Parameters": {}, "Transitions": {}}
    ]})");
  call(kUnknown, Attestation::kNone, f);
  endPlay();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (!media_->playing() && std::chrono::steady_clock::now() < deadline) settle();
  ASSERT_TRUE(media_->playing());
  EXPECT_EQ(spoken_.back(), "Too late.");
  endPlay();
  EXPECT_EQ(leg_->hangups, 1);
}

TEST_F(CallRunTest, ARefusedReferApologisesAndHangsUp) {
  addCustomer(kKnown, "Ada");
  call(kKnown, Attestation::kA);
  endPlay();
  ASSERT_FALSE(leg_->referTarget.empty());
  run_->transferOutcome({false, 403});
  settle();
  ASSERT_TRUE(media_->playing());
  EXPECT_NE(spoken_.back().find("cannot connect your call"), std::string::npos);
  endPlay();
  EXPECT_EQ(leg_->hangups, 1);
}

TEST_F(CallRunTest, ACallerWhoHangsUpEndsTheCallOnceAndNothingRunsAfterwards) {
  random_.scriptDigits("123456");
  call(kUnknown, Attestation::kNone);
  run_->ended(sip::EndReason::kCallerHungUp);
  settle();
  EXPECT_TRUE(media_->closed);
  EXPECT_TRUE(finished_);
  const int plays = media_->plays;
  press("123456#");
  EXPECT_EQ(media_->plays, plays);
  EXPECT_TRUE(leg_->referTarget.empty());
  EXPECT_EQ(leg_->hangups, 0);
}

}  // namespace
}  // namespace callgate::sip_voice
