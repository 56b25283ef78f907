// CallRun and a flow's transfer to a phone number (TransferParticipantToThirdParty): a REFER to
// [sip] number_uri with the number filled in and no verdict headers, or an apology when callgate
// has nowhere to send it; the flow's voice is only logged (SIP has one voice).
#include <gtest/gtest.h>

#include "unit/channels/sip_voice/sip_voice_call_run_support.h"

namespace callgate::sip_voice {
namespace {

using namespace callgate::sip_voice::testing;  // NOLINT: test file

constexpr const char* kTransferFlow = R"({
  "Version": "2019-10-30", "StartAction": "voice",
  "Actions": [
    {"Identifier": "voice", "Type": "UpdateContactTextToSpeechVoice",
     "Parameters": {"TextToSpeechVoice": "Joanna"}, "Transitions": {"NextAction": "auth"}},
    {"Identifier": "auth", "Type": "UpdateContactAttributes",
     "Parameters": {"Attributes": {"authenticated": "True"}}, "Transitions": {"NextAction": "say"}},
    {"Identifier": "say", "Type": "MessageParticipant",
     "Parameters": {"Text": "Connecting you."}, "Transitions": {"NextAction": "xfer"}},
    {"Identifier": "xfer", "Type": "TransferParticipantToThirdParty",
     "Parameters": {"ThirdPartyPhoneNumber": "+14155552671",
                    "ThirdPartyConnectionTimeLimitSeconds": "20",
                    "ThirdPartyDTMFDigits": "12"},
     "Transitions": {"NextAction": "end", "Errors": [{"ErrorType": "NoMatchingError",
                                                     "NextAction": "end"}]}},
    {"Identifier": "end", "Type": "DisconnectParticipant", "Parameters": {}, "Transitions": {}}
  ]})";

TEST_F(CallRunTest, ATransferToANumberIsReferredToTheGatewayWithoutTheVerdict) {
  sipOptions_.numberUri = "sip:{number}@gateway.example.com;user=phone";
  call(kUnknown, Attestation::kNone, loadFlowText(kTransferFlow));
  ASSERT_TRUE(media_->playing());
  EXPECT_EQ(spoken_.back(), "Connecting you.");
  endPlay();
  EXPECT_EQ(leg_->referTarget, "sip:+14155552671@gateway.example.com;user=phone");
  EXPECT_TRUE(leg_->referHeaders.empty()) << "the third party is not an agent";
  run_->transferOutcome({true, 200});
  settle();
  EXPECT_EQ(leg_->hangups, 1);
}

TEST_F(CallRunTest, WithoutANumberUriTheTransferApologisesAndHangsUp) {
  call(kUnknown, Attestation::kNone, loadFlowText(kTransferFlow));
  endPlay();
  EXPECT_TRUE(leg_->referTarget.empty());
  ASSERT_TRUE(media_->playing());
  EXPECT_NE(spoken_.back().find("cannot connect your call"), std::string::npos);
  endPlay();
  EXPECT_EQ(leg_->hangups, 1);
}

TEST_F(CallRunTest, ANumberThatDoesNotAnswerApologisesAndHangsUp) {
  sipOptions_.numberUri = "sip:{number}@gateway.example.com";
  call(kUnknown, Attestation::kNone, loadFlowText(kTransferFlow));
  endPlay();
  ASSERT_FALSE(leg_->referTarget.empty());
  run_->transferOutcome({false, 486});
  settle();
  ASSERT_TRUE(media_->playing());
  EXPECT_NE(spoken_.back().find("cannot connect your call"), std::string::npos);
  endPlay();
  EXPECT_EQ(leg_->hangups, 1);
}

}  // namespace
}  // namespace callgate::sip_voice
