// Behaviour-only Connect actions (UpdateFlowLoggingBehavior, UpdateContactRecordingBehavior, ...)
// load as pass-through actions: they follow NextAction, do nothing else, and are never silent.
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

// Each pass-through Type with Parameters shaped as Connect exports them.
std::vector<std::pair<std::string, Json>> exportedActions() {
  return {
      {"UpdateFlowLoggingBehavior", Json::parse(R"({"FlowLoggingBehavior": "Enabled"})")},
      {"UpdateContactRecordingBehavior",
       Json::parse(R"({"RecordingBehavior": {"RecordedParticipants": ["Agent", "Customer"]}})")},
      {"UpdateContactRecordingAndAnalyticsBehavior", Json::parse(R"({
         "VoiceRecordingBehavior": {"RecordedParticipants": ["Agent", "Customer"],
                                    "IVRRecordingBehavior": "Disabled"},
         "AnalyticsBehavior": {"Enabled": "True", "AnalyticsLanguage": "en-US",
                               "ChannelConfiguration": {"Voice": {"AnalyticsModes": ["RealTime"]}}}})")},
      {"UpdateContactEventHooks", Json::parse(R"({"EventHooks": {"CustomerQueue":
         "arn:aws:connect:us-east-1:000000000000:instance/i-1/contact-flow/f-1"}})")},
      {"UpdateContactRoutingBehavior", Json::parse(R"({"QueuePriority": "1"})")},
      {"UpdateContactMediaStreamingBehavior", Json::parse(R"({"MediaStreamingState": "Enabled",
         "MediaStreamType": "Audio",
         "Participants": [{"ParticipantType": "Customer", "MediaDirections": ["From", "To"]}]})")},
      {"StartVoiceIdStream", Json::object()},
      {"CreateWisdomSession",
       Json::parse(R"({"WisdomAssistantArn": "arn:aws:wisdom:us-east-1:1:assistant/a"})")},
      {"AssociateContactToCustomerProfile",
       Json::parse(R"({"ProfileRequestData": {"ProfileId": "$.Customer.ProfileId",
                                             "ContactId": "$.ContactId"}})")},
  };
}

// The types callgate cannot carry out on a call, as the editor exports them.
std::vector<std::pair<std::string, Json>> unavailableActions() {
  return {
      {"ShowView", Json::parse(R"({"ViewResource": {"Id": "form", "Version": "Latest"},
         "InvocationTimeLimitSeconds": "900", "ViewData": {"Heading": "Refund"}})")},
      {"CreateTask", Json::parse(R"({"Name": "Call back", "ContactFlowId":
         "arn:aws:connect:us-east-1:1:instance/i/contact-flow/f", "Description": "x"})")},
      {"TransferContactToAgent", Json::object()},
  };
}

std::string noEffect(const std::string& id, const std::string& type) {
  return "action '" + id + "' (" + type +
         "): has no effect in callgate (accepted for compatibility)";
}

TEST(PassThroughActionTest, TheTableListsExactlyTheBehaviourOnlyTypes) {
  std::vector<std::string> names(passThroughTypeNames().begin(), passThroughTypeNames().end());
  std::vector<std::string> expected;
  for (const auto& [type, params] : exportedActions()) expected.push_back(type);
  for (const auto& [type, params] : unavailableActions()) {
    expected.push_back(type);
    EXPECT_TRUE(isUnavailableType(type)) << type;
  }
  EXPECT_EQ(names, expected);
  EXPECT_FALSE(isUnavailableType("UpdateFlowLoggingBehavior"));
}

TEST(PassThroughActionTest, WhatCallgateCannotDoTakesNoMatchingErrorWithItsBranchesAsExported) {
  for (const auto& [type, params] : unavailableActions()) {
    SCOPED_TRACE(type);
    Json pass = action("a1b2", type, params,
                       {{"NextAction", "hello"},
                        {"Conditions", Json::array({condition("Equals", "Back", "hello")})},
                        {"Errors", Json::array({errorBranch("NoMatchingCondition", "hello"),
                                                errorBranch("NoMatchingError", "sorry")})}});
    auto flow =
        mustLoad({pass, message("hello", "Hi", "end"), message("sorry", "Sorry", "end"), hangUp()});
    ASSERT_NE(flow, nullptr);
    EXPECT_EQ(flow->warnings(),
              std::vector<std::string>{"action 'a1b2' (" + type +
                                       "): callgate cannot do this on a voice call; it always "
                                       "takes NoMatchingError"});
    Session session(flow, testCall());
    EXPECT_EQ(as<PlayPrompt>(session.start()).text, "Sorry");
    EXPECT_THAT(outcomes(session.drainSteps()), ElementsAre("a1b2/error:NoMatchingError"));
  }
}

