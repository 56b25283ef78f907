// The Twilio voice channel with the database away. Twilio turns a 5xx into "an application error
// has occurred" for the caller, so every webhook still answers TwiML: the incoming call and each
// Gather tell the caller and dial the agent unauthenticated (or say there is no agent and hang
// up), at the start of a call, after the code was sent, and when a step cannot be saved; the
// whisper and the status callbacks answer too. Nothing claims the caller was verified.
#include <gtest/gtest.h>

#include "channels/common/fail_safe.h"
#include "channels/twilio_voice/voice_runtime.h"
#include "fakes/failing_stores.h"
#include "unit/channels/common/log_capture.h"
#include "unit/channels/twilio_voice/twilio_voice_test_support.h"

namespace callgate::twilio_voice {
namespace {

using namespace callgate::twilio_voice::testing;  // NOLINT: test file

constexpr const char* kCall = "CA00000000000000000000000000000001";
constexpr const char* kUnverifiedSip =
    "<Sip>sip:agents@pbx.example.com?X-Callgate-Auth=False&amp;X-Callgate-Auth-Method=None</Sip>";

class TwilioStoreOutageTest : public VoiceFixture {
 protected:
  TwilioStoreOutageTest()
      : customersDown_(customers_, dbOutage_),
        challengesDown_(challenges_, dbOutage_),
        sessionsDown_(sessions_, sessionsOutage_) {
    OtpDeps deps{customersDown_, challengesDown_, sms_, hasher_, random_, clock_, audit_, {}};
    functions_.add(std::make_unique<LookupCaller>(customersDown_, CallerIdTrust::kAttested));
    functions_.add(std::make_unique<SendOtp>(deps));
    functions_.add(std::make_unique<VerifyOtp>(deps, ledger_));
  }

  // As VoiceFixture::build, over the failing session store.
  TwilioVoiceRuntime& start(std::shared_ptr<const flow::Flow> f = nullptr) {
    VoiceFlows flows;
    flows.defaultFlow = kShippedFlow;
    flows.byName[kShippedFlow] = f ? f : loadFlowText(readSourceFile(kShippedFlow));
    runtime_ = std::make_unique<TwilioVoiceRuntime>(std::move(flows), options_, sessionsDown_,
                                                    *cipher_, functions_, clock_, random_);
    return *runtime_;
  }
  void databaseDown() {
    dbOutage_.goDown();
    sessionsOutage_.goDown();
  }
  VoiceReply callIn(const std::string& from, const FormPairs& extra = {}) {
    VoiceReply r = runtime_->incoming(webhook(kCall, extra, from), kBase);
    session_ = sessionIdIn(r.body);
    return r;
  }
  VoiceReply gather(const FormPairs& input, int64_t step = 1) {
    return runtime_->gather(session_, step, webhook(kCall, input), kBase);
  }
  // A valid fail-safe answer: 200, told, dialled unauthenticated, and no verdict beyond that.
  static void expectFailSafe(const VoiceReply& r) {
    EXPECT_EQ(r.status, 200);
    EXPECT_TRUE(r.body.starts_with("<?xml")) << r.body;
    EXPECT_NE(r.body.find(std::string(kCannotVerifyText)), std::string::npos) << r.body;
    EXPECT_NE(r.body.find(kUnverifiedSip), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find("Auth=True"), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find("<Gather"), std::string::npos) << r.body;
    EXPECT_NE(r.logFields.find("outcome=fail-safe"), std::string::npos) << r.logFields;
  }
  void expectNoSuccessAudited() const {
    EXPECT_FALSE(audit_.has("otp_verified"));
    EXPECT_FALSE(audit_.has("customer_enrolled"));
  }

