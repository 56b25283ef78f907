#include <gtest/gtest.h>

#include "unit/core/flow/flow_test_util.h"

namespace callgate::flow {
namespace {

using namespace callgate::flow::flowtest;  // NOLINT: test file

// Counts failed tries with a Loop, stores input and calls a function: every kind of state a
// snapshot has to carry.
std::vector<Json> pinFlow() {
  Json ask =
      action("ask", "GetParticipantInput",
             {{"Text", "PIN for $.Attributes.name?"},
              {"StoreInput", "True"},
              {"InputValidation", {{"CustomValidation", {{"MaximumLength", "4"}}}}}},
             {{"NextAction", "check"}, {"Errors", {errorBranch("NoMatchingError", "retry")}}});
  Json check =
      action("check", "InvokeLambdaFunction",
             {{"LambdaFunctionARN", "verify-pin"},
              {"LambdaInvocationAttributes", {{"pin", "$.StoredCustomerInput"}}}},
             {{"NextAction", "result"}, {"Errors", {errorBranch("NoMatchingError", "retry")}}});
  Json result = action("result", "Compare", {{"ComparisonValue", "$.External.ok"}},
                       {{"Conditions", {condition("Equals", "yes", "queue")}},
                        {"Errors", {errorBranch("NoMatchingCondition", "retry")}}});
  Json retry = action("retry", "Loop", {{"LoopCount", "2"}},
                      {{"Conditions",
                        {condition("Equals", "ContinueLooping", "ask"),
                         condition("Equals", "DoneLooping", "end")}}});
  Json queue = action("queue", "UpdateContactTargetQueue", {{"QueueId", "Agents"}}, next("go"));
  Json go = action("go", "TransferContactToQueue");
  Json set =
      action("set", "UpdateContactAttributes", {{"Attributes", {{"name", "Ada"}}}}, next("ask"));
  return {set, ask, check, result, retry, queue, go, hangUp()};
}

Session roundTrip(const Session& s, const std::shared_ptr<const Flow>& flow) {
  // Through text, as a channel would store it.
  std::string stored = s.snapshot().dump();
  Result<Session> restored = Session::restore(flow, Json::parse(stored));
  EXPECT_TRUE(restored.ok()) << (restored.ok() ? "" : restored.error().message());
  return restored.ok() ? *restored : Session(flow, CallInfo{});
}

TEST(SessionSnapshotTest, RoundTripMidCallContinuesIdentically) {
  auto flow = mustLoad(pinFlow());
  Session original(flow, testCall());
  original.start();
  as<InvokeFunction>(original.handle(DigitsCollected{"1234"}));
  as<CollectDigits>(original.handle(FunctionCompleted{{{"ok", "no"}}}));  // wrong PIN: loop count 1

  Session restored = roundTrip(original, flow);
  EXPECT_EQ(restored.snapshot(), original.snapshot());
  EXPECT_EQ(as<CollectDigits>(*restored.pendingAction()).prompt.text, "PIN for Ada?");
  EXPECT_EQ(restored.attributes(), original.attributes());
  EXPECT_EQ(restored.state().external, original.state().external);
  EXPECT_EQ(restored.state().storedCustomerInput, "1234");
  EXPECT_EQ(restored.state().call.contactId, "c-123");
  EXPECT_EQ(restored.drainSteps(), original.drainSteps());

  // Both go on the same way; the loop counter survived (one more failure leaves one retry).
  for (Session* s : {&original, &restored}) {
    as<InvokeFunction>(s->handle(DigitsCollected{"9999"}));
    as<CollectDigits>(s->handle(FunctionCompleted{{{"ok", "no"}}}));
    InvokeFunction f = as<InvokeFunction>(s->handle(DigitsCollected{"4321"}));
    EXPECT_EQ(f.parameters.at("pin"), "4321");
    EXPECT_EQ(disconnectReason(s->handle(FunctionCompleted{{{"ok", "no"}}})), "flow ended");
  }
  EXPECT_EQ(restored.drainSteps(), original.drainSteps());
}

TEST(SessionSnapshotTest, RoundTripBeforeStartAndAfterTheEnd) {
  auto flow = mustLoad(pinFlow());
  Session fresh(flow, testCall());
  Session restoredFresh = roundTrip(fresh, flow);
  EXPECT_FALSE(restoredFresh.pendingAction().has_value());
  EXPECT_EQ(as<CollectDigits>(restoredFresh.start()).maxDigits, 4);

  Session done(flow, testCall());
  done.start();
  done.handle(DigitsCollected{"1234"});
  TransferToQueue t = as<TransferToQueue>(done.handle(FunctionCompleted{{{"ok", "yes"}}}));
  Session restoredDone = roundTrip(done, flow);
  EXPECT_TRUE(restoredDone.finished());
  EXPECT_EQ(as<TransferToQueue>(*restoredDone.pendingAction()).queue, t.queue);
  EXPECT_EQ(disconnectReason(restoredDone.handle(PromptPlayed{})), "call transferred");

  Session hungUp(flow, testCall());
  hungUp.start();
  hungUp.handle(CallerHungUp{});
  EXPECT_EQ(disconnectReason(roundTrip(hungUp, flow).handle(PromptPlayed{})), "caller hung up");
}

TEST(SessionSnapshotTest, CarriesCustomerLexFlowAttributesAndCallbackNumber) {
  auto flow = mustLoad(pinFlow());
  Session s(flow, testCall());
  s.start();
  Json j = s.snapshot();
  j["customer"] = {{"FirstName", "Ada"}, {"Address.City", "London"}};
  j["lex"] = {{"intentName", "CheckBalance"},
              {"intentConfidence", "0.91"},
              {"sentimentLabel", "NEUTRAL"},
              {"slots", {{"account", "1234"}}},
              {"sessionAttributes", {{"k", "v"}}}};
  j["flowAttributes"] = {{"tries", "2"}};
  j["callbackNumber"] = "+15550001111";
  Result<Session> restored = Session::restore(flow, j);
  ASSERT_TRUE(restored.ok()) << restored.error().message();
  const ContactState& state = restored->state();
  EXPECT_EQ(state.customer.at("Address.City"), "London");
  EXPECT_EQ(state.lex.intentName, "CheckBalance");
  EXPECT_EQ(state.lex.intentConfidence, "0.91");
  EXPECT_EQ(state.lex.sentimentLabel, "NEUTRAL");
  EXPECT_EQ(state.lex.slots.at("account"), "1234");
  EXPECT_EQ(state.lex.sessionAttributes.at("k"), "v");
  EXPECT_EQ(state.flowAttributes.at("tries"), "2");
  EXPECT_EQ(state.callbackNumber, "+15550001111");
  EXPECT_EQ(restored->snapshot(), j);
}

TEST(SessionSnapshotTest, ReadsASnapshotParkedBeforeTheNewerFieldsExisted) {
  auto flow = mustLoad(pinFlow());
  Session s(flow, testCall());
  s.start();
  Json j = s.snapshot();
  for (const char* key : {"queueArn", "customer", "lex", "flowAttributes", "callbackNumber"})
    j.erase(key);
  Result<Session> restored = Session::restore(flow, j);
  ASSERT_TRUE(restored.ok()) << restored.error().message();
  EXPECT_TRUE(restored->state().customer.empty());
  EXPECT_EQ(restored->state().lex, LexState{});
  EXPECT_EQ(restored->snapshot(), s.snapshot());
}

TEST(SessionSnapshotTest, RefusesASnapshotOfAnotherFlow) {
  auto flow = mustLoad(pinFlow());
  Session s(flow, testCall());
  s.start();
  auto other = mustLoad({message("hi", "Hi", "end"), hangUp()});
  Result<Session> restored = Session::restore(other, s.snapshot());
  ASSERT_FALSE(restored.ok());
  EXPECT_EQ(restored.error().code(), ErrorCode::kFailedPrecondition);
}

TEST(SessionSnapshotTest, RejectsMalformedSnapshotsWithoutThrowing) {
  auto flow = mustLoad(pinFlow());
  Session s(flow, testCall());
  s.start();
  s.handle(DigitsCollected{"1234"});
  const Json good = s.snapshot();

  auto broken = [&](auto mutate) {
    Json j = good;
    mutate(j);
    Result<Session> r = Session::restore(flow, j);
    EXPECT_FALSE(r.ok()) << j.dump();
    return r.ok() ? std::string() : r.error().message();
  };
  EXPECT_EQ(broken([](Json& j) { j = Json::array(); }), "session snapshot: must be a JSON object");
  EXPECT_EQ(broken([](Json& j) { j["format"] = "v0"; }), "session snapshot: unknown format 'v0'");
  EXPECT_EQ(broken([](Json& j) { j["current"] = "set"; }),
            "session snapshot: action 'set' does not wait for the channel");
  EXPECT_EQ(broken([](Json& j) { j["current"] = "ghost"; }),
            "session snapshot: current names no action 'ghost'");
  EXPECT_EQ(broken([](Json& j) { j["phase"] = "dancing"; }),
            "session snapshot: unknown phase 'dancing'");
  EXPECT_EQ(broken([](Json& j) { j["attributes"]["x"] = 5; }),
            "session snapshot: attributes.x must be a string");
  EXPECT_EQ(broken([](Json& j) { j["loops"]["retry"] = 3; }),
            "session snapshot: loop counter out of range");
  EXPECT_EQ(broken([](Json& j) { j["loops"]["ask"] = 1; }),
            "session snapshot: loops names no Loop 'ask'");
  EXPECT_EQ(broken([](Json& j) { j["totalSteps"] = -1; }),
            "session snapshot: totalSteps is out of range");
  EXPECT_EQ(broken([](Json& j) { j.erase("call"); }), "session snapshot: call must be an object");
  EXPECT_EQ(broken([](Json& j) { j["steps"] = Json::array({1}); }),
            "session snapshot: each step must be an object");
  EXPECT_EQ(broken([](Json& j) { j.erase("external"); }),
            "session snapshot: external must be an object");
  EXPECT_EQ(broken([](Json& j) { j["customer"] = "Ada"; }),
            "session snapshot: customer must be an object");
  EXPECT_EQ(broken([](Json& j) { j["lex"]["slots"]["a"] = 1; }),
            "session snapshot: slots.a must be a string");
  Result<Session> noFlow = Session::restore(nullptr, good);
  EXPECT_FALSE(noFlow.ok());
}

}  // namespace
}  // namespace callgate::flow