TEST(PassThroughActionTest, EachTypeLoadsRunsToItsNextActionWarnsAndIsDrawn) {
  for (const auto& [type, params] : exportedActions()) {
    SCOPED_TRACE(type);
    Json pass = action("a1b2", type, params,
                       {{"NextAction", "hello"},
                        {"Errors", Json::array({errorBranch("NoMatchingError", "end")})},
                        {"Conditions", Json::array()}});
    auto flow = mustLoad({pass, message("hello", "Hi", "end"), hangUp()});
    ASSERT_NE(flow, nullptr);
    const Block& block = flow->startBlock();
    EXPECT_EQ(block.type, BlockType::kPassThrough);
    EXPECT_EQ(block.typeName(), type);
    EXPECT_EQ(flow->warnings(), std::vector<std::string>{noEffect("a1b2", type)});

    Session session(flow, testCall());
    EXPECT_EQ(as<PlayPrompt>(session.start()).text, "Hi");
    // One step, type name kept, no channel action of its own; the error branch is not taken.
    EXPECT_THAT(session.drainSteps(), ElementsAre(Step{"a1b2", type, "next"}));
    EXPECT_EQ(disconnectReason(session.handle(PromptPlayed{})), "flow ended");

    std::string dot = toDot(*flow);
    EXPECT_THAT(dot, HasSubstr("\"a1b2\" [label=\"a1b2\\n" + type +
                               "\\nno effect in callgate\", shape=box, style=\"dashed\""));
    EXPECT_THAT(dot, HasSubstr("\"__start\" -> \"a1b2\";"));
    EXPECT_THAT(dot, HasSubstr("\"a1b2\" -> \"hello\";"));
    EXPECT_THAT(dot, HasSubstr("\"a1b2\" -> \"end\" [label=\"NoMatchingError\", style=dashed"));
  }
}

TEST(PassThroughActionTest, RunsAFlowShapedLikeARealExport) {
  // As the Connect console exports it: UUID Identifiers, Metadata, empty Conditions/Errors, the
  // behaviour blocks first; here inside the ContactFlow wrapper.
  std::string content = R"({
    "Version": "2019-10-30", "StartAction": "5e3c1a7d-2f4b-4c59-9b0e-1d2f3a4b5c6d",
    "Metadata": {"entryPointPosition": {"x": 40, "y": 40}, "ActionMetadata": {}},
    "Actions": [
      {"Identifier": "5e3c1a7d-2f4b-4c59-9b0e-1d2f3a4b5c6d", "Type": "UpdateFlowLoggingBehavior",
       "Parameters": {"FlowLoggingBehavior": "Enabled"},
       "Transitions": {"NextAction": "8a9b0c1d-3e4f-4a5b-8c6d-7e8f9a0b1c2d"}},
      {"Identifier": "8a9b0c1d-3e4f-4a5b-8c6d-7e8f9a0b1c2d", "Type": "UpdateContactRecordingBehavior",
       "Parameters": {"RecordingBehavior": {"RecordedParticipants": ["Agent", "Customer"]}},
       "Transitions": {"NextAction": "welcome", "Errors": [], "Conditions": []}},
      {"Identifier": "welcome", "Type": "MessageParticipant",
       "Parameters": {"Text": "Thanks for calling $.CustomerEndpoint.Address."},
       "Transitions": {"NextAction": "bye", "Errors": [{"NextAction": "bye", "ErrorType": "NoMatchingError"}],
                       "Conditions": []}},
      {"Identifier": "bye", "Type": "DisconnectParticipant", "Parameters": {}, "Transitions": {}}
    ]})";
  Json wrapper{
      {"ContactFlow", {{"Name", "Inbound"}, {"Type", "CONTACT_FLOW"}, {"Content", content}}}};
  auto flow = mustLoad(wrapper.dump());
  ASSERT_NE(flow, nullptr);
  EXPECT_EQ(flow->warnings(),
            (std::vector<std::string>{
                noEffect("5e3c1a7d-2f4b-4c59-9b0e-1d2f3a4b5c6d", "UpdateFlowLoggingBehavior"),
                noEffect("8a9b0c1d-3e4f-4a5b-8c6d-7e8f9a0b1c2d", "UpdateContactRecordingBehavior"),
            }));

  Session session(flow, testCall());
  EXPECT_EQ(as<PlayPrompt>(session.start()).text, "Thanks for calling +15551230000.");
  EXPECT_EQ(disconnectReason(session.handle(PromptPlayed{})), "flow ended");
  EXPECT_THAT(
      session.drainSteps(),
      ElementsAre(
          Step{"5e3c1a7d-2f4b-4c59-9b0e-1d2f3a4b5c6d", "UpdateFlowLoggingBehavior", "next"},
          Step{"8a9b0c1d-3e4f-4a5b-8c6d-7e8f9a0b1c2d", "UpdateContactRecordingBehavior", "next"},
          Step{"welcome", "MessageParticipant", "next"},
          Step{"bye", "DisconnectParticipant", "end"}));
}

