// Disconnect::why: how a call ended, as a field channels act on (a flow error is logged as one,
// the simulator exits 1), carried on events after the end and through a snapshot.
#include <gtest/gtest.h>

#include "unit/core/flow/flow_test_util.h"

namespace callgate::flow {
namespace {

using namespace callgate::flow::flowtest;  // NOLINT: test file

using Why = Disconnect::Why;

Session roundTrip(const Session& s, const std::shared_ptr<const Flow>& flow) {
  Result<Session> restored = Session::restore(flow, Json::parse(s.snapshot().dump()));
  EXPECT_TRUE(restored.ok()) << (restored.ok() ? "" : restored.error().message());
  return std::move(restored).value();
}

TEST(DisconnectWhyTest, FlowEnded) {
  Session s(mustLoad({message("hi", "Hi", "end"), hangUp()}), testCall());
  ASSERT_TRUE(std::holds_alternative<PlayPrompt>(s.start()));
  const Disconnect d = as<Disconnect>(s.handle(PromptPlayed{}));
  EXPECT_EQ(d.why, Why::kFlowEnded);
  EXPECT_FALSE(d.flowError());
  EXPECT_EQ(d.reason, "flow ended");
  EXPECT_EQ(as<Disconnect>(s.handle(PromptPlayed{})).why, Why::kFlowEnded);
}

TEST(DisconnectWhyTest, CallerHungUp) {
  Session s(mustLoad({message("hi", "Hi", "end"), hangUp()}), testCall());
  s.start();
  EXPECT_EQ(as<Disconnect>(s.handle(CallerHungUp{})).why, Why::kCallerHungUp);
  EXPECT_EQ(as<Disconnect>(s.handle(PromptPlayed{})).why, Why::kCallerHungUp);
}

TEST(DisconnectWhyTest, EventAfterTransfer) {
  Session s(mustLoad({action("q", "UpdateContactTargetQueue", {{"QueueId", "Agents"}}, next("go")),
                      action("go", "TransferContactToQueue")}),
            testCall());
  ASSERT_TRUE(std::holds_alternative<TransferToQueue>(s.start()));
  const Disconnect d = as<Disconnect>(s.handle(CallerHungUp{}));
  EXPECT_EQ(d.why, Why::kTransferred);
  EXPECT_EQ(d.reason, "call transferred");
}

TEST(DisconnectWhyTest, FlowErrorIsTheFieldNotOnlyTheText) {
  Session s(mustLoad({action("hi", "MessageParticipant", {{"Text", "Hi"}})}), testCall());
  s.start();
  const Disconnect d = as<Disconnect>(s.handle(PromptPlayed{}));
  EXPECT_EQ(d.why, Why::kFlowError);
  EXPECT_TRUE(d.flowError());
  EXPECT_EQ(d.reason, "flow error: action 'hi' (MessageParticipant) has no NextAction");
  EXPECT_TRUE(as<Disconnect>(s.handle(PromptPlayed{})).flowError());
}

TEST(DisconnectWhyTest, SurvivesASnapshot) {
  auto flow = mustLoad({action("hi", "MessageParticipant", {{"Text", "Hi"}})});
  Session s(flow, testCall());
  s.start();
  s.handle(PromptPlayed{});
  Session restored = roundTrip(s, flow);
  ASSERT_TRUE(restored.pendingAction());
  EXPECT_TRUE(as<Disconnect>(*restored.pendingAction()).flowError());
  EXPECT_TRUE(as<Disconnect>(restored.handle(PromptPlayed{})).flowError());
}

TEST(DisconnectWhyTest, SnapshotWithoutTheFieldReadsTheReason) {
  // Calls parked before the field existed carry only the reason.
  auto flow = mustLoad({action("hi", "MessageParticipant", {{"Text", "Hi"}})});
  Session s(flow, testCall());
  s.start();
  s.handle(PromptPlayed{});
  Json old = s.snapshot();
  old.erase("endWhy");
  Result<Session> restored = Session::restore(flow, old);
  ASSERT_TRUE(restored.ok());
  EXPECT_TRUE(as<Disconnect>(*restored->pendingAction()).flowError());

  Json bad = s.snapshot();
  bad["endWhy"] = "bored";
  EXPECT_FALSE(Session::restore(flow, bad).ok());
}

TEST(DisconnectWhyTest, Names) {
  EXPECT_EQ(whyName(Why::kFlowEnded), "flow-ended");
  EXPECT_EQ(whyName(Why::kCallerHungUp), "caller-hung-up");
  EXPECT_EQ(whyName(Why::kTransferred), "transferred");
  EXPECT_EQ(whyName(Why::kFlowError), "flow-error");
}

}  // namespace
}  // namespace callgate::flow
