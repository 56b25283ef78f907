// The Twilio voice channel over the shipped flow with the real built-in functions on in-memory
// fakes: what TwiML each webhook gets, what is stored between requests, and that duplicates never
// advance a call twice.
#include <gtest/gtest.h>

#include "channels/twilio_voice/voice_runtime.h"
#include "unit/channels/twilio_voice/twilio_voice_test_support.h"

namespace callgate::twilio_voice {
namespace {

using namespace callgate::twilio_voice::testing;  // NOLINT: test file

constexpr const char* kCall = "CA00000000000000000000000000000001";

class TwilioVoiceRuntimeTest : public VoiceFixture {
 protected:
  // Incoming call from `from`; returns the TwiML and the session id.
  std::string callIn(const std::string& from, const FormPairs& extra = {},
                     const char* sid = kCall) {
    VoiceReply r = runtime_->incoming(webhook(sid, extra, from), kBase);
    EXPECT_EQ(r.status, 200) << r.body;
    session_ = sessionIdIn(r.body);
    return r.body;
  }
  VoiceReply gather(int64_t step, const FormPairs& input, const std::string& from = kUnknown,
                    const char* sid = kCall) {
    return runtime_->gather(session_, step, webhook(sid, input, from), kBase);
  }
  std::string gatherUrl(int64_t step) const {
    return std::string(kBase) + "/twilio/voice/" + session_ +
           "/gather?step=" + std::to_string(step);
  }
  std::string code() const {
    return sms_.sent.empty() ? "" : sms_.sent.back().body.substr(sms_.sent.back().body.size() - 6);
  }

