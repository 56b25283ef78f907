// What a Session does when the flow or the channel misbehaves: runaway loops, hang-ups, events
// that do not fit, calls after the end. It must always answer with a sensible action.
#include <gtest/gtest.h>

#include "unit/core/flow/flow_test_util.h"

namespace callgate::flow {
namespace {

using namespace callgate::flow::flowtest;  // NOLINT: test file

// Compare -> UpdateContactAttributes -> Compare ... with nothing for the channel to do.
std::vector<Json> busyLoop() {
  Json cmp = action("check", "Compare", {{"ComparisonValue", "$.Attributes.n"}},
                    {{"Conditions", {condition("Equals", "never", "end")}},
                     {"Errors", {errorBranch("NoMatchingCondition", "bump")}}});
  Json bump =
      action("bump", "UpdateContactAttributes", {{"Attributes", {{"n", "1"}}}}, next("check"));
  return {cmp, bump, hangUp()};
}

TEST(SessionSafetyTest, StopsAFlowThatNeverAsksForInput) {
  Session s(mustLoad(busyLoop()), testCall());
  Disconnect d = as<Disconnect>(s.start());
  EXPECT_EQ(d.reason, "flow error: too many steps without input");
  EXPECT_EQ(d.attributes.at("n"), "1");
  EXPECT_TRUE(s.finished());
  std::vector<Step> steps = s.drainSteps();
  ASSERT_EQ(steps.size(), static_cast<std::size_t>(kMaxStepsWithoutInput) + 1);
  EXPECT_EQ(steps.back().outcome, "flow-error");
}

TEST(SessionSafetyTest, InputResetsTheStepBoundButTheSessionBoundHolds) {
  // A prompt that repeats forever: each answer resets the without-input count, so it runs long
  // past 1000 steps, but a whole call is still capped.
  Session s(mustLoad({message("again", "Still there?", "again")}), testCall());
  Action a = s.start();
  int prompts = 0;
  while (std::holds_alternative<PlayPrompt>(a) && prompts < kMaxStepsPerSession + 10) {
    ++prompts;
    a = s.handle(PromptPlayed{});
  }
  EXPECT_EQ(prompts, kMaxStepsPerSession);
  EXPECT_EQ(disconnectReason(a), "flow error: too many steps");
}

TEST(SessionSafetyTest, CallerHangUpBeforeStart) {
  Session s(mustLoad({message("hi", "Hi", "end"), hangUp()}), testCall());
  EXPECT_EQ(disconnectReason(s.handle(CallerHungUp{})), "caller hung up");
  EXPECT_TRUE(s.finished());
  EXPECT_TRUE(s.drainSteps().empty());
  EXPECT_EQ(disconnectReason(s.start()), "caller hung up");  // start after the end: the end again
}

TEST(SessionSafetyTest, CallerHangUpWhileWaitingForAnyAction) {
  Json input = action("in", "GetParticipantInput", {{"Text", "Press 1"}, {"StoreInput", "False"}},
                      {{"Conditions", {condition("Equals", "1", "fn")}},
                       {"Errors", {errorBranch("NoMatchingCondition", "fn")}}});
  Json fn = action("fn", "InvokeLambdaFunction", {{"LambdaFunctionARN", "lookup-caller"}},
                   {{"NextAction", "end"}, {"Errors", {errorBranch("NoMatchingError", "end")}}});
  auto flow = mustLoad({message("hi", "Hi", "in"), input, fn, hangUp()});
  // Waiting for PromptPlayed, DigitsCollected, FunctionCompleted in turn.
  for (int answered = 0; answered < 3; ++answered) {
    Session s(flow, testCall());
    s.start();
    if (answered >= 1) as<CollectDigits>(s.handle(PromptPlayed{}));
    if (answered >= 2) as<InvokeFunction>(s.handle(DigitsCollected{"1"}));
    Disconnect d = as<Disconnect>(s.handle(CallerHungUp{}));
    EXPECT_EQ(d.reason, "caller hung up");
    std::vector<Step> steps = s.drainSteps();
    ASSERT_FALSE(steps.empty());
    EXPECT_EQ(steps.back().outcome, "hangup");
    EXPECT_EQ(steps.back().actionId, answered == 0 ? "hi" : answered == 1 ? "in" : "fn");
    EXPECT_EQ(disconnectReason(s.handle(PromptPlayed{})), "caller hung up");
  }
}

TEST(SessionSafetyTest, MismatchedEventsEndTheCallWithAFlowError) {
  auto flow = mustLoad({message("hi", "Hi", "end"), hangUp()});
  Session digits(flow, testCall());
  digits.start();
  EXPECT_EQ(disconnectReason(digits.handle(DigitsCollected{"1"})),
            "flow error: unexpected DigitsCollected while action 'hi' (MessageParticipant) waits "
            "for PromptPlayed");
  EXPECT_TRUE(digits.finished());
  EXPECT_EQ(outcomes(digits.drainSteps()), std::vector<std::string>{"hi/flow-error"});

  Json in = action("in", "GetParticipantInput", {{"Text", "Press"}},
                   {{"Conditions", {condition("Equals", "1", "end")}},
                    {"Errors", {errorBranch("NoMatchingCondition", "end")}}});
  Session prompt(mustLoad({in, hangUp()}), testCall());
  prompt.start();
  EXPECT_EQ(disconnectReason(prompt.handle(PromptPlayed{})),
            "flow error: unexpected PromptPlayed while action 'in' (GetParticipantInput) waits for "
            "DigitsCollected or "
            "InputTimedOut");

  Json fn = action("fn", "InvokeLambdaFunction", {{"LambdaFunctionARN", "f"}}, next("end"));
  for (Event e : std::vector<Event>{PromptPlayed{}, DigitsCollected{"1"}, InputTimedOut{}}) {
    Session s(mustLoad({fn, hangUp()}), testCall());
    s.start();
    EXPECT_EQ(disconnectReason(s.handle(e))
                  .rfind("flow error: unexpected " + std::string(eventName(e)), 0),
              0u);
  }
  Session late(flow, testCall());
  late.start();
  EXPECT_EQ(disconnectReason(late.handle(FunctionCompleted{})).substr(0, 40),
            "flow error: unexpected FunctionCompleted");
}

TEST(SessionSafetyTest, EventBeforeStartIsAFlowError) {
  Session s(mustLoad({message("hi", "Hi", "end"), hangUp()}), testCall());
  EXPECT_EQ(disconnectReason(s.handle(PromptPlayed{})),
            "flow error: event PromptPlayed before start");
  EXPECT_TRUE(s.finished());
}

TEST(SessionSafetyTest, EveryEventAfterTheEndYieldsDisconnectAgain) {
  Session s(mustLoad({hangUp()}), testCall());
  EXPECT_EQ(disconnectReason(s.start()), "flow ended");
  for (Event e : std::vector<Event>{PromptPlayed{}, DigitsCollected{"1"}, InputTimedOut{},
                                    FunctionCompleted{}, FunctionFailed{"x"}, CallerHungUp{}}) {
    EXPECT_EQ(disconnectReason(s.handle(e)), "flow ended") << eventName(e);
  }
  EXPECT_TRUE(s.finished());
}

TEST(SessionSafetyTest, StartTwiceRepeatsThePendingAction) {
  Session s(mustLoad({message("hi", "Hi", "end"), hangUp()}), testCall());
  EXPECT_FALSE(s.pendingAction().has_value());
  EXPECT_EQ(as<PlayPrompt>(s.start()).text, "Hi");
  EXPECT_EQ(as<PlayPrompt>(s.start()).text, "Hi");
  EXPECT_EQ(as<PlayPrompt>(*s.pendingAction()).text, "Hi");
  EXPECT_EQ(disconnectReason(s.handle(PromptPlayed{})), "flow ended");
  EXPECT_EQ(outcomes(s.drainSteps()), (std::vector<std::string>{"hi/next", "end/end"}));
}

TEST(SessionSafetyTest, DrainStepsReturnsEachStepOnce) {
  Session s(mustLoad({message("a", "A", "b"), message("b", "B", "end"), hangUp()}), testCall());
  s.start();
  EXPECT_TRUE(s.drainSteps().empty());
  s.handle(PromptPlayed{});
  std::vector<Step> steps = s.drainSteps();
  ASSERT_EQ(steps.size(), 1u);
  EXPECT_EQ(steps[0], (Step{"a", "MessageParticipant", "next"}));
  EXPECT_TRUE(s.drainSteps().empty());
  s.handle(PromptPlayed{});
  EXPECT_EQ(outcomes(s.drainSteps()), (std::vector<std::string>{"b/next", "end/end"}));
}

TEST(SessionSafetyTest, NullFlowIsAFlowErrorNotACrash) {
  Session s(nullptr, testCall());
  EXPECT_EQ(disconnectReason(s.start()), "flow error: no flow loaded");
  Session hungUp(nullptr, testCall());
  EXPECT_EQ(disconnectReason(hungUp.handle(CallerHungUp{})), "caller hung up");
}

TEST(SessionSafetyTest, SessionsOfOneFlowAreIndependent) {
  Json set = action("set", "UpdateContactAttributes", {{"Attributes", {{"who", "$.ContactId"}}}},
                    next("hi"));
  auto greet = mustLoad({set, message("hi", "Hi $.Attributes.who", "end"), hangUp()});
  CallInfo other = testCall();
  other.contactId = "c-999";
  Session a(greet, testCall());
  Session b(greet, other);
  EXPECT_EQ(as<PlayPrompt>(a.start()).text, "Hi c-123");
  EXPECT_EQ(as<PlayPrompt>(b.start()).text, "Hi c-999");
  Session copy = a;  // a value: the copy moves on alone
  copy.handle(PromptPlayed{});
  EXPECT_TRUE(copy.finished());
  EXPECT_FALSE(a.finished());
}

}  // namespace
}  // namespace callgate::flow
