#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

#include "unit/core/flow/flow_test_util.h"

namespace callgate::flow {
namespace {

using namespace callgate::flow::flowtest;  // NOLINT: test file
using ::testing::HasSubstr;

Json storeInput(const std::string& id, Json extra = Json::object()) {
  Json params{{"Text", "Enter"},
              {"StoreInput", "True"},
              {"InputValidation", {{"CustomValidation", {{"MaximumLength", "6"}}}}}};
  params.update(extra);
  return action(
      id, "GetParticipantInput", params,
      {{"NextAction", "end"}, {"Errors", Json::array({errorBranch("NoMatchingError", "end")})}});
}

TEST(FlowLoaderTest, LoadsAMinimalFlow) {
  auto flow = mustLoad({message("hello", "Hi", "end"), hangUp()});
  ASSERT_NE(flow, nullptr);
  EXPECT_EQ(flow->blocks().size(), 2u);
  EXPECT_EQ(flow->startBlock().id, "hello");
  EXPECT_EQ(flow->indexOf("end"), 1u);
  EXPECT_EQ(flow->indexOf("nope"), kNoBlock);
  EXPECT_EQ(flow->find("end")->type, BlockType::kDisconnectParticipant);
  EXPECT_TRUE(flow->warnings().empty());
  EXPECT_EQ(flow->fingerprint().size(), 16u);
}

TEST(FlowLoaderTest, AcceptsTheContactFlowWrapper) {
  std::string inner = flowJson({message("hello", "Hi", "end"), hangUp()});
  Json wrapper{{"ContactFlow", {{"Name", "Sample"}, {"Type", "CONTACT_FLOW"}, {"Content", inner}}}};
  auto flow = mustLoad(wrapper.dump());
  ASSERT_NE(flow, nullptr);
  EXPECT_EQ(flow->startBlock().id, "hello");
  // Same flow, same fingerprint, wrapped or not.
  EXPECT_EQ(flow->fingerprint(), mustLoad(inner)->fingerprint());
}

TEST(FlowLoaderTest, RejectsAWrapperWithoutContent) {
  EXPECT_THAT(loadError(R"({"ContactFlow": {"Name": "x"}})"),
              HasSubstr("ContactFlow must be an object"));
  EXPECT_THAT(loadError(R"({"ContactFlow": {"Content": "{not json"}})"),
              HasSubstr("malformed ContactFlow.Content JSON: parse error at line 1, column 3"));
}

TEST(FlowLoaderTest, RejectsMalformedJsonWithPosition) {
  std::string error = loadError("{\n  \"Version\": \"2019-10-30\",\n  \"Actions\": [,]\n}");
  EXPECT_THAT(error, HasSubstr("malformed flow JSON"));
  EXPECT_THAT(error, HasSubstr("line 3, column"));
  EXPECT_THAT(loadError(""), HasSubstr("malformed flow JSON"));
  EXPECT_THAT(loadError("[1, 2]"), HasSubstr("flow: the document must be a JSON object"));
}

TEST(FlowLoaderTest, RejectsWrongOrMissingVersion) {
  Json doc = Json::parse(flowJson({hangUp()}));
  doc["Version"] = "2020-01-01";
  EXPECT_EQ(loadError(doc.dump()),
            "flow: unsupported Version \"2020-01-01\" (only \"2019-10-30\")");
  doc.erase("Version");
  EXPECT_EQ(loadError(doc.dump()), "flow: missing Version");
}

TEST(FlowLoaderTest, RejectsMissingStartAction) {
  Json doc = Json::parse(flowJson({hangUp()}));
  doc.erase("StartAction");
  EXPECT_EQ(loadError(doc.dump()), "flow: missing StartAction");
}

TEST(FlowLoaderTest, RejectsDanglingStartAction) {
  EXPECT_EQ(loadError(flowJson({hangUp()}, "nowhere")),
            "flow: StartAction 'nowhere' does not name an action");
}

TEST(FlowLoaderTest, RejectsMissingEmptyOrHugeActions) {
  EXPECT_EQ(loadError(R"({"Version": "2019-10-30", "StartAction": "a"})"),
            "flow: missing Actions array");
  EXPECT_EQ(loadError(R"({"Version": "2019-10-30", "StartAction": "a", "Actions": []})"),
            "flow: Actions is empty");
  std::vector<Json> many;
  for (int i = 0; i < 251; ++i) many.push_back(hangUp("end" + std::to_string(i)));
  EXPECT_EQ(loadError(many), "flow: 251 actions; at most 250 are allowed");
  many.pop_back();
  EXPECT_NE(mustLoad(many), nullptr);
}

TEST(FlowLoaderTest, RejectsUnknownActionTypeNamingTheAction) {
  // (Behaviour-only types such as UpdateFlowLoggingBehavior load as pass-through actions; see
  // passthrough_actions_test.cc.)
  EXPECT_EQ(loadError({action("table", "EvaluateDataTableValues"), hangUp()}),
            "action 'table' (EvaluateDataTableValues): unsupported action Type "
            "'EvaluateDataTableValues'");
  Json noType = hangUp("x");
  noType.erase("Type");
  EXPECT_EQ(loadError({noType}), "action 'x' (no Type): missing Type");
}

TEST(FlowLoaderTest, RejectsDuplicateIdentifier) {
  EXPECT_EQ(loadError({message("a", "Hi", "end"), hangUp(), hangUp()}),
            "action 'end' (DisconnectParticipant): duplicate Identifier (also action #2)");
}

TEST(FlowLoaderTest, RejectsInvalidIdentifiers) {
  EXPECT_THAT(
      loadError({hangUp("a:b")}),
      HasSubstr(
          "action 'a:b' (DisconnectParticipant): Identifier contains the reserved character ':'"));
  EXPECT_THAT(loadError({hangUp("$start")}), HasSubstr("reserved character '$'"));
  EXPECT_THAT(loadError({hangUp(std::string(51, 'x'))}),
              HasSubstr("Identifier is longer than 50 characters"));
  EXPECT_THAT(loadError(flowJson({hangUp("")}, "x")), HasSubstr("Identifier must not be empty"));
  EXPECT_THAT(loadError({hangUp("tab\there")}), HasSubstr("control character"));
  Json noId = hangUp();
  noId.erase("Identifier");
  EXPECT_EQ(loadError({noId}), "action #1 (DisconnectParticipant): missing Identifier");
  EXPECT_NE(mustLoad({hangUp(std::string(50, 'x'))}), nullptr);
  EXPECT_EQ(loadError(R"({"Version": "2019-10-30", "StartAction": "a", "Actions": [42]})"),
            "action #1: must be an object");
}

TEST(FlowLoaderTest, RejectsDanglingNextAction) {
  EXPECT_EQ(loadError({message("hello", "Hi", "missing"), hangUp()}),
            "action 'hello' (MessageParticipant): dangling NextAction 'missing': no action has "
            "that Identifier");
}

TEST(FlowLoaderTest, RejectsDanglingConditionAndErrorTargets) {
  Json cmp = action("cmp", "Compare", {{"ComparisonValue", "$.Attributes.x"}},
                    {{"Conditions", {condition("Equals", "1", "ghost")}},
                     {"Errors", {errorBranch("NoMatchingCondition", "end")}}});
  EXPECT_EQ(loadError({cmp, hangUp()}),
            "action 'cmp' (Compare): dangling NextAction 'ghost' in condition Equals '1': no "
            "action has that Identifier");
  Json msg = action("m", "MessageParticipant", {{"Text", "Hi"}},
                    {{"NextAction", "end"}, {"Errors", {errorBranch("NoMatchingError", "ghost")}}});
  EXPECT_EQ(loadError({msg, hangUp()}),
            "action 'm' (MessageParticipant): dangling NextAction 'ghost' in error branch "
            "NoMatchingError: no action has that Identifier");
}

TEST(FlowLoaderTest, RejectsBadReferences) {
  Json cmp = action("a1b2", "Compare", {{"ComparisonValue", "$.Foo.bar"}},
                    {{"Errors", {errorBranch("NoMatchingCondition", "end")}}});
  EXPECT_EQ(loadError({cmp, hangUp()}), "action 'a1b2' (Compare): unknown reference '$.Foo.bar'");
  EXPECT_EQ(
      loadError({message("m", "Hello $.External.first name $.Customers.Name", "end"), hangUp()}),
      "action 'm' (MessageParticipant): unknown reference '$.Customers.Name'");
  Json attrs = action("set", "UpdateContactAttributes", {{"Attributes", {{"x", "$.Attributes"}}}},
                      next("end"));
  EXPECT_EQ(loadError({attrs, hangUp()}),
            "action 'set' (UpdateContactAttributes): unknown reference '$.Attributes'");
  Json staticCmp = action("c", "Compare", {{"ComparisonValue", "hello"}});
  EXPECT_THAT(loadError({staticCmp}), HasSubstr("ComparisonValue must be a single reference"));
  Json textCmp = action("c", "Compare", {{"ComparisonValue", "Hi $.Attributes.x"}});
  EXPECT_THAT(loadError({textCmp}), HasSubstr("ComparisonValue must be a single reference"));
  Json prompt =
      action("p", "MessageParticipant", {{"PromptId", "prompt-$.Attributes.x"}}, next("end"));
  EXPECT_THAT(loadError({prompt, hangUp()}),
              HasSubstr("PromptId must be static text or a single reference"));
}

TEST(FlowLoaderTest, RejectsMissingRequiredParameters) {
  EXPECT_EQ(
      loadError({action("m", "MessageParticipant", Json::object(), next("end")), hangUp()}),
      "action 'm' (MessageParticipant): missing required parameter: one of Text, SSML or PromptId");
  EXPECT_EQ(
      loadError({action("m", "MessageParticipant", {{"Text", "a"}, {"SSML", "<speak>b</speak>"}}),
                 hangUp()}),
      "action 'm' (MessageParticipant): exactly one of Text, SSML or PromptId is allowed");
  EXPECT_EQ(loadError({action("s", "UpdateContactAttributes"), hangUp()}),
            "action 's' (UpdateContactAttributes): missing required parameter Attributes");
  EXPECT_EQ(loadError({action("s", "UpdateContactAttributes", {{"Attributes", Json::object()}}),
                       hangUp()}),
            "action 's' (UpdateContactAttributes): Attributes must set at least one attribute");
  EXPECT_EQ(loadError({action("c", "Compare"), hangUp()}),
            "action 'c' (Compare): missing required parameter ComparisonValue");
  EXPECT_EQ(loadError({action("f", "InvokeLambdaFunction"), hangUp()}),
            "action 'f' (InvokeLambdaFunction): missing required parameter LambdaFunctionARN");
  EXPECT_EQ(loadError({action("q", "UpdateContactTargetQueue"), hangUp()}),
            "action 'q' (UpdateContactTargetQueue): missing required parameter QueueId");
  EXPECT_EQ(loadError({action("l", "Loop"), hangUp()}),
            "action 'l' (Loop): missing required parameter LoopCount");
  EXPECT_EQ(loadError({action("m", "MessageParticipant", {{"Text", ""}}), hangUp()}),
            "action 'm' (MessageParticipant): Text must not be empty");
  EXPECT_EQ(loadError({action("m", "MessageParticipant", {{"Text", 5}}), hangUp()}),
            "action 'm' (MessageParticipant): Text must be a string");
}

TEST(FlowLoaderTest, StoredInputNeedsMaximumLength) {
  Json in = storeInput("in");
  in["Parameters"].erase("InputValidation");
  EXPECT_EQ(loadError({in, hangUp()}),
            "action 'in' (GetParticipantInput): missing required parameter InputValidation "
            "(StoreInput is True)");
  in["Parameters"]["InputValidation"] = {{"CustomValidation", Json::object()}};
  EXPECT_EQ(loadError({in, hangUp()}),
            "action 'in' (GetParticipantInput): missing required parameter "
            "InputValidation.CustomValidation.MaximumLength");
  in["Parameters"]["InputValidation"] = {{"CustomValidation", {{"MaximumLength", "0"}}}};
  EXPECT_THAT(loadError({in, hangUp()}),
              HasSubstr("MaximumLength must be a whole number from 1 to 64"));
  Json keyed = action("k", "GetParticipantInput",
                      {{"Text", "Press 1"},
                       {"StoreInput", "False"},
                       {"InputValidation", {{"CustomValidation", {{"MaximumLength", "4"}}}}}});
  EXPECT_THAT(loadError({keyed}),
              HasSubstr("InputValidation is only allowed when StoreInput is True"));
}

TEST(FlowLoaderTest, RejectsBadParameterValues) {
  EXPECT_THAT(loadError({storeInput("in", {{"StoreInput", "Yes"}}), hangUp()}),
              HasSubstr("StoreInput must be \"True\" or \"False\""));
  EXPECT_THAT(loadError({storeInput("in", {{"InputTimeLimitSeconds", "0"}}), hangUp()}),
              HasSubstr("InputTimeLimitSeconds must be a whole number from 1 to 604800"));
  EXPECT_THAT(loadError({storeInput("in", {{"InputTimeLimitSeconds", "5s"}}), hangUp()}),
              HasSubstr("InputTimeLimitSeconds must be a whole number"));
  EXPECT_THAT(
      loadError({storeInput("in", {{"DTMFConfiguration", {{"InputTerminationSequence", "#A"}}}}),
                 hangUp()}),
      HasSubstr("InputTerminationSequence must be 1 to 5 of 0-9 * #"));
  EXPECT_THAT(
      loadError(
          {storeInput("in", {{"DTMFConfiguration", {{"InputTerminationSequence", "######"}}}}),
           hangUp()}),
      HasSubstr("InputTerminationSequence must be 1 to 5"));
  for (const char* limit : {"0", "9", "-1", "3.5"}) {
    Json f = action("f", "InvokeLambdaFunction",
                    {{"LambdaFunctionARN", "fn"}, {"InvocationTimeLimitSeconds", limit}});
    EXPECT_THAT(loadError({f}),
                HasSubstr("InvocationTimeLimitSeconds must be a whole number from 1 to 8"))
        << limit;
  }
  Json loop = action("l", "Loop", {{"LoopCount", "101"}});
  EXPECT_THAT(loadError({loop}), HasSubstr("LoopCount must be a whole number from 0 to 100"));
  Json badAttr =
      action("s", "UpdateContactAttributes", {{"Attributes", {{"n", Json::array()}}}}, next("end"));
  EXPECT_THAT(loadError({badAttr, hangUp()}), HasSubstr("Attributes.n must be a string"));
}

TEST(FlowLoaderTest, RejectsUnsupportedFeaturesInsteadOfIgnoringThem) {
  EXPECT_THAT(
      loadError({action("m", "MessageParticipant", {{"Media", {{"Uri", "s3://x"}}}}), hangUp()}),
      HasSubstr("Media (audio from S3) is not supported"));
  EXPECT_THAT(
      loadError({storeInput("in", {{"InputEncryption", {{"EncryptionKeyId", "k"}}}}), hangUp()}),
      HasSubstr("InputEncryption is not supported"));
  EXPECT_THAT(
      loadError({action("q", "UpdateContactTargetQueue", {{"AgentId", "agent-1"}}), hangUp()}),
      HasSubstr("AgentId (agent queues) is not supported"));
  Json async = action("f", "InvokeLambdaFunction",
                      {{"LambdaFunctionARN", "fn"}, {"InvocationType", "ASYNCHRONOUS"}});
  EXPECT_THAT(loadError({async}), HasSubstr("InvocationType 'ASYNCHRONOUS' is not supported"));
}

TEST(FlowLoaderTest, RejectsBadOperators) {
  auto compareWith = [](Json cond) {
    return action(
        "c", "Compare", {{"ComparisonValue", "$.Attributes.x"}},
        {{"Conditions", {cond}}, {"Errors", {errorBranch("NoMatchingCondition", "end")}}});
  };
  EXPECT_EQ(loadError({compareWith(condition("Contains", "500", "end")), hangUp()}),
            "action 'c' (Compare): unknown Operator 'Contains'");
  EXPECT_EQ(loadError({compareWith(condition("NumberLessThan", "five", "end")), hangUp()}),
            "action 'c' (Compare): operand 'five' of NumberLessThan is not a number");
  Json twoOperands = condition("Equals", "a", "end");
  twoOperands["Condition"]["Operands"] = {"a", "b"};
  EXPECT_THAT(loadError({compareWith(twoOperands), hangUp()}),
              HasSubstr("needs exactly one string in Operands"));
  Json noOperator = condition("Equals", "a", "end");
  noOperator["Condition"].erase("Operator");
  EXPECT_THAT(loadError({compareWith(noOperator), hangUp()}),
              HasSubstr("a condition needs an Operator"));
}

TEST(FlowLoaderTest, RestrictsConditionsByActionType) {
  Json keyed = action("k", "GetParticipantInput", {{"Text", "Press 1"}, {"StoreInput", "False"}},
                      {{"Conditions", {condition("TextStartsWith", "1", "end")}}});
  EXPECT_THAT(loadError({keyed, hangUp()}),
              HasSubstr("conditions must be Equals on one key (0-9, * or #)"));
  keyed["Transitions"]["Conditions"] = {condition("Equals", "12", "end")};
  EXPECT_THAT(loadError({keyed, hangUp()}), HasSubstr("conditions must be Equals on one key"));
  Json stored = storeInput("in");
  stored["Transitions"]["Conditions"] = {condition("Equals", "1", "end")};
  EXPECT_THAT(loadError({stored, hangUp()}),
              HasSubstr("Conditions are not allowed when StoreInput is True"));
  Json msg = action("m", "MessageParticipant", {{"Text", "Hi"}},
                    {{"NextAction", "end"}, {"Conditions", {condition("Equals", "1", "end")}}});
  EXPECT_EQ(loadError({msg, hangUp()}),
            "action 'm' (MessageParticipant): Conditions are not supported by this action type");
  Json loop = action("l", "Loop", {{"LoopCount", "2"}},
                     {{"Conditions", {condition("Equals", "ContinueLooping", "end")}}});
  EXPECT_EQ(loadError({loop, hangUp()}),
            "action 'l' (Loop): needs both a ContinueLooping and a DoneLooping condition");
  loop["Transitions"]["Conditions"] = {condition("Equals", "KeepGoing", "end")};
  EXPECT_THAT(loadError({loop, hangUp()}),
              HasSubstr("conditions must be Equals ContinueLooping or Equals DoneLooping"));
}

TEST(FlowLoaderTest, RestrictsErrorTypesByActionType) {
  Json msg = action("m", "MessageParticipant", {{"Text", "Hi"}},
                    {{"NextAction", "end"}, {"Errors", {errorBranch("NoMatchError", "end")}}});
  EXPECT_EQ(loadError({msg, hangUp()}),
            "action 'm' (MessageParticipant): ErrorType 'NoMatchError' is not valid here (expected "
            "NoMatchingError)");
  msg["Transitions"]["Errors"] = {errorBranch("NoMatchingError", "end"),
                                  errorBranch("NoMatchingError", "end")};
  EXPECT_THAT(loadError({msg, hangUp()}), HasSubstr("duplicate ErrorType 'NoMatchingError'"));
  Json end = action("end", "DisconnectParticipant", Json::object(),
                    {{"Errors", {errorBranch("NoMatchingError", "end")}}});
  EXPECT_THAT(loadError({end}), HasSubstr("is not valid here (expected none)"));
  Json noTarget = action("m", "MessageParticipant", {{"Text", "Hi"}},
                         {{"Errors", {{{"ErrorType", "NoMatchingError"}}}}});
  EXPECT_THAT(loadError({noTarget}), HasSubstr("error branch NoMatchingError needs a NextAction"));
}

TEST(FlowLoaderTest, RejectsUnknownFunctions) {
  LoadOptions options;
  options.resolveFunction = [](const std::string& arn) -> std::optional<std::string> {
    std::string name = functionNameFromArn(arn);
    if (name == "lookup-caller") return "lookup_caller";
    return std::nullopt;
  };
  Json ok = action(
      "f", "InvokeLambdaFunction",
      {{"LambdaFunctionARN", "arn:aws:lambda:us-east-1:000000000000:function:lookup-caller"}},
      next("end"));
  auto flow = mustLoad(flowJson({ok, hangUp()}), options);
  ASSERT_NE(flow, nullptr);
  EXPECT_EQ(std::get<InvokeLambdaFunctionParams>(flow->startBlock().params).function,
            "lookup_caller");

  Json bad =
      action("f", "InvokeLambdaFunction",
             {{"LambdaFunctionARN", "arn:aws:lambda:us-east-1:1:function:mystery"}}, next("end"));
  EXPECT_EQ(loadError(flowJson({bad, hangUp()}), options),
            "action 'f' (InvokeLambdaFunction): unknown function "
            "'arn:aws:lambda:us-east-1:1:function:mystery'");
}

TEST(FlowLoaderTest, ResolverExceptionsDoNotEscape) {
  LoadOptions options;
  options.resolveFunction = [](const std::string&) -> std::optional<std::string> {
    throw std::runtime_error("registry exploded");
  };
  Json f = action("f", "InvokeLambdaFunction", {{"LambdaFunctionARN", "fn"}}, next("end"));
  Result<std::shared_ptr<const Flow>> flow = Flow::load(flowJson({f, hangUp()}), options);
  ASSERT_FALSE(flow.ok());
  EXPECT_EQ(flow.error().code(), ErrorCode::kInternal);
  EXPECT_THAT(flow.error().message(), HasSubstr("registry exploded"));
}

TEST(FlowLoaderTest, FunctionNameFromArn) {
  EXPECT_EQ(functionNameFromArn("arn:aws:lambda:us-east-1:000000000000:function:lookup-caller"),
            "lookup-caller");
  EXPECT_EQ(functionNameFromArn("arn:aws:lambda:eu-west-1:123:function:verify-otp:prod"),
            "verify-otp");
  EXPECT_EQ(functionNameFromArn("send-otp"), "send-otp");
  EXPECT_EQ(functionNameFromArn("%%LAMBDA_ARN%%"), "%%LAMBDA_ARN%%");
}

TEST(FlowLoaderTest, QueueArnIsCutToTheQueue) {
  EXPECT_EQ(queueFromQueueId("arn:aws:connect:us-east-1:1:instance/abc/queue/q-42"), "q-42");
  EXPECT_EQ(queueFromQueueId("Agents"), "Agents");
  Json q = action("q", "UpdateContactTargetQueue",
                  {{"QueueId", "arn:aws:connect:us-east-1:1:instance/abc/queue/"}}, next("end"));
  EXPECT_THAT(loadError({q, hangUp()}), HasSubstr("names no queue"));
}

TEST(FlowLoaderTest, RefusesDeeplyNestedOrOversizedInput) {
  std::string deep = std::string(100, '[') + std::string(100, ']');
  EXPECT_THAT(loadError(deep), HasSubstr("nested deeper than 64 levels"));
  // Brackets inside strings do not count.
  Json doc = Json::parse(flowJson({message("m", std::string(100, '['), "end"), hangUp()}));
  EXPECT_NE(mustLoad(doc.dump()), nullptr);
  std::string huge(kMaxFlowJsonBytes + 1, ' ');
  EXPECT_THAT(loadError(huge), HasSubstr("larger than"));
  EXPECT_THAT(
      loadError({message("m", std::string(kMaxStringParameterBytes + 1, 'a'), "end"), hangUp()}),
      HasSubstr("Text is longer than"));
}

TEST(FlowLoaderTest, WarnsAboutSuspiciousButLegalFlows) {
  Json cmp = action("cmp", "Compare", {{"ComparisonValue", "$.Attributes.x"}},
                    {{"Conditions", {condition("Equals", "1", "end")}}});
  Json orphan = message("orphan", "Nobody comes here", "end");
  Json dead = action("dead-end", "MessageParticipant", {{"Text", "Hi"}});
  auto flow = mustLoad({cmp, hangUp(), orphan, dead});
  ASSERT_NE(flow, nullptr);
  std::vector<std::string> expected = {
      "action 'cmp' (Compare): no NoMatchingCondition branch; an unmatched value ends the call "
      "with a flow error",
      "action 'orphan' (MessageParticipant): unreachable from StartAction",
      "action 'dead-end' (MessageParticipant): unreachable from StartAction",
      "action 'dead-end' (MessageParticipant): no NextAction; a call that gets here ends with a "
      "flow error",
  };
  EXPECT_EQ(flow->warnings(), expected);
}

TEST(FlowLoaderTest, AcceptsConnectExportShapes) {
  // Empty Errors/Conditions arrays, numbers as strings, Metadata, a Compare with a NextAction, a
  // terminal action with Transitions {} and another without Parameters: all as Connect writes them.
  std::string json = R"({
    "Version": "2019-10-30", "StartAction": "in",
    "Metadata": {"entryPointPosition": {"x": 15, "y": 15}, "ActionMetadata": {"in": {"position": {"x": 1, "y": 2}}}},
    "Actions": [
      {"Identifier": "in", "Type": "GetParticipantInput",
       "Parameters": {"SSML": "<speak>Key in your number</speak>", "StoreInput": "True", "InputTimeLimitSeconds": "10",
                      "InputValidation": {"CustomValidation": {"MaximumLength": "12"}},
                      "DTMFConfiguration": {"DisableCancelKey": "False"}},
       "Transitions": {"NextAction": "fn", "Errors": [{"NextAction": "bye", "ErrorType": "NoMatchingError"}], "Conditions": []}},
      {"Identifier": "fn", "Type": "InvokeLambdaFunction",
       "Parameters": {"LambdaFunctionARN": "arn:aws:lambda:eu-north-1:1:function:check", "InvocationTimeLimitSeconds": "8",
                      "LambdaInvocationAttributes": {"number": "$.StoredCustomerInput", "ref": "$.External.orderRef"}},
       "Transitions": {"NextAction": "cmp", "Errors": [{"NextAction": "bye", "ErrorType": "NoMatchingError"}], "Conditions": []}},
      {"Identifier": "cmp", "Type": "Compare", "Parameters": {"ComparisonValue": "$.External.status"},
       "Transitions": {"NextAction": "bye", "Errors": [{"NextAction": "bye", "ErrorType": "NoMatchingCondition"}],
                       "Conditions": [{"NextAction": "bye", "Condition": {"Operator": "Equals", "Operands": ["complete"]}}]}},
      {"Identifier": "bye", "Type": "DisconnectParticipant", "Parameters": {}, "Transitions": {}},
      {"Identifier": "unused", "Type": "TransferContactToQueue"}
    ]})";
  auto flow = mustLoad(json);
  ASSERT_NE(flow, nullptr);
  const auto& in = std::get<GetParticipantInputParams>(flow->startBlock().params);
  EXPECT_TRUE(in.storeInput);
  EXPECT_EQ(in.maxDigits, 12);
  EXPECT_EQ(in.terminator, "#");  // Connect's default for stored input
  EXPECT_EQ(in.timeoutSeconds, 10);
  EXPECT_EQ(in.prompt.kind, Prompt::Kind::kSsml);
  const auto& fn = std::get<InvokeLambdaFunctionParams>(flow->find("fn")->params);
  EXPECT_EQ(fn.function, "check");
  EXPECT_EQ(fn.timeoutSeconds, 8);
  EXPECT_EQ(fn.parameters.size(), 2u);
}

}  // namespace
}  // namespace callgate::flow