  std::string session_;
};

TEST_F(TwilioVoiceRuntimeTest, UnknownCallerKeysTheSmsPinAndIsTransferredAuthenticated) {
  build();
  random_.scriptDigits("123456");
  const std::string first = callIn(kUnknown);
  ASSERT_EQ(session_.size(), 22u);
  ASSERT_EQ(sms_.sent.size(), 1u);
  EXPECT_EQ(sms_.sent[0].to, kUnknown);
  EXPECT_EQ(code(), "123456");
  EXPECT_EQ(first,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response>"
            "<Gather input=\"dtmf\" action=\"" +
                gatherUrl(1) +
                "\" method=\"POST\" numDigits=\"10\" "
                "finishOnKey=\"#\" timeout=\"10\"><Say language=\"en-US\">We have sent a one-time "
                "PIN to your "
                "phone by text message. Please say it, or enter it followed by the pound "
                "key.</Say></Gather>"
                "<Redirect method=\"POST\">" +
                gatherUrl(1) + "</Redirect></Response>\n");
  // Parked: version 1, the TwiML kept for replays, no PIN anywhere in it.
  ASSERT_EQ(sessions_.rows.size(), 1u);
  const VoiceSessionRecord& parked = sessions_.rows.begin()->second;
  EXPECT_EQ(parked.callSid, kCall);
  EXPECT_EQ(parked.version, 1);
  // Both columns are sealed; opened with the key they hold what was answered.
  EXPECT_TRUE(parked.state.starts_with("v1.")) << parked.state;
  EXPECT_TRUE(parked.response.starts_with("v1.")) << parked.response;
  auto saved = openResponse(*cipher_, parked);
  ASSERT_TRUE(saved.ok()) << saved.error().message();
  EXPECT_EQ(*saved, first);
  EXPECT_EQ(parked.flow, kShippedFlow);
  EXPECT_EQ(parked.expiresAt, clock_.now() + Seconds(7200));

  VoiceReply second = gather(1, {{"Digits", "123456"}});
  ASSERT_EQ(second.status, 200);
  EXPECT_NE(second.body.find("<Say language=\"en-US\">Hello New, thank you for calling.</Say>"),
            std::string::npos)
      << second.body;
  EXPECT_NE(second.body.find(
                "<Dial action=\"" + std::string(kBase) + "/twilio/voice/" + session_ +
                "/status\" method=\"POST\"><Sip>sip:agents@pbx.example.com?X-Callgate-Auth=True"
                "&amp;X-Callgate-Auth-Method=SmsOtp&amp;"),
            std::string::npos)
      << second.body;
  EXPECT_NE(second.body.find("X-Callgate-firstName=New"), std::string::npos);
  EXPECT_NE(second.body.find("X-Callgate-enrolled=True"), std::string::npos);
  EXPECT_EQ(second.body.find("123456"), std::string::npos);  // the PIN never reaches the agent
  EXPECT_TRUE(customers_.rows.count(kUnknown));              // enrolled after verifying
  EXPECT_NE(second.logFields.find("outcome=transfer"), std::string::npos);

  // Transferred: only the verdict is kept (for the whisper) until the Dial ends.
  ASSERT_EQ(sessions_.rows.size(), 1u);
  EXPECT_EQ(sessions_.rows.begin()->second.version, 2);
  EXPECT_EQ(sessions_.rows.begin()->second.state.find("123456"), std::string::npos);

  VoiceReply end =
      runtime_->sessionStatus(session_, webhook(kCall, {{"DialCallStatus", "completed"}}));
  EXPECT_EQ(end.status, 200);
  EXPECT_NE(end.body.find("<Hangup/>"), std::string::npos);
  EXPECT_TRUE(sessions_.rows.empty());
}

TEST_F(TwilioVoiceRuntimeTest, AReplayedGatherDoesNotAdvanceTwice) {
  build();
  random_.scriptDigits("123456");
  callIn(kUnknown);
  VoiceReply wrong = gather(1, {{"Digits", "000000"}});
  EXPECT_NE(wrong.body.find("That PIN is not correct."), std::string::npos);
  EXPECT_NE(wrong.body.find(gatherUrl(2)), std::string::npos);
  ASSERT_EQ(challenges_.rows.size(), 1u);
  EXPECT_EQ(challenges_.rows[0].attempts, 1);

  // Twilio retries the same request: the same answer, no second verification.
  VoiceReply again = gather(1, {{"Digits", "000000"}});
  EXPECT_EQ(again.body, wrong.body);
  EXPECT_NE(again.logFields.find("outcome=replay"), std::string::npos);
  EXPECT_EQ(challenges_.rows[0].attempts, 1);
  // Even with other digits: step 1 is answered.
  VoiceReply forged = gather(1, {{"Digits", "123456"}});
  EXPECT_EQ(forged.body, wrong.body);
  EXPECT_EQ(challenges_.rows[0].state, ChallengeState::kActive);
  EXPECT_EQ(sessions_.rows.begin()->second.version, 2);

  // The current step still works.
  VoiceReply right = gather(2, {{"Digits", "123456"}});
  EXPECT_NE(right.body.find("<Dial"), std::string::npos);
  EXPECT_EQ(challenges_.rows[0].state, ChallengeState::kVerified);
}

TEST_F(TwilioVoiceRuntimeTest, ADuplicateIncomingCallSendsOneSms) {
  build();
  random_.scriptDigits("123456");
  const std::string first = callIn(kUnknown);
  const std::string session = session_;
  const std::string again = callIn(kUnknown);
  EXPECT_EQ(again, first);
  EXPECT_EQ(session_, session);
  EXPECT_EQ(sms_.sent.size(), 1u);
  EXPECT_EQ(sessions_.rows.size(), 1u);
}

TEST_F(TwilioVoiceRuntimeTest, AnAttestedKnownCallerGoesStraightToTheAgent) {
  build();
  addCustomer(kKnown, "Ada", "en-GB");
  const std::string twiml = callIn(kKnown, {{"StirVerstat", "TN-Validation-Passed-A"}});
  EXPECT_TRUE(sms_.sent.empty());
  // The customer's language, once known, is the prompt language.
  EXPECT_NE(twiml.find("<Say language=\"en-GB\">Hello Ada, thank you for calling.</Say><Dial"),
            std::string::npos)
      << twiml;
  EXPECT_NE(twiml.find("X-Callgate-Auth=True&amp;X-Callgate-Auth-Method=CallerId"),
            std::string::npos);
  EXPECT_NE(twiml.find("X-Callgate-custLevel=Gold"), std::string::npos);
  EXPECT_NE(twiml.find("X-Callgate-language=en-GB"), std::string::npos);
}

TEST_F(TwilioVoiceRuntimeTest, WithoutAttestationAKnownCallerStepsUp) {
  build();
  addCustomer(kKnown, "Ada");
  for (const char* verstat :
       {"TN-Validation-Passed-B", "TN-Validation-Passed-A-Diverted", "No-TN-Validation"}) {
    SCOPED_TRACE(verstat);
    const std::string sid = std::string("CA") + std::to_string(sms_.sent.size() + 10);
    const std::string twiml = callIn(kKnown, {{"StirVerstat", verstat}}, sid.c_str());
    EXPECT_NE(twiml.find("<Gather"), std::string::npos);
    EXPECT_EQ(twiml.find("Ada"), std::string::npos);
  }
  EXPECT_EQ(sms_.sent.size(), 3u);
}

TEST_F(TwilioVoiceRuntimeTest, TheNoInputRedirectIsATimeout) {
  build();
  random_.scriptDigits("123456");
  callIn(kUnknown);
  VoiceReply timeout = gather(1, {});
  EXPECT_NE(timeout.body.find("We did not receive a PIN."), std::string::npos) << timeout.body;
  EXPECT_NE(timeout.body.find("Please say the PIN from your text message again"),
            std::string::npos);
  EXPECT_NE(timeout.body.find(gatherUrl(2)), std::string::npos);
  EXPECT_EQ(challenges_.rows[0].attempts, 0);  // no entry, no attempt used
}

TEST_F(TwilioVoiceRuntimeTest, ThreeWrongPinsGoToTheAgentWithoutCustomerAttributes) {
  build();
  addCustomer(kKnown, "Ada");
  random_.scriptDigits("123456");
  callIn(kKnown);  // known, but no attestation: lookup finds the record, PIN needed
  gather(1, {{"Digits", "111111"}}, kKnown);
  gather(2, {{"Digits", "222222"}}, kKnown);
  VoiceReply last = gather(3, {{"Digits", "333333"}}, kKnown);
  EXPECT_NE(last.body.find("Sorry, we could not verify your PIN."), std::string::npos) << last.body;
  EXPECT_NE(last.body.find("X-Callgate-Auth=False&amp;X-Callgate-Auth-Method=None"),
            std::string::npos);
  EXPECT_NE(last.body.find("X-Callgate-recordFound=True"), std::string::npos);
  EXPECT_EQ(last.body.find("Ada"), std::string::npos);
  EXPECT_EQ(last.body.find("Gold"), std::string::npos);
}

TEST_F(TwilioVoiceRuntimeTest, WithoutTheChannelSwitchSpeechIsNeverOfferedNorTaken) {
  build();  // [twilio] speech = false: whatever the flow says, keys only
  random_.scriptDigits("123456");
  const std::string first = callIn(kUnknown);
  EXPECT_NE(first.find("<Gather input=\"dtmf\""), std::string::npos) << first;
  EXPECT_EQ(first.find("speech"), std::string::npos) << first;
  // A transcript anyway (a forged or stale request): no input, no PIN attempt used.
  VoiceReply spoken = gather(1, {{"SpeechResult", "one two three four five six"}});
  EXPECT_NE(spoken.body.find("We did not receive a PIN."), std::string::npos) << spoken.body;
  EXPECT_EQ(challenges_.rows[0].attempts, 0);
  EXPECT_EQ(spoken.body.find("X-Callgate-Auth=True"), std::string::npos);
}

// The shipped flow enables speech on the SMS code (flows/*.json, SpeechInput); with the channel's
// switch on, the code may be said.
TEST_F(TwilioVoiceRuntimeTest, SpeechIsNormalisedAndKeypressesWin) {
  options_.speech = true;
  build();
  random_.scriptDigits("123456");
  const std::string first = callIn(kUnknown);
  ASSERT_EQ(first.find("<Gather input=\"dtmf\""), std::string::npos)
      << "the shipped flow must enable speech (SpeechInput) on the SMS code input: " << first;
  EXPECT_NE(first.find("<Gather input=\"dtmf speech\""), std::string::npos) << first;
  EXPECT_NE(first.find("speechTimeout=\"2\" speechModel=\"numbers_and_commands\" hints=\""),
            std::string::npos)
      << first;
  // Unusable speech counts as no input.
  VoiceReply mumble = gather(1, {{"SpeechResult", "I don't have it"}, {"Confidence", "0.4"}});
  EXPECT_NE(mumble.body.find("We did not receive a PIN."), std::string::npos);
  EXPECT_EQ(challenges_.rows[0].attempts, 0);
  // Both: the keypad wins over what was heard.
  VoiceReply both =
      gather(2, {{"Digits", "000000"}, {"SpeechResult", "one two three four five six"}});
  EXPECT_NE(both.body.find("That PIN is not correct."), std::string::npos);
  VoiceReply spoken =
      gather(3, {{"SpeechResult", "One two three, four five six."}, {"Confidence", "0.93"}});
  EXPECT_NE(spoken.body.find("X-Callgate-Auth=True"), std::string::npos) << spoken.body;
}

TEST_F(TwilioVoiceRuntimeTest, APhoneAgentHearsTheVerdictInAWhisper) {
  options_.queues["Agents"] = AgentTarget{AgentTarget::Kind::kNumber, "+14155550999"};
  build();
  addCustomer(kKnown, "Ada");
  const std::string twiml = callIn(kKnown, {{"StirVerstat", "TN-Validation-Passed-A"}});
  EXPECT_NE(twiml.find("<Dial action=\"" + std::string(kBase) + "/twilio/voice/" + session_ +
                       "/status\" method=\"POST\"><Number url=\"" + kBase + "/twilio/voice/" +
                       session_ + "/whisper\" method=\"POST\">+14155550999</Number></Dial>"),
            std::string::npos)
      << twiml;
  VoiceReply whisper =
      runtime_->whisper(session_, webhook("CA99", {{"ParentCallSid", kCall}}, kKnown));
  EXPECT_NE(
      whisper.body.find(">callgate: caller verified by caller ID. Ada Lovelace. Level Gold.</Say>"),
      std::string::npos)
      << whisper.body;
  // Another call's leg is refused.
  EXPECT_EQ(runtime_->whisper(session_, webhook("CA99", {{"ParentCallSid", "CA98"}})).status, 400);

  VoiceReply noAnswer =
      runtime_->sessionStatus(session_, webhook(kCall, {{"DialCallStatus", "no-answer"}}, kKnown));
  EXPECT_NE(noAnswer.body.find("Sorry, no agent could take your call"), std::string::npos);
  EXPECT_NE(noAnswer.body.find("<Hangup/>"), std::string::npos);
  EXPECT_TRUE(sessions_.rows.empty());
}

TEST_F(TwilioVoiceRuntimeTest, AStepBeingWorkedOnIsRetriedThenGivenUp) {
  build();
  random_.scriptDigits("123456");
  callIn(kUnknown);
  // Another node claimed step 1 (version 2, no response yet).
  VoiceSessionRecord& row = sessions_.rows.begin()->second;
  row.version = 2;
  row.response.clear();
  row.updatedAt = clock_.now();
  VoiceReply busy = gather(1, {{"Digits", "123456"}});
  EXPECT_NE(busy.body.find("<Pause length=\"1\"/><Redirect method=\"POST\">" + gatherUrl(1) +
                           "</Redirect>"),
            std::string::npos)
      << busy.body;
  EXPECT_EQ(challenges_.rows[0].state, ChallengeState::kActive);
  clock_.advance(Seconds(31));
  VoiceReply lost = gather(1, {});
  EXPECT_NE(lost.body.find("Sorry, something went wrong"), std::string::npos);
  EXPECT_TRUE(sessions_.rows.empty());
}

TEST_F(TwilioVoiceRuntimeTest, UnknownExpiredAndForeignSessions) {
  build();
  random_.scriptDigits("123456");
  callIn(kUnknown);
  EXPECT_EQ(runtime_->gather(session_, 1, webhook("CA77", {{"Digits", "1"}}), kBase).status, 400);
  EXPECT_EQ(sessions_.rows.begin()->second.version, 1);
  VoiceReply unknown = runtime_->gather("AAAAAAAAAAAAAAAAAAAAAA", 1, webhook(kCall), kBase);
  EXPECT_NE(unknown.body.find("<Hangup/>"), std::string::npos);
  clock_.advance(Seconds(7200));
  VoiceReply expired = gather(1, {{"Digits", "123456"}});
  EXPECT_NE(expired.body.find("<Hangup/>"), std::string::npos);
  EXPECT_EQ(challenges_.rows[0].state, ChallengeState::kActive);
  // The next incoming call purges it.
  callIn(kKnown, {}, "CA2");
  EXPECT_EQ(sessions_.rows.size(), 1u);
}

TEST_F(TwilioVoiceRuntimeTest, AParkedCallThatCannotBeRestoredEndsPolitely) {
  build();
  for (const std::string corruption : {"state", "flow", "snapshot"}) {
    SCOPED_TRACE(corruption);
    const std::string sid = "CA5" + std::to_string(corruption.size());
    callIn(kUnknown, {}, sid.c_str());
    VoiceSessionRecord& row = sessions_.rows.at(session_);
    if (corruption == "state") row.state = "{not json";
    if (corruption == "flow") row.flow = "flows/elsewhere.json";  // not loaded on this node
    if (corruption == "snapshot") {
      ParkedCall broken;
      broken.session = {{"x", 1}};
      row.state = sealState(*cipher_, row, broken);  // authentic, but not a session
    }
    VoiceReply r = gather(1, {{"Digits", "123456"}}, kUnknown, sid.c_str());
    EXPECT_EQ(r.status, 200);
    EXPECT_NE(r.body.find("Sorry, something went wrong with this call."), std::string::npos)
        << r.body;
    EXPECT_NE(r.body.find("<Hangup/>"), std::string::npos);
    EXPECT_FALSE(sessions_.rows.count(session_));
  }
}

TEST_F(TwilioVoiceRuntimeTest, TheCallStatusCallbackEndsAParkedCall) {
  build();
  random_.scriptDigits("123456");
  callIn(kUnknown);
  EXPECT_EQ(runtime_->callStatus(webhook(kCall, {{"CallStatus", "ringing"}})).status, 200);
  EXPECT_EQ(sessions_.rows.size(), 1u);  // "ringing" is not the end
  FormPairs done{{"CallSid", kCall}, {"CallStatus", "completed"}};
  VoiceReply r = runtime_->callStatus(*parseVoiceWebhook(done));
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(sessions_.rows.empty());
  EXPECT_EQ(runtime_->callStatus(*parseVoiceWebhook(done)).status, 200);  // again: nothing to do
}

TEST_F(TwilioVoiceRuntimeTest, AQueueWithoutAnAgentApologisesAndHangsUp) {
  options_.queues.clear();
  build();
  addCustomer(kKnown, "Ada");
  const std::string twiml = callIn(kKnown, {{"StirVerstat", "TN-Validation-Passed-A"}});
  EXPECT_NE(twiml.find("Sorry, we cannot connect your call right now."), std::string::npos);
  EXPECT_NE(twiml.find("<Hangup/>"), std::string::npos);
  EXPECT_EQ(twiml.find("<Dial"), std::string::npos);
  EXPECT_TRUE(sessions_.rows.empty());
  // A default agent catches every queue.
  options_.defaultAgent = AgentTarget{AgentTarget::Kind::kSip, "sip:desk@pbx.example.com"};
  build();
  EXPECT_NE(callIn(kKnown, {{"StirVerstat", "TN-Validation-Passed-A"}}, "CA3")
                .find("<Sip>sip:desk@pbx.example.com?"),
            std::string::npos);
}

// A menu flow for one dialled number: one key, no terminator, SSML, URL prompts, a hang-up.
std::shared_ptr<const flow::Flow> menuFlow() {
  return loadFlowText(R"({"Version": "2019-10-30", "StartAction": "hello", "Actions": [
    {"Identifier": "hello", "Type": "MessageParticipant",
     "Parameters": {"SSML": "<speak>Welcome to <emphasis>Acme</emphasis> &amp; co.</speak>"},
     "Transitions": {"NextAction": "jingle"}},
    {"Identifier": "jingle", "Type": "MessageParticipant",
     "Parameters": {"PromptId": "https://cdn.example.com/jingle.mp3?a=1&b=2"},
     "Transitions": {"NextAction": "menu"}},
    {"Identifier": "menu", "Type": "GetParticipantInput",
     "Parameters": {"Text": "Press 1 for <sales> & 2 to hang up.", "InputTimeLimitSeconds": "7"},
     "Transitions": {"NextAction": "bye", "Errors": [{"ErrorType": "NoMatchingCondition", "NextAction": "bye"},
                                                     {"ErrorType": "InputTimeLimitExceeded", "NextAction": "bye"}],
                     "Conditions": [{"NextAction": "queue", "Condition": {"Operator": "Equals", "Operands": ["1"]}}]}},
    {"Identifier": "queue", "Type": "UpdateContactTargetQueue", "Parameters": {"QueueId": "Sales"},
     "Transitions": {"NextAction": "transfer"}},
    {"Identifier": "transfer", "Type": "TransferContactToQueue", "Transitions": {}},
    {"Identifier": "bye", "Type": "DisconnectParticipant", "Transitions": {}}]})");
}