TEST(PassThroughActionTest, WithoutNextActionWarnsAndEndsTheCallWithAFlowError) {
  Json log = action("log", "UpdateFlowLoggingBehavior", {{"FlowLoggingBehavior", "Disabled"}});
  auto flow = mustLoad({log, hangUp()});
  ASSERT_NE(flow, nullptr);
  EXPECT_EQ(flow->warnings(),
            (std::vector<std::string>{
                noEffect("log", "UpdateFlowLoggingBehavior"),
                "action 'log' (UpdateFlowLoggingBehavior): no NextAction; a call that gets here "
                "ends with a flow error",
                "action 'end' (DisconnectParticipant): unreachable from StartAction",
            }));
  Session session(flow, testCall());
  EXPECT_EQ(disconnectReason(session.start()),
            "flow error: action 'log' (UpdateFlowLoggingBehavior) has no NextAction");
  EXPECT_THAT(outcomes(session.drainSteps()), ElementsAre("log/flow-error"));
}

TEST(PassThroughActionTest, ParametersAreOnlyCheckedForBeingAnObject) {
  // Anything inside is accepted (numbers, booleans, arrays, keys callgate has never heard of),
  // and Parameters may be omitted.
  Json odd = action("voice", "UpdateContactRoutingBehavior",
                    Json::parse(R"({"QueuePriority": "$.Attributes.priority", "Future": 3,
                                    "Flags": [true, null, {"x": 1.5}]})"),
                    next("hooks"));
  Json bare = action("hooks", "UpdateContactEventHooks", Json::object(), next("end"));
  bare.erase("Parameters");
  EXPECT_NE(mustLoad({odd, bare, hangUp()}), nullptr);

  for (Json notAnObject : {Json("Enabled"), Json::array({"Enabled"}), Json(1)}) {
    EXPECT_EQ(
        loadError({action("log", "UpdateFlowLoggingBehavior", notAnObject, next("end")), hangUp()}),
        "action 'log' (UpdateFlowLoggingBehavior): Parameters must be an object");
  }
}

TEST(PassThroughActionTest, ParametersKeepTheSizeLimits) {
  auto withParams = [](Json params) {
    return loadError(
        {action("rec", "UpdateContactRecordingBehavior", std::move(params), next("end")),
         hangUp()});
  };
  Json longString{
      {"RecordingBehavior", {{"Note", std::string(kMaxStringParameterBytes + 1, 'a')}}}};
  EXPECT_EQ(withParams(longString),
            "action 'rec' (UpdateContactRecordingBehavior): Parameters.RecordingBehavior.Note is "
            "longer than 8192 bytes");
  Json manyEntries{
      {"RecordingBehavior",
       {{"RecordedParticipants", Json(std::vector<int>(kMaxEntriesPerAction + 1, 0))}}}};
  EXPECT_EQ(withParams(manyEntries),
            "action 'rec' (UpdateContactRecordingBehavior): "
            "Parameters.RecordingBehavior.RecordedParticipants has more than 100 entries");
  Json longKey{{std::string(200, 'k'), "x"}};
  EXPECT_THAT(withParams(longKey), HasSubstr("Parameters has a key longer than 128 bytes"));
  // At the limits themselves it loads.
  Json atLimit{{"Note", std::string(kMaxStringParameterBytes, 'a')},
               {"List", Json(std::vector<int>(kMaxEntriesPerAction, 0))}};
  EXPECT_NE(
      mustLoad({action("rec", "UpdateContactRecordingBehavior", atLimit, next("end")), hangUp()}),
      nullptr);
}

