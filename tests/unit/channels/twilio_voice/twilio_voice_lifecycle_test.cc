// The Twilio voice channel across a reload (SIGHUP) and a drain (SIGTERM): a parked call keeps the
// flow version it started with, new calls get the new one; a draining node refuses new calls the
// way Twilio documents (<Reject>) and finishes the ones in progress.
#include <gtest/gtest.h>

#include "channels/twilio_voice/voice_runtime.h"
#include "unit/channels/twilio_voice/twilio_voice_test_support.h"

namespace callgate::twilio_voice {
namespace {

using namespace callgate::twilio_voice::testing;  // NOLINT: test file

constexpr const char* kFirst = "CA00000000000000000000000000000001";
constexpr const char* kSecond = "CA00000000000000000000000000000002";

// A one-prompt flow saying `text`, then hanging up.
std::shared_ptr<const flow::Flow> sayingFlow(const std::string& text) {
  return loadFlowText(R"({"Version":"2019-10-30","StartAction":"say","Actions":[
    {"Identifier":"say","Type":"MessageParticipant","Parameters":{"Text":")" +
                      text + R"("},"Transitions":{"NextAction":"end"}},
    {"Identifier":"end","Type":"DisconnectParticipant","Parameters":{},"Transitions":{}}]})");
}

class TwilioVoiceLifecycleTest : public VoiceFixture {
 protected:
  VoiceReply callIn(const char* sid) {
    VoiceReply r = runtime_->incoming(webhook(sid, {}, kUnknown), kBase);
    EXPECT_EQ(r.status, 200) << r.body;
    return r;
  }
  VoiceReply keyCode(const std::string& session, const char* sid) {
    const std::string code = sms_.sent.back().body.substr(sms_.sent.back().body.size() - 6);
    return runtime_->gather(session, 1, webhook(sid, {{"Digits", code}}, kUnknown), kBase);
  }
  // The shipped flow's name now runs `flow` for new calls.
  void reloadWith(std::shared_ptr<const flow::Flow> flow) {
    flow::FlowCatalog next;
    next.defaultFlow = kShippedFlow;
    next.byName[kShippedFlow] = std::move(flow);
    runtime_->flowSource().replace(std::move(next));
  }
};

TEST_F(TwilioVoiceLifecycleTest, AParkedCallKeepsItsFlowAcrossAReload) {
  build();
  const VoiceReply first = callIn(kFirst);
  const std::string session = sessionIdIn(first.body);
  ASSERT_FALSE(session.empty()) << first.body;

  reloadWith(sayingFlow("This is the new flow."));
  // The call in progress goes on with the flow it started with.
  const VoiceReply next = keyCode(session, kFirst);
  EXPECT_NE(next.body.find("Hello New, thank you for calling."), std::string::npos) << next.body;
  // A new call gets the new flow.
  const VoiceReply fresh = callIn(kSecond);
  EXPECT_NE(fresh.body.find("This is the new flow."), std::string::npos) << fresh.body;
}

TEST_F(TwilioVoiceLifecycleTest, AParkedCallWhoseFlowVersionIsNoLongerKeptEndsPolitely) {
  build();
  const std::string session = sessionIdIn(callIn(kFirst).body);
  for (size_t i = 0; i <= flow::FlowCatalogSource::kKeepSuperseded; ++i) {
    reloadWith(sayingFlow("Version " + std::to_string(i) + "."));
  }
  const VoiceReply next = keyCode(session, kFirst);
  EXPECT_NE(next.body.find("Sorry, something went wrong with this call."), std::string::npos)
      << next.body;
  EXPECT_TRUE(sessions_.rows.empty());
  EXPECT_EQ(runtime_->activeCalls(), 0u);
}

TEST_F(TwilioVoiceLifecycleTest, DrainingRefusesNewCallsAndFinishesThoseInProgress) {
  build();
  const std::string session = sessionIdIn(callIn(kFirst).body);
  EXPECT_EQ(runtime_->activeCalls(), 1u);

  runtime_->drain();
  const size_t sent = sms_.sent.size();
  const VoiceReply refused = callIn(kSecond);
  EXPECT_NE(refused.body.find("<Reject reason=\"busy\"/>"), std::string::npos) << refused.body;
  EXPECT_EQ(sms_.sent.size(), sent) << "a refused call runs nothing";
  EXPECT_EQ(sessions_.rows.size(), 1u);
  // A retried webhook of the call in progress is still its own (a replay, not a refusal).
  EXPECT_EQ(callIn(kFirst).body.find("Reject"), std::string::npos);

  const VoiceReply next = keyCode(session, kFirst);
  EXPECT_NE(next.body.find("<Dial"), std::string::npos) << next.body;
  // Transferred: its flow is over, but the whisper and <Dial> status still come for a while.
  EXPECT_EQ(runtime_->activeCalls(), 1u);
  clock_.advance(TwilioVoiceRuntime::kTransferGrace + Seconds(1));
  EXPECT_EQ(runtime_->activeCalls(), 0u);
}

TEST_F(TwilioVoiceLifecycleTest, ACallThatHangsUpIsNoLongerInProgress) {
  build();
  callIn(kFirst);
  ASSERT_EQ(runtime_->activeCalls(), 1u);
  FormPairs done{{"CallSid", kFirst}, {"CallStatus", "completed"}};
  runtime_->callStatus(*parseVoiceWebhook(done));
  EXPECT_EQ(runtime_->activeCalls(), 0u);
}

TEST_F(TwilioVoiceLifecycleTest, ASilentCallStopsCountingAfterTheIdleBound) {
  build();
  callIn(kFirst);
  clock_.advance(TwilioVoiceRuntime::kIdleBound + Seconds(1));
  EXPECT_EQ(runtime_->activeCalls(), 0u);
}

}  // namespace
}  // namespace callgate::twilio_voice