TEST_F(TwilioVoiceRuntimeTest, EachDialledNumberRunsItsFlow) {
  options_.voice = "Polly.Joanna";
  build({{kDialled, "menu"}}, {{"menu", menuFlow()}});
  const std::string twiml = callIn(kUnknown);
  EXPECT_TRUE(sms_.sent.empty());
  EXPECT_NE(
      twiml.find("<Say voice=\"Polly.Joanna\" language=\"en-US\">Welcome to Acme &amp; co.</Say>"
                 "<Play>https://cdn.example.com/jingle.mp3?a=1&amp;b=2</Play>"
                 "<Gather input=\"dtmf\" action=\"" +
                 gatherUrl(1) +
                 "\" method=\"POST\" numDigits=\"1\" "
                 "finishOnKey=\"\" timeout=\"7\"><Say voice=\"Polly.Joanna\" language=\"en-US\">"
                 "Press 1 for &lt;sales&gt; &amp; 2 to hang up.</Say></Gather>"),
      std::string::npos)
      << twiml;
  EXPECT_EQ(sessions_.rows.begin()->second.flow, "menu");
  VoiceReply bye = gather(1, {{"Digits", "2"}});
  EXPECT_NE(bye.body.find("<Response><Hangup/></Response>"), std::string::npos) << bye.body;
  EXPECT_TRUE(sessions_.rows.empty());  // a finished call is deleted
  // Sales has no agent configured here: the unauthenticated verdict goes nowhere.
}