  StoreOutage dbOutage_;        // what the functions read and write
  StoreOutage sessionsOutage_;  // the parked calls (the same database in production)
  FailingCustomerStore customersDown_;
  FailingChallengeStore challengesDown_;
  FailingVoiceSessionStore sessionsDown_;
  std::string session_;
};

TEST_F(TwilioStoreOutageTest, AnIncomingCallIsToldAndDialledUnauthenticated) {
  start();
  addCustomer(kKnown, "Ada");
  databaseDown();
  LogCapture log;
  VoiceReply r = callIn(kKnown, {{"StirVerstat", "TN-Validation-Passed-A"}});
  expectFailSafe(r);
  EXPECT_TRUE(sms_.sent.empty());
  EXPECT_TRUE(sessions_.rows.empty());  // nothing parked
  EXPECT_EQ(log.lines("event=twilio_store_unavailable"), 1) << log.text();
  EXPECT_EQ(log.lines("op=find code=unavailable"), 1) << log.text();
  EXPECT_FALSE(log.contains("5550100")) << log.text();
  // The Dial's callbacks come back to a session that was never stored, and still answer.
  ASSERT_EQ(session_.size(), 22u);
  sessionsOutage_.comeBack();
  VoiceReply whisper = runtime_->whisper(session_, webhook("CA99", {{"ParentCallSid", kCall}}));
  EXPECT_NE(whisper.body.find("callgate has no verdict for this call."), std::string::npos);
  VoiceReply end =
      runtime_->sessionStatus(session_, webhook(kCall, {{"DialCallStatus", "completed"}}));
  EXPECT_EQ(end.status, 200);
  EXPECT_NE(end.body.find("<Hangup/>"), std::string::npos);
}

TEST_F(TwilioStoreOutageTest, WithoutAnAgentTheCallerIsToldAndHungUpOn) {
  options_.queues.clear();
  start();
  databaseDown();
  VoiceReply r = callIn(kUnknown);
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find(std::string(kCannotVerifyNoAgentText)), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("<Hangup/>"), std::string::npos);
  EXPECT_EQ(r.body.find("<Dial"), std::string::npos);
}

TEST_F(TwilioStoreOutageTest, ADefaultAgentTakesTheFailSafeWhenSeveralQueuesAreConfigured) {
  options_.queues["Sales"] = AgentTarget{AgentTarget::Kind::kNumber, "+14155550998"};
  options_.defaultAgent = AgentTarget{AgentTarget::Kind::kNumber, "+14155550999"};
  start();
  databaseDown();
  VoiceReply r = callIn(kUnknown);
  EXPECT_NE(r.body.find("+14155550999</Number></Dial>"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("/whisper"), std::string::npos);
}

TEST_F(TwilioStoreOutageTest, TheDatabaseGoingAwayAfterTheCodeWasSentNeverAuthenticates) {
  start();
  random_.scriptDigits("123456");
  ASSERT_EQ(callIn(kUnknown).status, 200);
  ASSERT_EQ(sms_.sent.size(), 1u);
  ASSERT_EQ(session_.size(), 22u);
  databaseDown();
  expectFailSafe(gather({{"Digits", "123456"}}));
  EXPECT_FALSE(customers_.rows.count(kUnknown));
  expectNoSuccessAudited();
}

TEST_F(TwilioStoreOutageTest, AFailingVerifyTakesTheFlowsErrorBranch) {
  start();
  random_.scriptDigits("123456");
  callIn(kUnknown);
  dbOutage_.goDown();  // the parked call is readable; the code cannot be checked
  VoiceReply r = gather({{"Digits", "123456"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("we could not check your PIN"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("X-Callgate-Auth=False"), std::string::npos) << r.body;
  EXPECT_FALSE(customers_.rows.count(kUnknown));
  expectNoSuccessAudited();
}

TEST_F(TwilioStoreOutageTest, AStepThatCannotBeSavedWhileWaitingGoesToTheAgentNow) {
  start();
  random_.scriptDigits("123456");
  callIn(kUnknown);
  // The gather finds the call (1) and claims the step (2); saving the next Gather fails.
  sessionsOutage_.failAfter(2);
  LogCapture log;
  VoiceReply r = gather({{"Digits", "000000"}});
  expectFailSafe(r);
  EXPECT_EQ(r.body.find("That PIN is not correct."), std::string::npos);
  EXPECT_EQ(log.lines("op=save code=unavailable"), 1) << log.text();
}

TEST_F(TwilioStoreOutageTest, AFlowWithoutAnErrorBranchIsDialledFailSafe) {
  start(loadFlowText(callgate::testing::kNoErrorBranchFlow));
  addCustomer(kKnown, "Ada");
  dbOutage_.goDown();
  LogCapture log;
  VoiceReply r = callIn(kKnown, {{"StirVerstat", "TN-Validation-Passed-A"}});
  expectFailSafe(r);
  EXPECT_EQ(log.lines("event=call_fail_safe"), 1) << log.text();
  // The call is parked as transferred, with the unverified verdict for the whisper.
  sessionsOutage_.comeBack();
  ASSERT_EQ(sessions_.rows.size(), 1u);
  VoiceReply whisper = runtime_->whisper(session_, webhook("CA99", {{"ParentCallSid", kCall}}));
  EXPECT_NE(whisper.body.find("callgate: caller not verified."), std::string::npos) << whisper.body;
}

TEST_F(TwilioStoreOutageTest, WhisperAndStatusCallbacksAnswerWithoutTheStore) {
  options_.queues["Agents"] = AgentTarget{AgentTarget::Kind::kNumber, "+14155550999"};
  start();
  addCustomer(kKnown, "Ada");
  callIn(kKnown, {{"StirVerstat", "TN-Validation-Passed-A"}});
  ASSERT_EQ(sessions_.rows.size(), 1u);
  sessionsOutage_.goDown();
  // The verdict cannot be read: the agent hears the unverified one.
  VoiceReply whisper = runtime_->whisper(session_, webhook("CA99", {{"ParentCallSid", kCall}}));
  EXPECT_EQ(whisper.status, 200);
  EXPECT_NE(whisper.body.find("callgate: caller not verified."), std::string::npos) << whisper.body;
  VoiceReply noAnswer =
      runtime_->sessionStatus(session_, webhook(kCall, {{"DialCallStatus", "no-answer"}}));
  EXPECT_EQ(noAnswer.status, 200);
  EXPECT_NE(noAnswer.body.find("Sorry, no agent could take your call"), std::string::npos);
  const FormPairs done{{"CallSid", kCall}, {"CallStatus", "completed"}};
  VoiceReply status = runtime_->callStatus(*parseVoiceWebhook(done));
  EXPECT_EQ(status.status, 200);
  // Back again: the call is still parked, and cleaned up by the next callback.
  sessionsOutage_.comeBack();
  EXPECT_EQ(sessions_.rows.size(), 1u);
  EXPECT_EQ(runtime_->callStatus(*parseVoiceWebhook(done)).status, 200);
  EXPECT_TRUE(sessions_.rows.empty());
}

}  // namespace
}  // namespace callgate::twilio_voice
