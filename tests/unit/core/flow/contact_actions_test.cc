// The contact actions (blocks_contact.h): what each loads, refuses, does to the contact and which
// branch it takes, including every error branch.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "core/flow/dot.h"
#include "unit/core/flow/flow_test_util.h"

namespace callgate::flow {
namespace {

using namespace callgate::flow::flowtest;  // NOLINT: test file
using ::testing::ElementsAre;
using ::testing::HasSubstr;

Json errors(std::initializer_list<std::pair<std::string, std::string>> branches,
            const std::string& nextAction = "") {
  Json t = Json::object();
  if (!nextAction.empty()) t["NextAction"] = nextAction;
  t["Errors"] = Json::array();
  for (const auto& [type, target] : branches) t["Errors"].push_back(errorBranch(type, target));
  return t;
}

Json setAttribute(const std::string& id, const std::string& key, const std::string& value,
                  const std::string& nextId) {
  return action(id, "UpdateContactAttributes", {{"Attributes", {{key, value}}}}, next(nextId));
}

// The text of the prompt the session asks for next (a test failure when it is not a prompt).
std::string said(const Action& a) { return as<PlayPrompt>(a).text; }

// ---- TransferParticipantToThirdParty ----

TEST(ThirdPartyTransferTest, HandsTheCallToTheNumberWithTheAttributes) {
  Json set = setAttribute("set", "authenticated", "True", "xfer");
  Json xfer = action("xfer", "TransferParticipantToThirdParty",
                     {{"ThirdPartyPhoneNumber", "+14155552671"},
                      {"ThirdPartyConnectionTimeLimitSeconds", "45"},
                      {"ContinueFlowExecution", "True"},
                      {"ThirdPartyDTMFDigits", "123,#"},
                      {"CallerId", {{"Number", "+18005550100"}, {"Name", "Bank $.Attributes.x"}}}},
                     errors({{"CallFailed", "end"},
                             {"ConnectionTimeLimitExceeded", "end"},
                             {"NoMatchingError", "end"}},
                            "end"));
  auto flow = mustLoad({set, xfer, hangUp()});
  ASSERT_NE(flow, nullptr);
  Session s(flow, testCall());
  TransferToNumber t = as<TransferToNumber>(s.start());
  EXPECT_EQ(t.number, "+14155552671");
  EXPECT_EQ(t.timeoutSeconds, 45);
  EXPECT_EQ(t.dtmfDigits, "123,#");
  EXPECT_EQ(t.callerIdNumber, "+18005550100");
  EXPECT_EQ(t.callerIdName, "Bank ");
  EXPECT_EQ(t.attributes.at("authenticated"), "True");
  EXPECT_TRUE(s.finished());
  EXPECT_TRUE(isTerminal(s.start()));
  EXPECT_THAT(outcomes(s.drainSteps()), ElementsAre("set/next", "xfer/end"));
  // Like any transfer: whatever comes afterwards is answered with the call transferred.
  Disconnect after = as<Disconnect>(s.handle(PromptPlayed{}));
  EXPECT_EQ(after.why, Disconnect::Why::kTransferred);
  EXPECT_EQ(actionName(Action(t)), "TransferToNumber");
}

TEST(ThirdPartyTransferTest, TakesNumberAndTimeoutFromReferencesAndDefaultsTheRingTime) {
  Json xfer = action("xfer", "TransferParticipantToThirdParty",
                     {{"ThirdPartyPhoneNumber", "$.Attributes.desk"},
                      {"ThirdPartyConnectionTimeoutSeconds", "$.Attributes.ring"}},
                     errors({{"NoMatchingError", "end"}}));
  Json plain = action("plain", "TransferParticipantToThirdParty",
                      {{"ThirdPartyPhoneNumber", "+44 20 7946 0958"}});
  auto flow = mustLoad({setAttribute("a", "desk", "+442079460958", "b"),
                        setAttribute("b", "ring", "20", "xfer"), xfer, hangUp()});
  ASSERT_NE(flow, nullptr);
  Session s(flow, testCall());
  TransferToNumber t = as<TransferToNumber>(s.start());
  EXPECT_EQ(t.number, "+442079460958");
  EXPECT_EQ(t.timeoutSeconds, 20);

  auto plainFlow = mustLoad({plain});
  ASSERT_NE(plainFlow, nullptr);
  Session p(plainFlow, testCall());
  TransferToNumber pt = as<TransferToNumber>(p.start());
  EXPECT_EQ(pt.number, "+442079460958");  // normalised to E.164
  EXPECT_EQ(pt.timeoutSeconds, 30);
  EXPECT_TRUE(pt.callerIdNumber.empty());
}

TEST(ThirdPartyTransferTest, AnUnusableNumberTakesCallFailedElseNoMatchingError) {
  auto run = [](Json transitions) {
    Json xfer = action("xfer", "TransferParticipantToThirdParty",
                       {{"ThirdPartyPhoneNumber", "$.Attributes.desk"}}, std::move(transitions));
    auto flow =
        mustLoad({setAttribute("a", "desk", "not a number", "xfer"), xfer,
                  message("failed", "Sorry", "end"), message("other", "Oops", "end"), hangUp()});
    Session s(flow, testCall());
    std::string text = said(s.start());
    return std::pair(text, outcomes(s.drainSteps()));
  };
  EXPECT_EQ(run(errors({{"CallFailed", "failed"}, {"NoMatchingError", "other"}})).first, "Sorry");
  auto [text, steps] = run(errors({{"NoMatchingError", "other"}}));
  EXPECT_EQ(text, "Oops");
  EXPECT_THAT(steps, ElementsAre("a/next", "xfer/error:NoMatchingError"));
}

TEST(ThirdPartyTransferTest, ABadRingTimeOrDigitsFromAnAttributeTakesNoMatchingError) {
  for (auto [key, param] : {std::pair{"ThirdPartyConnectionTimeLimitSeconds", "601"},
                            std::pair{"ThirdPartyDTMFDigits", "12a"}, std::pair{"CallerId", "x"}}) {
    SCOPED_TRACE(key);
    Json params{{"ThirdPartyPhoneNumber", "+14155552671"}};
    if (std::string(key) == "CallerId")
      params["CallerId"] = {{"Number", "$.Attributes.v"}};
    else
      params[key] = "$.Attributes.v";
    Json xfer = action("xfer", "TransferParticipantToThirdParty", params,
                       errors({{"CallFailed", "end"}, {"NoMatchingError", "sorry"}}));
    auto flow = mustLoad(
        {setAttribute("a", "v", param, "xfer"), xfer, message("sorry", "Sorry", "end"), hangUp()});
    ASSERT_NE(flow, nullptr);
    Session s(flow, testCall());
    EXPECT_EQ(said(s.start()), "Sorry");
  }
}

TEST(ThirdPartyTransferTest, RefusesWhatItCannotDoAtLoad) {
  auto error = [](Json params, Json transitions = Json::object()) {
    return loadError(
        {action("x", "TransferParticipantToThirdParty", std::move(params), std::move(transitions)),
         hangUp()});
  };
  EXPECT_THAT(error({}), HasSubstr("missing required parameter ThirdPartyPhoneNumber"));
  EXPECT_THAT(error({{"ThirdPartyPhoneNumber", "12345"}}),
              HasSubstr("ThirdPartyPhoneNumber '12345' is not an E.164 number"));
  EXPECT_THAT(error({{"ThirdPartyPhoneNumber", "+14155552671"},
                     {"ThirdPartyConnectionTimeLimitSeconds", "700"}}),
              HasSubstr("must be 0 to 600"));
  EXPECT_THAT(error({{"ThirdPartyPhoneNumber", "+14155552671"},
                     {"ThirdPartyConnectionTimeLimitSeconds", "10"},
                     {"ThirdPartyConnectionTimeoutSeconds", "10"}}),
              HasSubstr("not both"));
  EXPECT_THAT(error({{"ThirdPartyPhoneNumber", "+14155552671"}, {"ThirdPartyDTMFDigits", "12x"}}),
              HasSubstr("ThirdPartyDTMFDigits must be at most 50 of 0-9 * # ,"));
  EXPECT_THAT(error({{"VoiceConnector", {{"VoiceConnectorType", "ChimeConnector"}}}}),
              HasSubstr("VoiceConnector (Amazon Chime) is not supported"));
  EXPECT_THAT(error({{"ThirdPartyPhoneNumber", "+14155552671"}, {"Timeout", "5"}}),
              HasSubstr("unknown parameter 'Timeout'"));
  EXPECT_THAT(error({{"ThirdPartyPhoneNumber", "+14155552671"}, {"CallerId", {{"Nmber", "1"}}}}),
              HasSubstr("unknown parameter 'CallerId.Nmber'"));
  EXPECT_THAT(error({{"ThirdPartyPhoneNumber", "+14155552671"}, {"ContinueFlowExecution", "False"}},
                    errors({{"CallFailed", "end"}})),
              HasSubstr("CallFailed and ConnectionTimeLimitExceeded need ContinueFlowExecution"));
  EXPECT_THAT(
      error({{"ThirdPartyPhoneNumber", "+14155552671"}}, errors({{"QueueAtCapacity", "end"}})),
      HasSubstr("ErrorType 'QueueAtCapacity' is not valid here"));
}

TEST(ThirdPartyTransferTest, IsDrawnAsATransfer) {
  auto flow = mustLoad({action("x", "TransferParticipantToThirdParty",
                               {{"ThirdPartyPhoneNumber", "+14155552671"}})});
  ASSERT_NE(flow, nullptr);
  EXPECT_THAT(toDot(*flow), HasSubstr("transfer to +14155552671\", shape=doubleoctagon"));
}

// ---- UpdateContactCallbackNumber ----

Json callbackFlowAction(Json transitions) {
  return action("cb", "UpdateContactCallbackNumber", {{"CallbackNumber", "$.StoredCustomerInput"}},
                std::move(transitions));
}

Json askNumber() {
  return action("ask", "GetParticipantInput",
                {{"Text", "Number?"},
                 {"StoreInput", "True"},
                 {"InputValidation", {{"CustomValidation", {{"MaximumLength", "15"}}}}}},
                next("cb"));
}

TEST(CallbackNumberTest, SetsTheNumberInE164AddingThePlus) {
  auto flow = mustLoad({askNumber(), callbackFlowAction(errors({}, "done")),
                        message("done", "Saved", "end"), hangUp()});
  ASSERT_NE(flow, nullptr);
  Session s(flow, testCall());
  as<CollectDigits>(s.start());
  EXPECT_EQ(said(s.handle(DigitsCollected{"14155552671"})), "Saved");
  EXPECT_EQ(s.state().callbackNumber, "+14155552671");
}

TEST(CallbackNumberTest, TakesItsErrorBranchesAndFallsBackToNoMatchingError) {
  struct Case {
    std::string digits;
    std::string expected;
  };
  // 1 900 ... is a US premium-rate number: valid, but not one to call back.
  for (const Case& c : {Case{"123", "invalid"}, Case{"19002001234", "not dialable"}}) {
    SCOPED_TRACE(c.digits);
    auto flow = mustLoad(
        {askNumber(),
         callbackFlowAction(
             errors({{"InvalidCallbackNumber", "invalid"}, {"CallbackNumberNotDialable", "nodial"}},
                    "end")),
         message("invalid", "invalid", "end"), message("nodial", "not dialable", "end"), hangUp()});
    ASSERT_NE(flow, nullptr);
    Session s(flow, testCall());
    as<CollectDigits>(s.start());
    EXPECT_EQ(said(s.handle(DigitsCollected{c.digits})), c.expected);
    EXPECT_EQ(s.state().callbackNumber, "");
  }
  auto flow = mustLoad({askNumber(), callbackFlowAction(errors({{"NoMatchingError", "other"}})),
                        message("other", "other", "end"), hangUp()});
  ASSERT_NE(flow, nullptr);
  Session s(flow, testCall());
  as<CollectDigits>(s.start());
  EXPECT_EQ(said(s.handle(DigitsCollected{"123"})), "other");
}

TEST(CallbackNumberTest, MustBeOneReference) {
  EXPECT_THAT(
      loadError({action("cb", "UpdateContactCallbackNumber", {{"CallbackNumber", "+14155552671"}}),
                 hangUp()}),
      HasSubstr("CallbackNumber must be a single reference"));
  EXPECT_THAT(
      loadError(
          {action("cb", "UpdateContactCallbackNumber", {{"CallbackNumber", "$.Nope"}}), hangUp()}),
      HasSubstr("unknown reference '$.Nope'"));
  EXPECT_THAT(loadError({action("cb", "UpdateContactCallbackNumber"), hangUp()}),
              HasSubstr("missing required parameter CallbackNumber"));
}

// ---- TagContact / UnTagContact ----

TEST(TagContactTest, SetsAndRemovesTags) {
  Json tag = action("tag", "TagContact",
                    {{"Tags", {{"Department", "Sales"}, {"Caller", "$.CustomerEndpoint.Address"}}}},
                    next("untag"));
  Json untag = action("untag", "UnTagContact", {{"TagKeys", {"Department"}}}, next("end"));
  auto flow = mustLoad({tag, untag, hangUp()});
  ASSERT_NE(flow, nullptr);
  Session s(flow, testCall());
  as<Disconnect>(s.start());
  EXPECT_EQ(s.state().contact.tags,
            (std::map<std::string, std::string>{{"Caller", "+15551230000"}}));
}

TEST(TagContactTest, AValueOverTheTagLimitTakesNoMatchingError) {
  Json tag = action("tag", "TagContact", {{"Tags", {{"Note", "$.Attributes.long"}}}},
                    errors({{"NoMatchingError", "sorry"}}, "end"));
  auto flow = mustLoad({setAttribute("a", "long", std::string(257, 'x'), "tag"), tag,
                        message("sorry", "Sorry", "end"), hangUp()});
  ASSERT_NE(flow, nullptr);
  Session s(flow, testCall());
  EXPECT_EQ(said(s.start()), "Sorry");
  EXPECT_TRUE(s.state().contact.tags.empty());
}

TEST(TagContactTest, RefusesBadTagsAtLoad) {
  EXPECT_THAT(loadError({action("t", "TagContact", {{"Tags", {{"aws:x", "1"}}}}), hangUp()}),
              HasSubstr("tag key 'aws:x'"));
  EXPECT_THAT(loadError({action("t", "TagContact", {{"Tags", Json::object()}}), hangUp()}),
              HasSubstr("Tags must set at least one tag"));
  EXPECT_THAT(loadError({action("t", "TagContact", {{"Tags", {{"k", 1}}}}), hangUp()}),
              HasSubstr("Tags.k must be a string"));
  EXPECT_THAT(loadError({action("t", "UnTagContact", {{"TagKeys", "k"}}), hangUp()}),
              HasSubstr("TagKeys must be a non-empty array"));
}

// ---- UpdateContactData / UpdateContactTextToSpeechVoice ----

TEST(ContactDataTest, SetsNameDescriptionLanguageAndVoice) {
  Json data = action("data", "UpdateContactData",
                     {{"TargetContact", "Current"},
                      {"Name", "Call from $.CustomerEndpoint.Address"},
                      {"Description", "IVR"},
                      {"LanguageCode", "fr-CA"},
                      {"TextToSpeechVoice", "Chantal"},
                      {"IsVoiceIdStreamingEnabled", "true"}},
                     next("lang"));
  auto flow = mustLoad({data, message("lang", "$.LanguageCode", "end"), hangUp()});
  ASSERT_NE(flow, nullptr);
  Session s(flow, testCall());
  EXPECT_EQ(said(s.start()), "fr-CA");
  const ContactSettings& c = s.state().contact;
  EXPECT_EQ(c.name, "Call from +15551230000");
  EXPECT_EQ(c.description, "IVR");
  EXPECT_EQ(c.languageCode, "fr-CA");
  EXPECT_EQ(c.ttsVoice, "Chantal");
}

TEST(ContactDataTest, RefusesWhatItCannotDo) {
  auto error = [](Json params) {
    return loadError({action("d", "UpdateContactData", std::move(params)), hangUp()});
  };
  EXPECT_THAT(error({{"TargetContact", "Related"}}), HasSubstr("TargetContact 'Related'"));
  EXPECT_THAT(error({{"LanguageCode", "en_US"}}), HasSubstr("LanguageCode must be a language tag"));
  EXPECT_THAT(error({{"Nmae", "x"}}), HasSubstr("unknown parameter 'Nmae'"));
  EXPECT_THAT(error({{"TextToSpeechEngine", "neural"}}), HasSubstr("need TextToSpeechVoice"));
}

TEST(TextToSpeechVoiceTest, SetsTheVoiceEngineAndStyle) {
  Json voice = action("voice", "UpdateContactTextToSpeechVoice",
                      {{"TextToSpeechVoice", "Joanna"},
                       {"TextToSpeechEngine", "Neural"},
                       {"TextToSpeechStyle", "conversational"}},
                      next("end"));
  auto flow = mustLoad({voice, hangUp()});
  ASSERT_NE(flow, nullptr);
  EXPECT_TRUE(flow->warnings().empty());
  Session s(flow, testCall());
  as<Disconnect>(s.start());
  EXPECT_EQ(s.state().contact.ttsVoice, "Joanna");
  EXPECT_EQ(s.state().contact.ttsEngine, "neural");
  EXPECT_EQ(s.state().contact.ttsStyle, "Conversational");
}

TEST(TextToSpeechVoiceTest, TakesDynamicSettingsAndChecksThemWhenRun) {
  auto run = [](const std::string& voice, const std::string& engine) {
    Json set = action("set", "UpdateContactAttributes",
                      {{"Attributes", {{"voice", voice}, {"engine", engine}}}}, next("voice"));
    Json change =
        action("voice", "UpdateContactTextToSpeechVoice",
               {{"TextToSpeechVoice", "$.Attributes.voice"},
                {"TextToSpeechEngine", "$.Attributes.engine"}},
               {{"NextAction", "ok"}, {"Errors", {errorBranch("NoMatchingError", "bad")}}});
    auto flow =
        mustLoad({set, change, message("ok", "ok", "end"), message("bad", "bad", "end"), hangUp()});
    Session s(flow, testCall());
    std::string said = as<PlayPrompt>(s.start()).text;
    return said + ":" + s.state().contact.ttsVoice + ":" + s.state().contact.ttsEngine;
  };
  EXPECT_EQ(run("Lupe", "NEURAL"), "ok:Lupe:neural");
  EXPECT_EQ(run("Lupe", ""), "ok:Lupe:");
  EXPECT_EQ(run("Lupe\"/><Hangup/>", "neural"), "bad::");  // never reaches markup
  EXPECT_EQ(run("", "neural"), "bad::");
  EXPECT_EQ(run("Lupe", "turbo"), "bad::");
}

TEST(ContactDataTest, TakesADynamicLanguageCodeAndChecksItWhenRun) {
  auto run = [](const std::string& locale) {
    Json set = action("set", "UpdateContactAttributes", {{"Attributes", {{"locale", locale}}}},
                      next("data"));
    Json data = action("data", "UpdateContactData",
                       {{"TargetContact", "Current"}, {"LanguageCode", "$.Attributes.locale"}},
                       {{"NextAction", "ok"}, {"Errors", {errorBranch("NoMatchingError", "bad")}}});
    auto flow = mustLoad({set, data, message("ok", "$.LanguageCode", "end"),
                          message("bad", "bad", "end"), hangUp()});
    Session s(flow, testCall());
    return as<PlayPrompt>(s.start()).text;
  };
  EXPECT_EQ(run("es-US"), "es-US");
  EXPECT_EQ(run("not a tag"), "bad");
}

TEST(TextToSpeechVoiceTest, RefusesAMissingOrUnknownSetting) {
  auto error = [](Json params) {
    return loadError({action("v", "UpdateContactTextToSpeechVoice", std::move(params)), hangUp()});
  };
  EXPECT_THAT(error(Json::object()), HasSubstr("missing required parameter TextToSpeechVoice"));
  EXPECT_THAT(error({{"TextToSpeechVoice", "Jo anna"}}), HasSubstr("is not a voice name"));
  EXPECT_THAT(error({{"TextToSpeechVoice", "Joanna"}, {"TextToSpeechEngine", "turbo"}}),
              HasSubstr("TextToSpeechEngine must be one of standard, neural"));
  EXPECT_THAT(error({{"TextToSpeechVoice", "Joanna"}, {"Speed", "2"}}),
              HasSubstr("unknown parameter 'Speed'"));
}

// ---- DequeueContactAndTransferToQueue ----

TEST(DequeueTransferTest, TransfersToTheQueueItNames) {
  Json dq = action("dq", "DequeueContactAndTransferToQueue",
                   {{"QueueId", "arn:aws:connect:eu-west-1:1:instance/i-1/queue/Gold"}},
                   errors({{"QueueAtCapacity", "end"}, {"NoMatchingError", "end"}}));
  auto flow = mustLoad({dq, hangUp()});
  ASSERT_NE(flow, nullptr);
  Session s(flow, testCall());
  EXPECT_EQ(as<TransferToQueue>(s.start()).queue, "Gold");
  EXPECT_EQ(s.state().queue, "Gold");
}

TEST(DequeueTransferTest, AnEmptyQueueTakesNoMatchingErrorAndAgentQueuesAreRefused) {
  Json dq = action("dq", "DequeueContactAndTransferToQueue", {{"QueueId", "$.Attributes.q"}},
                   errors({{"NoMatchingError", "sorry"}}));
  auto flow = mustLoad({dq, message("sorry", "Sorry", "end"), hangUp()});
  ASSERT_NE(flow, nullptr);
  Session s(flow, testCall());
  EXPECT_EQ(said(s.start()), "Sorry");
  EXPECT_THAT(
      loadError({action("dq", "DequeueContactAndTransferToQueue", {{"AgentId", "a"}}), hangUp()}),
      HasSubstr("AgentId (agent queues) is not supported"));
}

// ---- MessageParticipantIteratively ----

Json loopPrompts(bool interrupt) {
  Json params{{"Messages", Json::array({{{"Text", "Please hold."}},
                                        {{"SSML", "<speak>Still here.</speak>"}}})}};
  if (interrupt) params["InterruptFrequencySeconds"] = "30";
  Json transitions = errors({{"NoMatchingError", "end"}});
  if (interrupt) {
    transitions["Conditions"] =
        Json::array({condition("Equals", "MessagesInterrupted", "interrupted")});
  }
  return action("hold", "MessageParticipantIteratively", params, transitions);
}

TEST(IterativeMessagesTest, PlaysEachMessageThenIsInterrupted) {
  auto flow =
      mustLoad({loopPrompts(true), message("interrupted", "Thanks for waiting", "end"), hangUp()});
  ASSERT_NE(flow, nullptr);
  Session s(flow, testCall());
  EXPECT_EQ(said(s.start()), "Please hold.");
  PlayPrompt second = as<PlayPrompt>(s.handle(PromptPlayed{}));
  EXPECT_EQ(second.text, "<speak>Still here.</speak>");
  EXPECT_TRUE(second.ssml);
  EXPECT_EQ(said(s.handle(PromptPlayed{})), "Thanks for waiting");
  EXPECT_THAT(outcomes(s.drainSteps()),
              ElementsAre("hold/next", "hold/condition:MessagesInterrupted"));
}

TEST(IterativeMessagesTest, WithoutInterruptionLoopsUntilTheCallerHangsUp) {
  auto flow = mustLoad({loopPrompts(false), hangUp()});
  ASSERT_NE(flow, nullptr);
  Session s(flow, testCall());
  EXPECT_EQ(said(s.start()), "Please hold.");
  as<PlayPrompt>(s.handle(PromptPlayed{}));
  EXPECT_EQ(said(s.handle(PromptPlayed{})), "Please hold.");
  EXPECT_EQ(as<Disconnect>(s.handle(CallerHungUp{})).why, Disconnect::Why::kCallerHungUp);
}

TEST(IterativeMessagesTest, AParkedCallResumesAtItsMessage) {
  auto flow = mustLoad({loopPrompts(true), message("interrupted", "Done", "end"), hangUp()});
  ASSERT_NE(flow, nullptr);
  Session s(flow, testCall());
  s.start();
  s.handle(PromptPlayed{});
  Result<Session> restored = Session::restore(flow, Json::parse(s.snapshot().dump()));
  ASSERT_TRUE(restored.ok()) << restored.error().message();
  EXPECT_EQ(as<PlayPrompt>(*restored->pendingAction()).text, "<speak>Still here.</speak>");
  EXPECT_EQ(said(restored->handle(PromptPlayed{})), "Done");

  Json bad = s.snapshot();
  bad["loops"]["hold"] = 2;  // there are two messages: 0 and 1
  EXPECT_FALSE(Session::restore(flow, bad).ok());
}

TEST(IterativeMessagesTest, RefusesBadMessagesAndConditions) {
  auto error = [](Json params, Json transitions = Json::object()) {
    return loadError(
        {action("h", "MessageParticipantIteratively", std::move(params), std::move(transitions)),
         hangUp()});
  };
  EXPECT_THAT(error(Json::object()), HasSubstr("missing required parameter Messages"));
  EXPECT_THAT(error({{"Messages", Json::array()}}), HasSubstr("Messages must be a non-empty"));
  EXPECT_THAT(error({{"Messages", Json::array({{{"Media", {{"Uri", "s3://x"}}}}})}}),
              HasSubstr("Messages[0].Media (audio from S3) is not supported"));
  EXPECT_THAT(error({{"Messages", Json::array({{{"Text", "a"}, {"SSML", "b"}}})}}),
              HasSubstr("exactly one of Text, SSML or PromptId"));
  EXPECT_THAT(error({{"Messages", Json::array({{{"Text", "a"}}})}},
                    {{"Conditions", Json::array({condition("Equals", "Done", "end")})}}),
              HasSubstr("conditions must be Equals one of MessagesInterrupted"));
}

// ---- CheckVoiceId ----

Json checkVoice(const std::string& option) {
  return action("vid", "CheckVoiceId", {{"CheckVoiceIdOption", option}},
                {{"Conditions", Json::array({condition("Equals", "Authenticated", "yes"),
                                             condition("Equals", "Inconclusive", "maybe")})},
                 {"Errors", Json::array({errorBranch("NoMatchingCondition", "other")})}});
}

TEST(CheckVoiceIdTest, AnswersFromCallgatesOwnVerdict) {
  for (auto [value, expected] : {std::pair{"True", "yes"}, std::pair{"False", "maybe"}}) {
    auto flow =
        mustLoad({setAttribute("a", "authenticated", value, "vid"),
                  checkVoice("voiceAuthentication"), message("yes", "yes", "end"),
                  message("maybe", "maybe", "end"), message("other", "other", "end"), hangUp()});
    ASSERT_NE(flow, nullptr);
    Session s(flow, testCall());
    EXPECT_EQ(said(s.start()), expected);
  }
  // No voiceprints: never Enrolled; the flow takes NoMatchingCondition without such a branch.
  Json enrolled = checkVoice("enrollmentStatus");
  enrolled["Transitions"]["Conditions"] = Json::array({condition("Equals", "Enrolled", "yes")});
  auto flow = mustLoad(
      {enrolled, message("yes", "yes", "end"), message("other", "other", "end"), hangUp()});
  ASSERT_NE(flow, nullptr);
  Session s(flow, testCall());
  EXPECT_EQ(said(s.start()), "other");
}

TEST(CheckVoiceIdTest, RefusesUnknownOptionsAndStatuses) {
  EXPECT_THAT(
      loadError({action("v", "CheckVoiceId", {{"CheckVoiceIdOption", "faceId"}}), hangUp()}),
      HasSubstr("CheckVoiceIdOption must be enrollmentStatus"));
  Json fraud = checkVoice("fraudDetection");  // Authenticated is not a fraud status
  EXPECT_THAT(loadError({fraud, hangUp()}), HasSubstr("conditions must be Equals one of HighRisk"));
}

// ---- GetParticipantInput with PhoneNumberValidation ----

Json askPhone(Json validation, Json transitions) {
  return action("ask", "GetParticipantInput",
                {{"Text", "Your number?"},
                 {"StoreInput", "True"},
                 {"InputValidation", {{"PhoneNumberValidation", std::move(validation)}}}},
                std::move(transitions));
}

TEST(PhoneNumberInputTest, StoresTheNumberInE164) {
  struct Case {
    Json validation;
    std::string keyed;
  };
  for (const Case& c : {Case{{{"NumberFormat", "E164"}}, "14155552671"},
                        Case{{{"NumberFormat", "Local"}, {"CountryCode", "us"}}, "4155552671"}}) {
    auto flow = mustLoad({askPhone(c.validation, next("say")),
                          message("say", "$.StoredCustomerInput", "end"), hangUp()});
    ASSERT_NE(flow, nullptr);
    Session s(flow, testCall());
    CollectDigits collect = as<CollectDigits>(s.start());
    EXPECT_EQ(collect.maxDigits, 15);
    EXPECT_EQ(collect.terminator, "#");
    EXPECT_EQ(said(s.handle(DigitsCollected{c.keyed})), "+14155552671");
  }
}

TEST(PhoneNumberInputTest, AnInvalidNumberTakesInvalidPhoneNumberElseNoMatchingError) {
  for (auto [branch, expected] :
       {std::pair{"InvalidPhoneNumber", "invalid"}, std::pair{"NoMatchingError", "other"}}) {
    Json transitions =
        errors({{branch, branch == std::string("NoMatchingError") ? "other" : "invalid"}}, "end");
    auto flow = mustLoad({askPhone({{"NumberFormat", "E164"}}, transitions),
                          message("invalid", "invalid", "end"), message("other", "other", "end"),
                          hangUp()});
    ASSERT_NE(flow, nullptr);
    Session s(flow, testCall());
    as<CollectDigits>(s.start());
    EXPECT_EQ(said(s.handle(DigitsCollected{"123*"})), expected);
    EXPECT_EQ(s.state().storedCustomerInput, "");
  }
}

TEST(PhoneNumberInputTest, RefusesAnIncompleteRule) {
  EXPECT_THAT(loadError({askPhone({{"NumberFormat", "Local"}}, next("end")), hangUp()}),
              HasSubstr("CountryCode is required with NumberFormat Local"));
  EXPECT_THAT(loadError({askPhone({{"NumberFormat", "Intl"}}, next("end")), hangUp()}),
              HasSubstr("NumberFormat must be Local or E164"));
  EXPECT_THAT(loadError({askPhone({{"NumberFormat", "Local"}, {"CountryCode", "XX"}}, next("end")),
                         hangUp()}),
              HasSubstr("'XX' is not a two-letter country code"));
}

// ---- Snapshots ----

TEST(ContactActionsSnapshotTest, KeepTheContactSettingsAndCallbackNumber) {
  Json data =
      action("data", "UpdateContactData",
             {{"Name", "n"}, {"TextToSpeechVoice", "Amy"}, {"LanguageCode", "en-GB"}}, next("tag"));
  Json tag = action("tag", "TagContact", {{"Tags", {{"k", "v"}}}}, next("cb"));
  Json cb = action("cb", "UpdateContactCallbackNumber",
                   {{"CallbackNumber", "$.CustomerEndpoint.Address"}}, next("hello"));
  auto flow = mustLoad({data, tag, cb, message("hello", "Hi", "end"), hangUp()});
  ASSERT_NE(flow, nullptr);
  CallInfo call = testCall();
  call.customerAddress = "+14155552671";
  Session s(flow, call);
  s.start();
  Result<Session> restored = Session::restore(flow, Json::parse(s.snapshot().dump()));
  ASSERT_TRUE(restored.ok()) << restored.error().message();
  EXPECT_EQ(restored->state().contact, s.state().contact);
  EXPECT_EQ(restored->state().callbackNumber, "+14155552671");
  EXPECT_EQ(restored->state().contact.ttsVoice, "Amy");
  EXPECT_EQ(restored->state().call.languageCode, "en-GB");

  Json old = s.snapshot();  // parked before these fields existed
  old.erase("contact");
  old.erase("callbackNumber");
  EXPECT_TRUE(Session::restore(flow, old).ok());
  Json bad = s.snapshot();
  bad["contact"]["tags"] = "x";
  EXPECT_FALSE(Session::restore(flow, bad).ok());
}

}  // namespace
}  // namespace callgate::flow