// More in twilio_voice_store_outage_test.cc.
TEST_F(TwilioVoiceRuntimeTest, StoreOutagesAnswerTheFailSafeAndChangeNothing) {
  build();
  sessions_.failing = true;
  VoiceReply r = runtime_->incoming(webhook(kCall), kBase);
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("X-Callgate-Auth=False"), std::string::npos) << r.body;
  EXPECT_TRUE(sms_.sent.empty());
  VoiceReply g = runtime_->gather("AAAAAAAAAAAAAAAAAAAAAA", 1, webhook(kCall), kBase);
  EXPECT_EQ(g.status, 200);
  EXPECT_NE(g.body.find("X-Callgate-Auth=False"), std::string::npos) << g.body;
  EXPECT_TRUE(sessions_.rows.empty());
}

// Journey 2 (user id + PIN) runs on the same channel once flows/voice-login.json exists; the
// functions it calls are scripted here because their real implementations live elsewhere.
class ScriptedFunction : public Function {
 public:
  ScriptedFunction(std::string name, StringMap answer)
      : name_(std::move(name)), answer_(std::move(answer)) {}
  std::string_view name() const override { return name_; }
  Result<StringMap> invoke(const FunctionRequest& request) override {
    contactIds.push_back(request.contact.contactId);
    return answer_;
  }
  std::vector<std::string> contactIds;  // of every call, in order

