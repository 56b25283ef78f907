// Each supported action type, run through a Session: what it asks the channel for, and every
// transition and error path it can take.
#include <gtest/gtest.h>

#include "unit/core/flow/flow_test_util.h"

namespace callgate::flow {
namespace {

using namespace callgate::flow::flowtest;  // NOLINT: test file

Session sessionFor(const std::vector<Json>& actions) {
  return Session(mustLoad(actions), testCall());
}

// ---- MessageParticipant ----

TEST(SessionTest, MessagePlaysTextThenFollowsNextAction) {
  Session s = sessionFor({message("hi", "Hello there", "end"), hangUp()});
  PlayPrompt p = as<PlayPrompt>(s.start());
  EXPECT_EQ(p.text, "Hello there");
  EXPECT_FALSE(p.ssml);
  EXPECT_EQ(p.promptId, "");
  EXPECT_FALSE(s.finished());
  EXPECT_EQ(disconnectReason(s.handle(PromptPlayed{})), "flow ended");
  EXPECT_TRUE(s.finished());
}

TEST(SessionTest, MessagePlaysSsmlAndPromptIds) {
  Session ssml = sessionFor(
      {action("s", "MessageParticipant", {{"SSML", "<speak>Hi $.ContactId</speak>"}}, next("end")),
       hangUp()});
  PlayPrompt p = as<PlayPrompt>(ssml.start());
  EXPECT_EQ(p.text, "<speak>Hi c-123</speak>");
  EXPECT_TRUE(p.ssml);
  Session prompt =
      sessionFor({action("p", "MessageParticipant",
                         {{"PromptId", "arn:aws:connect:prompt/welcome"}}, next("end")),
                  hangUp()});
  p = as<PlayPrompt>(prompt.start());
  EXPECT_EQ(p.promptId, "arn:aws:connect:prompt/welcome");
  EXPECT_EQ(p.text, "");
}

TEST(SessionTest, MessageRendersEveryReference) {
  Json set =
      action("set", "UpdateContactAttributes", {{"Attributes", {{"name", "Ada"}}}}, next("q"));
  Json queue = action("q", "UpdateContactTargetQueue", {{"QueueId", "Support"}}, next("say"));
  Json say = message(
      "say",
      "$.Attributes.name|$.CustomerEndpoint.Address|$.CustomerEndpoint.Type|$.SystemEndpoint."
      "Address|"
      "$.ContactId|$.InitialContactId|$.Channel|$.LanguageCode|$.Queue.Name|$.External.none|"
      "$.StoredCustomerInput.",
      "end");
  Session s = sessionFor({set, queue, say, hangUp()});
  EXPECT_EQ(as<PlayPrompt>(s.start()).text,
            "Ada|+15551230000|TELEPHONE_NUMBER|+18005550100|c-123|c-123|VOICE|en-US|Support||.");
}

TEST(SessionTest, MessageWithoutNextActionIsAFlowError) {
  Session s = sessionFor({action("hi", "MessageParticipant", {{"Text", "Hi"}})});
  as<PlayPrompt>(s.start());
  EXPECT_EQ(disconnectReason(s.handle(PromptPlayed{})),
            "flow error: action 'hi' (MessageParticipant) has no NextAction");
  EXPECT_TRUE(s.finished());
}

// ---- GetParticipantInput, StoreInput False ----

Json menu(Json errors) {
  return action(
      "menu", "GetParticipantInput",
      {{"Text", "Press 1 for sales or 2 for support"},
       {"StoreInput", "False"},
       {"InputTimeLimitSeconds", "7"}},
      {{"Conditions", {condition("Equals", "1", "sales"), condition("Equals", "2", "support")}},
       {"Errors", std::move(errors)}});
}

std::vector<Json> menuFlow(Json errors) {
  return {menu(std::move(errors)),
          message("sales", "Sales", "end"),
          message("support", "Support", "end"),
          message("nomatch", "Sorry", "end"),
          message("timeout", "Too slow", "end"),
          message("failed", "Failed", "end"),
          hangUp()};
}

Json allMenuErrors() {
  return {errorBranch("NoMatchingCondition", "nomatch"),
          errorBranch("InputTimeLimitExceeded", "timeout"),
          errorBranch("NoMatchingError", "failed")};
}

TEST(SessionTest, KeypressAsksForOneDigit) {
  Session s = sessionFor(menuFlow(allMenuErrors()));
  CollectDigits c = as<CollectDigits>(s.start());
  EXPECT_EQ(c.prompt.text, "Press 1 for sales or 2 for support");
  EXPECT_EQ(c.maxDigits, 1);
  EXPECT_EQ(c.terminator, "");
  EXPECT_EQ(c.timeoutSeconds, 7);
  EXPECT_FALSE(c.storeInput);
}

TEST(SessionTest, KeypressFollowsTheMatchingCondition) {
  Session sales = sessionFor(menuFlow(allMenuErrors()));
  sales.start();
  EXPECT_EQ(as<PlayPrompt>(sales.handle(DigitsCollected{"1"})).text, "Sales");
  Session support = sessionFor(menuFlow(allMenuErrors()));
  support.start();
  EXPECT_EQ(as<PlayPrompt>(support.handle(DigitsCollected{"2"})).text, "Support");
  EXPECT_EQ(outcomes(support.drainSteps()), std::vector<std::string>{"menu/condition:2"});
}

TEST(SessionTest, KeypressWithoutMatchTakesNoMatchingCondition) {
  for (std::string digits : {"9", "", "12", "#"}) {
    Session s = sessionFor(menuFlow(allMenuErrors()));
    s.start();
    EXPECT_EQ(as<PlayPrompt>(s.handle(DigitsCollected{digits})).text, "Sorry") << digits;
  }
}

TEST(SessionTest, InputTimeoutPrefersInputTimeLimitExceeded) {
  Session s = sessionFor(menuFlow(allMenuErrors()));
  s.start();
  EXPECT_EQ(as<PlayPrompt>(s.handle(InputTimedOut{})).text, "Too slow");
  EXPECT_EQ(outcomes(s.drainSteps()),
            std::vector<std::string>{"menu/error:InputTimeLimitExceeded"});
}

TEST(SessionTest, InputTimeoutFallsBackToNoMatchingError) {
  Session s = sessionFor(menuFlow(
      {errorBranch("NoMatchingCondition", "nomatch"), errorBranch("NoMatchingError", "failed")}));
  s.start();
  EXPECT_EQ(as<PlayPrompt>(s.handle(InputTimedOut{})).text, "Failed");
}

TEST(SessionTest, InputTimeoutWithoutAnyErrorBranchIsAFlowError) {
  Session s = sessionFor(menuFlow(Json::array()));
  s.start();
  EXPECT_EQ(disconnectReason(s.handle(InputTimedOut{})),
            "flow error: action 'menu' (GetParticipantInput) has no NoMatchingError branch");
}

// ---- GetParticipantInput, StoreInput True ----

std::vector<Json> storeFlow(Json dtmf = nullptr) {
  Json params{{"Text", "Enter your code"},
              {"StoreInput", "True"},
              {"InputTimeLimitSeconds", "10"},
              {"InputValidation", {{"CustomValidation", {{"MaximumLength", "6"}}}}}};
  if (!dtmf.is_null()) params["DTMFConfiguration"] = dtmf;
  return {action("code", "GetParticipantInput", params,
                 {{"NextAction", "echo"}, {"Errors", {errorBranch("NoMatchingError", "bad")}}}),
          message("echo", "You entered $.StoredCustomerInput", "end"),
          message("bad", "No code: $.StoredCustomerInput.", "end"), hangUp()};
}

TEST(SessionTest, StoredInputAsksForManyDigitsWithTerminator) {
  Session s = sessionFor(storeFlow({{"InputTerminationSequence", "*#"}}));
  CollectDigits c = as<CollectDigits>(s.start());
  EXPECT_EQ(c.prompt.text, "Enter your code");
  EXPECT_EQ(c.maxDigits, 6);
  EXPECT_EQ(c.terminator, "*#");
  EXPECT_EQ(c.timeoutSeconds, 10);
  EXPECT_TRUE(c.storeInput);
  Session defaults = sessionFor(storeFlow());
  EXPECT_EQ(as<CollectDigits>(defaults.start()).terminator, "#");
}

TEST(SessionTest, StoredInputGoesToStoredCustomerInput) {
  Session s = sessionFor(storeFlow());
  s.start();
  EXPECT_EQ(as<PlayPrompt>(s.handle(DigitsCollected{"123456"})).text, "You entered 123456");
  EXPECT_EQ(s.state().storedCustomerInput, "123456");
}

TEST(SessionTest, StoredInputStripsATerminatorTheChannelLeftIn) {
  Session s = sessionFor(storeFlow());
  s.start();
  EXPECT_EQ(as<PlayPrompt>(s.handle(DigitsCollected{"42#"})).text, "You entered 42");
}

TEST(SessionTest, StoredInputTooLongOrNotDtmfTakesNoMatchingError) {
  for (std::string digits : {"1234567", "12a4", "12 4"}) {
    Session s = sessionFor(storeFlow());
    s.start();
    EXPECT_EQ(as<PlayPrompt>(s.handle(DigitsCollected{digits})).text, "No code: .") << digits;
    EXPECT_EQ(s.state().storedCustomerInput, "");
  }
}

TEST(SessionTest, StoredInputTimeoutClearsTheOldValue) {
  Json first = storeFlow()[0];
  first["Identifier"] = "first";
  first["Transitions"]["NextAction"] = "code";
  std::vector<Json> actions = storeFlow();
  actions.insert(actions.begin(), first);
  Session s = sessionFor(actions);
  s.start();
  as<CollectDigits>(s.handle(DigitsCollected{"111"}));
  EXPECT_EQ(s.state().storedCustomerInput, "111");
  EXPECT_EQ(as<PlayPrompt>(s.handle(InputTimedOut{})).text, "No code: .");
}

// ---- UpdateContactAttributes ----

TEST(SessionTest, UpdateContactAttributesSetsDynamicValues) {
  Json set = action("set", "UpdateContactAttributes",
                    {{"Attributes",
                      {{"caller", "$.CustomerEndpoint.Address"},
                       {"greeting", "Hi $.ContactId!"},
                       {"fixed", "yes"}}}},
                    next("end"));
  Session s = sessionFor({set, hangUp()});
  Disconnect d = as<Disconnect>(s.start());
  std::map<std::string, std::string> expected{
      {"caller", "+15551230000"}, {"fixed", "yes"}, {"greeting", "Hi c-123!"}};
  EXPECT_EQ(s.attributes(), expected);
  EXPECT_EQ(d.attributes, expected);
}

TEST(SessionTest, UpdateContactAttributesTakesTheEditorsTargetContactCurrentOnly) {
  Json set = action("set", "UpdateContactAttributes",
                    {{"Attributes", {{"a", "1"}}}, {"TargetContact", "Current"}}, next("end"));
  Session s = sessionFor({set, hangUp()});
  as<Disconnect>(s.start());
  EXPECT_EQ(s.attributes().at("a"), "1");
  std::string related =
      loadError({action("set", "UpdateContactAttributes",
                        {{"Attributes", {{"a", "1"}}}, {"TargetContact", "Related"}}, next("end")),
                 hangUp()});
  EXPECT_NE(related.find("TargetContact 'Related' is not supported"), std::string::npos) << related;
}

TEST(SessionTest, UpdateContactAttributesIsAllOrNothing) {
  // "big" doubles each time round; once it would pass kMaxValueBytes the block fails and sets
  // neither value, so "n" is not bumped on that last visit either.
  Json seed = action("seed", "UpdateContactAttributes",
                     {{"Attributes", {{"big", "0123456789abcdef"}}}}, next("grow"));
  Json grow = action(
      "grow", "UpdateContactAttributes",
      {{"Attributes", {{"big", "$.Attributes.big$.Attributes.big"}, {"n", "x$.Attributes.n"}}}},
      {{"NextAction", "grow"}, {"Errors", {errorBranch("NoMatchingError", "say")}}});
  Session s = sessionFor({seed, grow, message("say", "stopped", "end"), hangUp()});
  EXPECT_EQ(as<PlayPrompt>(s.start()).text, "stopped");
  EXPECT_EQ(s.attributes().at("big").size(), kMaxValueBytes);
  EXPECT_EQ(s.attributes().at("n"), std::string(11, 'x'));  // 16 << 11 = 32768
}

// ---- Compare ----

std::vector<Json> compareFlow(const std::string& op, const std::string& operand,
                              const std::string& value) {
  Json set =
      action("set", "UpdateContactAttributes", {{"Attributes", {{"v", value}}}}, next("cmp"));
  Json cmp = action("cmp", "Compare", {{"ComparisonValue", "$.Attributes.v"}},
                    {{"Conditions", {condition(op, operand, "yes")}},
                     {"Errors", {errorBranch("NoMatchingCondition", "no")}}});
  return {set, cmp, message("yes", "yes", "end"), message("no", "no", "end"), hangUp()};
}

std::string compareResult(const std::string& op, const std::string& operand,
                          const std::string& value) {
  Session s(mustLoad(compareFlow(op, operand, value)), testCall());
  return as<PlayPrompt>(s.start()).text;
}

TEST(SessionTest, CompareSupportsEveryOperator) {
  EXPECT_EQ(compareResult("Equals", "Gold", "Gold"), "yes");
  EXPECT_EQ(compareResult("Equals", "Gold", "gold"), "no");
  EXPECT_EQ(compareResult("TextStartsWith", "+44", "+4420"), "yes");
  EXPECT_EQ(compareResult("TextStartsWith", "+44", "+1"), "no");
  EXPECT_EQ(compareResult("TextEndsWith", "son", "Jackson"), "yes");
  EXPECT_EQ(compareResult("TextEndsWith", "son", "Jack"), "no");
  EXPECT_EQ(compareResult("TextContains", "500", "HTTP 500"), "yes");
  EXPECT_EQ(compareResult("TextContains", "500", "HTTP 200"), "no");
  EXPECT_EQ(compareResult("NumberGreaterThan", "3", "10"), "yes");
  EXPECT_EQ(compareResult("NumberGreaterThan", "3", "3"), "no");
  EXPECT_EQ(compareResult("NumberGreaterOrEqualTo", "3", "3"), "yes");
  EXPECT_EQ(compareResult("NumberGreaterOrEqualTo", "3", "2"), "no");
  EXPECT_EQ(compareResult("NumberLessThan", "3", "2.5"), "yes");
  EXPECT_EQ(compareResult("NumberLessThan", "3", "3"), "no");
  EXPECT_EQ(compareResult("NumberLessOrEqualTo", "3", "3"), "yes");
  EXPECT_EQ(compareResult("NumberLessOrEqualTo", "3", "4"), "no");
  EXPECT_EQ(compareResult("NumberLessThan", "3", "two"), "no");  // not a number: false
}

TEST(SessionTest, CompareTakesTheFirstTrueConditionInOrder) {
  Json set = action("set", "UpdateContactAttributes", {{"Attributes", {{"v", "15"}}}}, next("cmp"));
  Json cmp = action(
      "cmp", "Compare", {{"ComparisonValue", "$.Attributes.v"}},
      {{"Conditions",
        {condition("NumberGreaterThan", "20", "a"), condition("NumberGreaterThan", "10", "b"),
         condition("NumberGreaterThan", "5", "c")}},
       {"Errors", {errorBranch("NoMatchingCondition", "c")}}});
  Session s = sessionFor({set, cmp, message("a", "a", "end"), message("b", "b", "end"),
                          message("c", "c", "end"), hangUp()});
  EXPECT_EQ(as<PlayPrompt>(s.start()).text, "b");
  EXPECT_EQ(outcomes(s.drainSteps()), (std::vector<std::string>{"set/next", "cmp/condition:10"}));
}

TEST(SessionTest, CompareWithoutNoMatchingConditionBranchIsAFlowError) {
  Json cmp = action("cmp", "Compare", {{"ComparisonValue", "$.Attributes.v"}},
                    {{"Conditions", {condition("Equals", "x", "end")}}});
  Session s = sessionFor({cmp, hangUp()});
  EXPECT_EQ(disconnectReason(s.start()),
            "flow error: action 'cmp' (Compare) has no NoMatchingCondition branch");
}

// ---- InvokeLambdaFunction ----

std::vector<Json> invokeFlow(Json params) {
  params["LambdaFunctionARN"] = "arn:aws:lambda:us-east-1:000000000000:function:verify-otp";
  return {action("fn", "InvokeLambdaFunction", params,
                 {{"NextAction", "say"}, {"Errors", {errorBranch("NoMatchingError", "failed")}}}),
          message("say", "status=$.External.status old=$.External.old", "end"),
          message("failed", "failed [$.External.old]", "end"), hangUp()};
}

TEST(SessionTest, InvokeAsksForTheBuiltInFunction) {
  Session s = sessionFor(invokeFlow(
      {{"LambdaInvocationAttributes", {{"code", "$.CustomerEndpoint.Address"}, {"mode", "sms"}}},
       {"InvocationTimeLimitSeconds", "8"}}));
  InvokeFunction f = as<InvokeFunction>(s.start());
  EXPECT_EQ(f.function, "verify-otp");
  EXPECT_EQ(f.timeoutSeconds, 8);
  std::map<std::string, std::string> expected{{"code", "+15551230000"}, {"mode", "sms"}};
  EXPECT_EQ(f.parameters, expected);
  Session defaults = sessionFor(invokeFlow(Json::object()));
  f = as<InvokeFunction>(defaults.start());
  EXPECT_EQ(f.timeoutSeconds, 3);
  EXPECT_TRUE(f.parameters.empty());
}

TEST(SessionTest, InvokeResultReplacesExternalEntirely) {
  Json first = invokeFlow(Json::object())[0];
  first["Identifier"] = "first";
  first["Transitions"]["NextAction"] = "fn";
  std::vector<Json> actions = invokeFlow(Json::object());
  actions.insert(actions.begin(), first);
  Session s = sessionFor(actions);
  s.start();
  as<InvokeFunction>(s.handle(FunctionCompleted{{{"old", "1"}, {"status", "first"}}}));
  EXPECT_EQ(as<PlayPrompt>(s.handle(FunctionCompleted{{{"status", "ok"}}})).text, "status=ok old=");
  EXPECT_EQ(s.state().external, (std::map<std::string, std::string>{{"status", "ok"}}));
}

TEST(SessionTest, InvokeFailureTakesNoMatchingErrorAndClearsExternal) {
  Json first = invokeFlow(Json::object())[0];
  first["Identifier"] = "first";
  first["Transitions"]["NextAction"] = "fn";
  std::vector<Json> actions = invokeFlow(Json::object());
  actions.insert(actions.begin(), first);
  Session s = sessionFor(actions);
  s.start();
  as<InvokeFunction>(s.handle(FunctionCompleted{{{"old", "stale"}}}));
  EXPECT_EQ(as<PlayPrompt>(s.handle(FunctionFailed{"timeout"})).text, "failed []");
  EXPECT_EQ(outcomes(s.drainSteps()),
            (std::vector<std::string>{"first/next", "fn/error:NoMatchingError"}));
}

TEST(SessionTest, InvokeResultOverTheLimitIsAFailure) {
  Session s = sessionFor(invokeFlow(Json::object()));
  s.start();
  FunctionCompleted huge{{{"status", std::string(kMaxValueBytes, 'x')}}};
  EXPECT_EQ(as<PlayPrompt>(s.handle(huge)).text, "failed []");
}

// ---- UpdateContactTargetQueue and TransferContactToQueue ----

TEST(SessionTest, TransferGoesToTheTargetQueueWithAllAttributes) {
  Json set = action("set", "UpdateContactAttributes", {{"Attributes", {{"authenticated", "True"}}}},
                    next("q"));
  Json q = action("q", "UpdateContactTargetQueue",
                  {{"QueueId", "arn:aws:connect:us-east-1:1:instance/i/queue/Agents"}}, next("go"));
  Json go = action("go", "TransferContactToQueue", Json::object(),
                   {{"Errors", {errorBranch("NoMatchingError", "end")}}});
  Session s = sessionFor({set, q, go, hangUp()});
  TransferToQueue t = as<TransferToQueue>(s.start());
  EXPECT_EQ(t.queue, "Agents");
  EXPECT_EQ(t.attributes, (std::map<std::string, std::string>{{"authenticated", "True"}}));
  EXPECT_TRUE(s.finished());
  EXPECT_EQ(outcomes(s.drainSteps()), (std::vector<std::string>{"set/next", "q/next", "go/end"}));
  EXPECT_EQ(disconnectReason(s.handle(PromptPlayed{})), "call transferred");
}

TEST(SessionTest, TargetQueueCanComeFromAReference) {
  Json set =
      action("set", "UpdateContactAttributes", {{"Attributes", {{"queue", "Gold"}}}}, next("q"));
  Json q = action("q", "UpdateContactTargetQueue", {{"QueueId", "$.Attributes.queue"}}, next("go"));
  Json go = action("go", "TransferContactToQueue");
  Session s = sessionFor({set, q, go});
  EXPECT_EQ(as<TransferToQueue>(s.start()).queue, "Gold");
}

TEST(SessionTest, EmptyTargetQueueTakesNoMatchingError) {
  Json q = action("q", "UpdateContactTargetQueue", {{"QueueId", "$.Attributes.missing"}},
                  {{"NextAction", "go"}, {"Errors", {errorBranch("NoMatchingError", "noqueue")}}});
  Session s = sessionFor(
      {q, action("go", "TransferContactToQueue"), message("noqueue", "no queue", "end"), hangUp()});
  EXPECT_EQ(as<PlayPrompt>(s.start()).text, "no queue");
}

TEST(SessionTest, TransferWithoutQueueTakesNoMatchingError) {
  Json go = action("go", "TransferContactToQueue", Json::object(),
                   {{"Errors", {errorBranch("NoMatchingError", "sorry")}}});
  Session s = sessionFor({go, message("sorry", "No queue", "end"), hangUp()});
  EXPECT_EQ(as<PlayPrompt>(s.start()).text, "No queue");
  Session bare = sessionFor({action("go", "TransferContactToQueue")});
  EXPECT_EQ(disconnectReason(bare.start()),
            "flow error: action 'go' (TransferContactToQueue) has no NoMatchingError branch");
}

// ---- DisconnectParticipant ----

TEST(SessionTest, DisconnectEndsTheFlowWithAttributes) {
  Json set = action("set", "UpdateContactAttributes", {{"Attributes", {{"k", "v"}}}}, next("end"));
  Session s = sessionFor({set, hangUp()});
  Disconnect d = as<Disconnect>(s.start());
  EXPECT_EQ(d.reason, "flow ended");
  EXPECT_EQ(d.attributes.at("k"), "v");
  EXPECT_EQ(outcomes(s.drainSteps()), (std::vector<std::string>{"set/next", "end/end"}));
}

// ---- Loop ----

TEST(SessionTest, LoopContinuesLoopCountTimesThenIsDoneAndResets) {
  Json loop = action("loop", "Loop", {{"LoopCount", "2"}},
                     {{"Conditions",
                       {condition("Equals", "ContinueLooping", "again"),
                        condition("Equals", "DoneLooping", "done")}}});
  Session s =
      sessionFor({message("start", "start", "loop"), loop, message("again", "again", "loop"),
                  message("done", "done", "loop"), hangUp()});
  EXPECT_EQ(as<PlayPrompt>(s.start()).text, "start");
  EXPECT_EQ(as<PlayPrompt>(s.handle(PromptPlayed{})).text, "again");
  EXPECT_EQ(as<PlayPrompt>(s.handle(PromptPlayed{})).text, "again");
  EXPECT_EQ(as<PlayPrompt>(s.handle(PromptPlayed{})).text, "done");
  EXPECT_EQ(as<PlayPrompt>(s.handle(PromptPlayed{})).text, "again");  // counter started over
  EXPECT_EQ(outcomes(s.drainSteps()),
            (std::vector<std::string>{"start/next", "loop/condition:ContinueLooping", "again/next",
                                      "loop/condition:ContinueLooping", "again/next",
                                      "loop/condition:DoneLooping", "done/next",
                                      "loop/condition:ContinueLooping"}));
}

TEST(SessionTest, LoopCountZeroIsDoneAtOnce) {
  Json loop = action("loop", "Loop", {{"LoopCount", "0"}},
                     {{"Conditions",
                       {condition("Equals", "DoneLooping", "done"),
                        condition("Equals", "ContinueLooping", "loop")}}});
  Session s = sessionFor({loop, message("done", "done", "end"), hangUp()});
  EXPECT_EQ(as<PlayPrompt>(s.start()).text, "done");
}

}  // namespace
}  // namespace callgate::flow
