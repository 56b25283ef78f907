#include "core/flow/dot.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "unit/core/flow/flow_test_util.h"

namespace callgate::flow {
namespace {

using namespace callgate::flow::flowtest;  // NOLINT: test file
using ::testing::HasSubstr;
using ::testing::Not;

TEST(FlowDotTest, DrawsNodesAndEveryKindOfEdge) {
  Json cmp = action(
      "check", "Compare", {{"ComparisonValue", "$.External.otpResult"}},
      {{"NextAction", "bye"},  // Connect exports carry one; it is not a real path
       {"Conditions",
        {condition("Equals", "Verified", "hello"), condition("NumberGreaterThan", "3", "bye")}},
       {"Errors", {errorBranch("NoMatchingCondition", "bye")}}});
  Json hello = message("hello", "Say \"hi\" to $.Attributes.firstName", "bye");
  std::string dot = toDot(*mustLoad({cmp, hello, hangUp("bye")}));

  EXPECT_EQ(dot.rfind("digraph flow {\n", 0), 0u);
  EXPECT_EQ(dot.substr(dot.size() - 2), "}\n");
  EXPECT_THAT(dot, HasSubstr("\"__start\" -> \"check\";"));
  EXPECT_THAT(
      dot, HasSubstr("\"check\" [label=\"check\\nCompare\\n$.External.otpResult\", shape=diamond"));
  // Quotes in prompt text are escaped.
  EXPECT_THAT(dot, HasSubstr("\"hello\" [label=\"hello\\nMessageParticipant\\n\u201cSay \\\"hi\\\" "
                             "to $.Attributes.firstName\u201d\""));
  EXPECT_THAT(dot,
              HasSubstr("\"bye\" [label=\"bye\\nDisconnectParticipant\\nhang up\", shape=octagon"));
  EXPECT_THAT(dot, HasSubstr("\"check\" -> \"hello\" [label=\"= Verified\"];"));
  EXPECT_THAT(dot, HasSubstr("\"check\" -> \"bye\" [label=\"> 3\"];"));
  EXPECT_THAT(dot, HasSubstr("\"check\" -> \"bye\" [label=\"NoMatchingCondition\", style=dashed"));
  EXPECT_THAT(dot, HasSubstr("\"hello\" -> \"bye\";"));
  EXPECT_THAT(dot, Not(HasSubstr("\"check\" -> \"bye\";")));
}

TEST(FlowDotTest, SummarisesEachActionType) {
  Json in = action("in", "GetParticipantInput",
                   {{"Text", "PIN?"},
                    {"StoreInput", "True"},
                    {"InputTimeLimitSeconds", "10"},
                    {"InputValidation", {{"CustomValidation", {{"MaximumLength", "6"}}}}}},
                   {{"NextAction", "fn"}, {"Errors", {errorBranch("NoMatchingError", "end")}}});
  Json fn =
      action("fn", "InvokeLambdaFunction",
             {{"LambdaFunctionARN", "arn:aws:lambda:us-east-1:000000000000:function:verify-otp"},
              {"LambdaInvocationAttributes", {{"code", "$.StoredCustomerInput"}}}},
             {{"NextAction", "set"}, {"Errors", {errorBranch("NoMatchingError", "end")}}});
  Json set = action("set", "UpdateContactAttributes", {{"Attributes", {{"a", "1"}, {"b", "2"}}}},
                    next("loop"));
  Json loop = action(
      "loop", "Loop", {{"LoopCount", "3"}},
      {{"Conditions",
        {condition("Equals", "ContinueLooping", "in"), condition("Equals", "DoneLooping", "q")}}});
  Json q = action("q", "UpdateContactTargetQueue", {{"QueueId", "Agents"}}, next("go"));
  Json go = action("go", "TransferContactToQueue", Json::object(),
                   {{"Errors", {errorBranch("QueueAtCapacity", "end")}}});
  std::string dot = toDot(*mustLoad({in, fn, set, loop, q, go, hangUp()}));
  EXPECT_THAT(dot, HasSubstr("in\\nGetParticipantInput\\nstore up to 6 digits ending #, 10 s"));
  EXPECT_THAT(dot, HasSubstr("fn\\nInvokeLambdaFunction\\nverify-otp() with code"));
  EXPECT_THAT(dot, HasSubstr("set\\nUpdateContactAttributes\\nset a, b"));
  EXPECT_THAT(dot, HasSubstr("loop\\nLoop\\n3 times\", shape=hexagon"));
  EXPECT_THAT(dot, HasSubstr("\"loop\" -> \"in\" [label=\"ContinueLooping\"];"));
  EXPECT_THAT(dot, HasSubstr("q\\nUpdateContactTargetQueue\\nqueue Agents"));
  EXPECT_THAT(dot,
              HasSubstr("go\\nTransferContactToQueue\\ntransfer to queue\", shape=doubleoctagon"));
  EXPECT_THAT(dot, HasSubstr("\"go\" -> \"end\" [label=\"QueueAtCapacity\""));
}

TEST(FlowDotTest, ShortensLongTextAtACharacterBoundary) {
  // 47 + 3 * 2 bytes: byte 48 is the middle of the first two-byte character, so the cut backs off.
  std::string text = std::string(47, 'a') + "\u00e9\u00e9\u00e9";
  std::string dot = toDot(*mustLoad({message("m", text, "end"), hangUp()}));
  EXPECT_THAT(dot, HasSubstr("\\n\u201c" + std::string(47, 'a') + "...\u201d"));
}

}  // namespace
}  // namespace callgate::flow