TEST(PassThroughActionTest, BranchesAreCheckedLikeAnyOtherAction) {
  Json typo = action("log", "UpdateFlowLoggingBehavior", {{"FlowLoggingBehavior", "Enabled"}},
                     {{"NextAction", "end"}, {"Errors", {errorBranch("NoMatchError", "end")}}});
  EXPECT_EQ(loadError({typo, hangUp()}),
            "action 'log' (UpdateFlowLoggingBehavior): ErrorType 'NoMatchError' is not valid here "
            "(expected NoMatchingError)");
  Json conditional =
      action("log", "UpdateFlowLoggingBehavior", Json::object(),
             {{"NextAction", "end"}, {"Conditions", {condition("Equals", "x", "end")}}});
  EXPECT_EQ(loadError({conditional, hangUp()}),
            "action 'log' (UpdateFlowLoggingBehavior): Conditions are not supported by this action "
            "type");
  EXPECT_EQ(loadError({action("log", "UpdateFlowLoggingBehavior", Json::object(), next("nope")),
                       hangUp()}),
            "action 'log' (UpdateFlowLoggingBehavior): dangling NextAction 'nope': no action has "
            "that Identifier");
}

TEST(PassThroughActionTest, EveryOtherUnknownTypeIsStillRejectedWithItsIdentifier) {
  // Pass-through names match exactly; the internal kind has no flow-language name.
  for (std::string type : {"EvaluateDataTableValues", "updateflowloggingbehavior",
                           "UpdateFlowLoggingBehaviour", "PassThrough", "Unknown"}) {
    EXPECT_EQ(loadError({action("x-1", type, Json::object(), next("end")), hangUp()}),
              "action 'x-1' (" + type + "): unsupported action Type '" + type + "'");
  }
}

TEST(PassThroughActionTest, ACycleOfPassThroughActionsIsStopped) {
  Json a = action("a", "UpdateContactRoutingBehavior", Json::object(), next("b"));
  Json b = action("b", "UpdateFlowLoggingBehavior", Json::object(), next("a"));
  Session session(mustLoad({a, b}), testCall());
  EXPECT_EQ(disconnectReason(session.start()), "flow error: too many steps without input");
}

TEST(PassThroughActionTest, SnapshotAndRestoreWorkAroundThem) {
  Json log =
      action("log", "UpdateFlowLoggingBehavior", {{"FlowLoggingBehavior", "Enabled"}}, next("ask"));
  Json ask = action("ask", "GetParticipantInput",
                    {{"Text", "Account number?"},
                     {"StoreInput", "True"},
                     {"InputValidation", {{"CustomValidation", {{"MaximumLength", "6"}}}}}},
                    {{"NextAction", "voice"}, {"Errors", {errorBranch("NoMatchingError", "end")}}});
  Json voice = action("voice", "UpdateContactTextToSpeechVoice", {{"TextToSpeechVoice", "Amy"}},
                      next("read-back"));
  auto flow =
      mustLoad({log, ask, voice, message("read-back", "You entered $.StoredCustomerInput.", "end"),
                hangUp()});
  ASSERT_NE(flow, nullptr);

  Session original(flow, testCall());
  as<CollectDigits>(original.start());
  Result<Session> restored = Session::restore(flow, Json::parse(original.snapshot().dump()));
  ASSERT_TRUE(restored.ok()) << restored.error().message();
  EXPECT_EQ(restored->snapshot(), original.snapshot());
  EXPECT_EQ(as<CollectDigits>(*restored->pendingAction()).prompt.text, "Account number?");

  for (Session* s : {&original, &*restored}) {
    EXPECT_EQ(as<PlayPrompt>(s->handle(DigitsCollected{"123456"})).text, "You entered 123456.");
    EXPECT_THAT(s->drainSteps(),
                ElementsAre(Step{"log", "UpdateFlowLoggingBehavior", "next"},
                            Step{"ask", "GetParticipantInput", "next"},
                            Step{"voice", "UpdateContactTextToSpeechVoice", "next"}));
  }

  // A pass-through action never waits, so a snapshot cannot park a call on one.
  Json bad = original.snapshot();
  bad["current"] = "voice";
  Result<Session> refused = Session::restore(flow, bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message(),
            "session snapshot: action 'voice' does not wait for the channel");
}

}  // namespace
}  // namespace callgate::flow
