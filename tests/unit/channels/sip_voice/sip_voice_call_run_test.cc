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