 private:
  std::string name_;
  StringMap answer_;
};

TEST_F(TwilioVoiceRuntimeTest, RunsTheShippedVoiceLoginFlow) {
  const std::string text = readSourceFile("flows/voice-login.json");
  ASSERT_FALSE(text.empty()) << "flows/voice-login.json is missing or empty";
  auto verifyPin = std::make_unique<ScriptedFunction>(
      "verify-pin", StringMap{{"authResult", "Authenticated"}, {"lambdaResult", "Success"}});
  auto issueLink = std::make_unique<ScriptedFunction>(
      "issue-action-link", StringMap{{"linkResult", "Sent"}, {"lambdaResult", "Success"}});
  const ScriptedFunction& pinCalls = *verifyPin;
  const ScriptedFunction& linkCalls = *issueLink;
  functions_.add(std::move(verifyPin));
  functions_.add(std::move(issueLink));
  flow::LoadOptions options;
  options.resolveFunction = [](const std::string& arn) -> std::optional<std::string> {
    return flow::functionNameFromArn(arn);
  };
  auto login = flow::Flow::load(text, options);
  ASSERT_TRUE(login.ok()) << login.error().message();
  build({{kDialled, "flows/voice-login.json"}}, {{"flows/voice-login.json", *login}});
  std::string twiml = callIn(kKnown);
  ASSERT_NE(twiml.find("<Gather"), std::string::npos) << twiml;  // the user id
  VoiceReply pin = gather(1, {{"Digits", "12345678"}}, kKnown);
  ASSERT_NE(pin.body.find("<Gather"), std::string::npos) << pin.body;  // the PIN
  VoiceReply done = gather(2, {{"Digits", "4321"}}, kKnown);
  EXPECT_TRUE(done.body.find("<Dial") != std::string::npos ||
              done.body.find("<Hangup/>") != std::string::npos)
      << done.body;
  EXPECT_EQ(done.body.find("4321"), std::string::npos);
  // Both calls carry the call's one contact id (its CallSid, parked with the session between
  // webhooks), so issue-action-link finds the record verify-pin wrote.
  EXPECT_EQ(pinCalls.contactIds, std::vector<std::string>{kCall});
  EXPECT_EQ(linkCalls.contactIds, std::vector<std::string>{kCall});
}

}  // namespace
}  // namespace callgate::twilio_voice
