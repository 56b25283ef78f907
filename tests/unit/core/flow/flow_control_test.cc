// Flow control actions, flows that reach each other through a FlowLibrary, loading rules
// (wrappers, unknown keys, every error) and the reference namespaces beyond attributes.
#include <gtest/gtest.h>

#include "core/flow/flow_library.h"
#include "unit/core/flow/flow_test_util.h"

namespace callgate::flow {
namespace {

using namespace callgate::flow::flowtest;  // NOLINT: test file

// A library of named flows, each loaded with a link back to it.
struct Library {
  std::shared_ptr<FlowLibrary> library = std::make_shared<FlowLibrary>();

  std::shared_ptr<const Flow> add(const std::string& name, const std::string& json) {
    LoadOptions options;
    options.name = name;
    options.library = library;
    Result<std::shared_ptr<const Flow>> flow = Flow::load(json, options);
    EXPECT_TRUE(flow.ok()) << name << ": " << (flow.ok() ? "" : flow.error().message());
    if (!flow.ok()) return nullptr;
    EXPECT_TRUE(library->add(*flow).ok());
    return *flow;
  }
};

std::string moduleJson(const std::vector<Json>& actions) {
  Json doc{{"Version", "2019-10-30"},
           {"StartAction", actions.front().value("Identifier", "start")},
           {"Settings",
            {{"InputParameters", Json::array()},
             {"OutputParameters", Json::array()},
             {"Transitions", Json::array()}}},
           {"Actions", actions}};
  return doc.dump();
}

TEST(FlowLoadingTest, RefusesAnUnknownParameterNamingTheActionAndKey) {
  std::string error = loadError(
      {action("greet", "MessageParticipant", {{"Text", "Hi"}, {"Voice", "Joanna"}}, next("end")),
       hangUp()});
  EXPECT_NE(error.find("action 'greet' (MessageParticipant)"), std::string::npos) << error;
  EXPECT_NE(error.find("unknown parameter 'Voice'"), std::string::npos) << error;

  std::string nested = loadError(
      {action("ask", "GetParticipantInput",
              {{"Text", "PIN?"},
               {"StoreInput", "True"},
               {"InputValidation", {{"CustomValidation", {{"MaximumLength", "4"}}}}},
               {"DTMFConfiguration", {{"InputTerminationSequence", "#"}, {"Beep", "True"}}}},
              next("end")),
       hangUp()});
  EXPECT_NE(nested.find("unknown parameter 'DTMFConfiguration.Beep'"), std::string::npos) << nested;
}

TEST(FlowLoadingTest, TakesConnectsInputTimeoutRangeAndTheOlderKeyName) {
  auto flow = mustLoad(
      {action(
           "ask", "GetParticipantInput", {{"Text", "Key?"}, {"InputTimeoutSeconds", 600}},
           {{"Conditions", {condition("Equals", "1", "end")}},
            {"Errors",
             {errorBranch("NoMatchingCondition", "end"), errorBranch("NoMatchingError", "end")}}}),
       hangUp()});
  ASSERT_NE(flow, nullptr);
  Session s(flow, testCall());
  EXPECT_EQ(as<CollectDigits>(s.start()).timeoutSeconds, 600);
}

TEST(FlowLoadingTest, CheckListsEveryErrorWhileLoadStopsAtTheFirst) {
  std::string json = flowJson({action("a", "MessageParticipant", {{"Txt", "x"}}, next("b")),
                               action("b", "BrewCoffee", Json::object(), next("c")),
                               action("c", "Compare", {{"ComparisonValue", "$.Nope"}}),
                               message("d", "Hi", "nowhere"), hangUp()});
  std::vector<Error> all = Flow::check(json, {});
  ASSERT_EQ(all.size(), 4u);
  EXPECT_NE(all[0].message().find("'a'"), std::string::npos);
  EXPECT_NE(all[1].message().find("BrewCoffee"), std::string::npos);
  EXPECT_NE(all[2].message().find("$.Nope"), std::string::npos);
  EXPECT_NE(all[3].message().find("dangling NextAction 'nowhere'"), std::string::npos);
  EXPECT_EQ(loadError(json), all[0].message());
  EXPECT_TRUE(Flow::check(flowJson({message("hi", "Hi", "end"), hangUp()}), {}).empty());
}

TEST(FlowLoadingTest, ReadsConnectsWrappersAndKeepsTheirNames) {
  std::string inner = flowJson({message("hi", "Hi", "end"), hangUp()});
  Json plain{{"Name", "Main menu"}, {"Type", "CONTACT_FLOW"}, {"Content", inner}};
  auto flow = mustLoad(plain.dump());
  ASSERT_NE(flow, nullptr);
  EXPECT_EQ(flow->info().name, "Main menu");
  EXPECT_FALSE(flow->info().isModule());

  Json module{{"ContactFlowModule",
               {{"Arn", "arn:aws:connect:us-east-1:1:instance/i/flow-module/m-1"},
                {"Name", "Verify"},
                {"Content", inner}}}};
  auto m = mustLoad(module.dump());
  ASSERT_NE(m, nullptr);
  EXPECT_TRUE(m->info().isModule());
  EXPECT_EQ(m->info().id, "m-1");

  LoadOptions named;
  named.name = "from-file";
  auto bare = mustLoad(inner, named);
  EXPECT_EQ(bare->info().name, "from-file");
}

TEST(ReferenceNamespaceTest, ReadsCustomerLexFlowAttributesAndMissingValues) {
  auto flow =
      mustLoad({action("set", "UpdateFlowAttributes",
                       {{"FlowAttributes", {{"greeting", {{"Value", "Hi $.Customer.FirstName"}}}}}},
                       next("say")),
                message("say",
                        "$.FlowAttributes.greeting|$.CallbackNumber|$.Agent.UserName|$.Lex.Slots.a|"
                        "$.InitiationMethod|$.Queue.ARN|$.Lex.IntentConfidence.Score",
                        "end"),
                hangUp()});
  ASSERT_NE(flow, nullptr);
  Session s(flow, testCall());
  EXPECT_EQ(as<PlayPrompt>(s.start()).text, "Hi |+15551230000|||INBOUND||");
  EXPECT_EQ(s.state().flowAttributes.at("greeting"), "Hi ");
}

TEST(FlowControlTest, TransfersToAnotherFlowWithoutItsFlowAttributes) {
  Library lib;
  auto main = lib.add(
      "main",
      flowJson(
          {action("note", "UpdateFlowAttributes", {{"FlowAttributes", {{"x", "1"}}}}, next("set")),
           action("set", "UpdateContactAttributes", {{"Attributes", {{"y", "2"}}}}, next("go")),
           action("go", "TransferToFlow",
                  {{"ContactFlowId", "arn:aws:connect:us-east-1:1:instance/i/contact-flow/second"}},
                  {{"Errors", {errorBranch("NoMatchingError", "end")}}}),
           hangUp()}));
  lib.add("second",
          flowJson({message("hello", "x=$.FlowAttributes.x y=$.Attributes.y", "end"), hangUp()}));
  Session s(main, testCall());
  EXPECT_EQ(as<PlayPrompt>(s.start()).text, "x= y=2");
  EXPECT_EQ(s.currentFlow()->info().name, "second");
  EXPECT_EQ(outcomes(s.drainSteps()),
            (std::vector<std::string>{"note/next", "set/next", "go/transfer:second"}));
  EXPECT_EQ(disconnectReason(s.handle(PromptPlayed{})), "flow ended");
}

TEST(FlowControlTest, AnUnknownTargetTakesTheErrorBranch) {
  Library lib;
  auto main = lib.add(
      "main", flowJson({action("go", "TransferToFlow", {{"ContactFlowId", "$.Attributes.to"}},
                               {{"Errors", {errorBranch("NoMatchingError", "sorry")}}}),
                        message("sorry", "Sorry", "end"), hangUp()}));
  Session s(main, testCall());
  EXPECT_EQ(as<PlayPrompt>(s.start()).text, "Sorry");
}

TEST(FlowControlTest, AModuleRunsAndReturnsToTheInvokingFlow) {
  Library lib;
  auto main = lib.add(
      "main",
      flowJson(
          {action("mark", "UpdateFlowAttributes", {{"FlowAttributes", {{"who", "main"}}}},
                  next("call")),
           action("call", "InvokeFlowModule", {{"FlowModuleId", "verify"}},
                  {{"NextAction", "after"}, {"Errors", {errorBranch("NoMatchingError", "end")}}}),
           message("after", "back in $.FlowAttributes.who, $.Attributes.verified", "end"),
           hangUp()}));
  lib.add("verify", moduleJson({action("set", "UpdateContactAttributes",
                                       {{"Attributes", {{"verified", "yes"}}}}, next("ask")),
                                message("ask", "module sees '$.FlowAttributes.who'", "done"),
                                action("done", "EndFlowModuleExecution")}));
  Session s(main, testCall());
  EXPECT_EQ(as<PlayPrompt>(s.start()).text, "module sees ''");
  EXPECT_EQ(s.currentFlow()->info().name, "verify");

  // Parked inside the module and restored from the start flow, as Twilio does between webhooks.
  Result<Session> restored = Session::restore(main, Json::parse(s.snapshot().dump()));
  ASSERT_TRUE(restored.ok()) << restored.error().message();
  for (Session* each : {&s, &*restored}) {
    EXPECT_EQ(as<PlayPrompt>(each->handle(PromptPlayed{})).text, "back in main, yes");
    EXPECT_EQ(each->currentFlow()->info().name, "main");
  }
}

TEST(FlowControlTest, AModuleGetsItsInputAndReturnsAResultBranchAndData) {
  Library lib;
  auto main = lib.add(
      "main",
      flowJson({action("call", "InvokeFlowModule",
                       {{"FlowModuleId", "profile"},
                        {"Input", {{"phone", "$.CustomerEndpoint.Address"}, {"kind", "vip"}}}},
                       {{"NextAction", "success"},
                        {"Conditions",
                         {condition("Equals", "found", "found"),
                          condition("Equals", "unknown", "unknown")}},
                        {"Errors",
                         {errorBranch("NoMatchingCondition", "other"),
                          errorBranch("NoMatchingError", "end")}}}),
                message("found", "found $.Modules.ResultData.name ($.Modules.Input.phone)", "end"),
                message("unknown", "unknown", "end"), message("other", "other", "end"),
                message("success", "success", "end"), hangUp()}));
  // The module branches on its input and names the result it returns.
  lib.add(
      "profile",
      moduleJson({action("check", "Compare", {{"ComparisonValue", "$.Modules.Input.kind"}},
                         {{"Conditions", {condition("Equals", "vip", "found")}},
                          {"Errors", {errorBranch("NoMatchingCondition", "unknown")}}}),
                  action("found", "EndFlowModuleExecution",
                         {{"Result", "found"},
                          {"ResultData", {{"name", "Ada"}, {"phone", "$.Modules.Input.phone"}}}}),
                  action("unknown", "EndFlowModuleExecution", {{"Result", "unknown"}})}));
  Session s(main, testCall());
  // The caller's $.Modules.Input is empty: the input belongs to the module.
  EXPECT_EQ(as<PlayPrompt>(s.start()).text, "found Ada ()");
  EXPECT_EQ(outcomes(s.drainSteps()),
            (std::vector<std::string>{"call/module:profile", "check/condition:vip",
                                      "found/return:found"}));

  // A result the block has no condition for takes NoMatchingCondition; no Result is Success.
  lib.add("other", moduleJson({action("r", "EndFlowModuleExecution", {{"Result", "multiple"}})}));
  lib.add("plain", moduleJson({action("r", "EndFlowModuleExecution")}));
  for (const auto& [module, expected] :
       {std::pair<std::string, std::string>{"other", "other"}, {"plain", "success"}}) {
    auto flow =
        lib.add("via-" + module,
                flowJson({action("call", "InvokeFlowModule", {{"FlowModuleId", module}},
                                 {{"NextAction", "success"},
                                  {"Conditions", {condition("Equals", "found", "other")}},
                                  {"Errors", {errorBranch("NoMatchingCondition", "other")}}}),
                          message("other", "other", "end"), message("success", "success", "end"),
                          hangUp()}));
    Session each(flow, testCall());
    EXPECT_EQ(as<PlayPrompt>(each.start()).text, expected) << module;
  }
}

TEST(FlowControlTest, ModuleInputAndResultSurviveASnapshotAndNest) {
  Library lib;
  auto main = lib.add(
      "main",
      flowJson({action("call", "InvokeFlowModule",
                       {{"FlowModuleId", "outer"}, {"Input", {{"who", "main"}}}}, next("after")),
                message("after", "$.Modules.ResultData.seen", "end"), hangUp()}));
  lib.add(
      "outer",
      moduleJson(
          {message("hello", "outer has $.Modules.Input.who", "inner"),
           action("inner", "InvokeFlowModule",
                  {{"FlowModuleId", "inner"}, {"Input", {{"who", "outer"}}}}, next("done")),
           action("done", "EndFlowModuleExecution",
                  {{"ResultData", {{"seen", "$.Modules.Input.who/$.Modules.ResultData.seen"}}}})}));
  lib.add("inner", moduleJson({action("done", "EndFlowModuleExecution",
                                      {{"ResultData", {{"seen", "$.Modules.Input.who"}}}})}));
  Session s(main, testCall());
  EXPECT_EQ(as<PlayPrompt>(s.start()).text, "outer has main");
  Result<Session> restored = Session::restore(main, Json::parse(s.snapshot().dump()));
  ASSERT_TRUE(restored.ok()) << restored.error().message();
  for (Session* each : {&s, &*restored}) {
    // The outer module gets its own input back after the inner one returns.
    EXPECT_EQ(as<PlayPrompt>(each->handle(PromptPlayed{})).text, "main/outer");
  }
}

TEST(FlowControlTest, ModuleParametersAreChecked) {
  EXPECT_NE(loadError({action("call", "InvokeFlowModule",
                              {{"FlowModuleId", "m"}, {"Inputs", {{"a", "b"}}}}, next("end")),
                       hangUp()})
                .find("unknown parameter 'Inputs'"),
            std::string::npos);
  EXPECT_NE(loadError({action("call", "InvokeFlowModule", {{"FlowModuleId", "m"}, {"Input", "a"}},
                              next("end")),
                       hangUp()})
                .find("Input"),
            std::string::npos);
  EXPECT_NE(loadError({action("r", "EndFlowModuleExecution", {{"Result", "$.Attributes.x"}})})
                .find("set statically"),
            std::string::npos);
  EXPECT_NE(loadError({action("r", "EndFlowModuleExecution", {{"Branch", "x"}})})
                .find("unknown parameter 'Branch'"),
            std::string::npos);
}

TEST(FlowControlTest, ReturningOutsideAModuleIsAFlowError) {
  auto flow = mustLoad({message("hi", "Hi", "ret"), action("ret", "EndFlowModuleExecution")});
  ASSERT_NE(flow, nullptr);
  EXPECT_NE(std::find_if(
                flow->warnings().begin(), flow->warnings().end(),
                [](const std::string& w) { return w.find("not a module") != std::string::npos; }),
            flow->warnings().end());
  Session s(flow, testCall());
  s.start();
  EXPECT_EQ(as<Disconnect>(s.handle(PromptPlayed{})).why, Disconnect::Why::kFlowError);
}

TEST(FlowControlTest, DistributeByPercentageSplitsCallsByTheirConditions) {
  auto flow = mustLoad({action("split", "DistributeByPercentage", Json::object(),
                               {{"Conditions", {condition("NumberLessThan", "31", "a")}},
                                {"Errors", {errorBranch("NoMatchingCondition", "b")}}}),
                        message("a", "A", "end"), message("b", "B", "end"), hangUp()});
  ASSERT_NE(flow, nullptr);
  int a = 0;
  for (int i = 0; i < 1000; ++i) {
    CallInfo call = testCall();
    call.contactId = "c-" + std::to_string(i);
    Session s(flow, call);
    if (as<PlayPrompt>(s.start()).text == "A") ++a;
  }
  EXPECT_GT(a, 240);  // 30 % of 1000, give or take
  EXPECT_LT(a, 360);
  EXPECT_NE(loadError({action("split", "DistributeByPercentage", Json::object(),
                              {{"Conditions", {condition("Equals", "31", "end")}}}),
                       hangUp()})
                .find("NumberLessThan"),
            std::string::npos);
}

TEST(FlowControlTest, WaitTakesItsErrorBranchOnVoiceAndEndFlowExecutionEnds) {
  auto flow = mustLoad({action("wait", "Wait", {{"TimeoutSeconds", "30"}},
                               {{"Errors", {errorBranch("NoMatchingError", "stop")}}}),
                        action("stop", "EndFlowExecution")});
  ASSERT_NE(flow, nullptr);
  Session s(flow, testCall());
  Disconnect d = as<Disconnect>(s.start());
  EXPECT_EQ(d.why, Disconnect::Why::kFlowEnded);
  EXPECT_EQ(outcomes(s.drainSteps()),
            (std::vector<std::string>{"wait/error:NoMatchingError", "stop/end"}));
}

TEST(FlowControlTest, ADynamicLambdaArnIsRenderedForTheChannelToResolve) {
  LoadOptions strict;  // no static function would resolve
  strict.resolveFunction = [](const std::string&) { return std::optional<std::string>(); };
  const std::string arn = "arn:aws:lambda:us-east-1:1:function:CheckBalance";
  auto flow = mustLoad(
      flowJson(
          {action("pick", "UpdateContactAttributes", {{"Attributes", {{"fn", arn}}}}, next("call")),
           action("call", "InvokeLambdaFunction",
                  {{"LambdaFunctionARN", "$.Attributes.fn"}, {"InvocationTimeLimitSeconds", 4}},
                  {{"NextAction", "end"}, {"Errors", {errorBranch("NoMatchingError", "end")}}}),
           hangUp()}),
      strict);
  ASSERT_NE(flow, nullptr);
  Session s(flow, testCall());
  InvokeFunction call = as<InvokeFunction>(s.start());
  EXPECT_EQ(call.function, arn);
  EXPECT_EQ(call.timeoutSeconds, 4);
}

TEST(FlowControlTest, ADynamicLambdaArnNeverReachesAReservedConnectFunction) {
  auto flow = mustLoad(flowJson(
      {action("pick", "UpdateContactAttributes",
              {{"Attributes", {{"fn", "connect:get-customer-profile"}}}}, next("call")),
       action("call", "InvokeLambdaFunction", {{"LambdaFunctionARN", "$.Attributes.fn"}},
              {{"NextAction", "end"}, {"Errors", {errorBranch("NoMatchingError", "stop")}}}),
       hangUp("stop"), hangUp()}));
  ASSERT_NE(flow, nullptr);
  Session s(flow, testCall());
  Action first = s.start();
  EXPECT_FALSE(std::holds_alternative<InvokeFunction>(first));
  EXPECT_EQ(outcomes(s.drainSteps()),
            (std::vector<std::string>{"pick/next", "call/error:NoMatchingError", "stop/end"}));
}

}  // namespace
}  // namespace callgate::flow
