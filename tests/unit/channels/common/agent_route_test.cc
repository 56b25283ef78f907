// channels/common/agent_route.h: the agent a flow queue rings and what the agent is told, shared
// by the SIP and Twilio channels.
#include "channels/common/agent_route.h"

#include <gtest/gtest.h>

namespace callgate {
namespace {

struct Target {  // stands in for a channel's own kind of target
  std::string address;
};

flow::TransferToQueue transfer(const std::string& queue, VerdictAttributes attributes = {}) {
  return flow::TransferToQueue{queue, std::move(attributes)};
}

TEST(AgentRouteTest, QueueEntryWinsOverTheDefault) {
  const std::map<std::string, std::string> queues{{"Agents", "sip:agents@pbx.example.com"}};
  const std::string fallback = "sip:desk@pbx.example.com";
  const std::string* target = agentForQueue(queues, &fallback, "Agents");
  ASSERT_NE(target, nullptr);
  EXPECT_EQ(*target, "sip:agents@pbx.example.com");
  EXPECT_EQ(agentForQueue(queues, &fallback, "Billing"), &fallback);
}

TEST(AgentRouteTest, NoEntryAndNoDefaultIsNoAgent) {
  const std::map<std::string, Target> queues{{"Agents", Target{"+14155550999"}}};
  EXPECT_EQ(agentForQueue<Target>(queues, nullptr, "Billing"), nullptr);
  EXPECT_EQ(agentForQueue<Target>({}, nullptr, "Agents"), nullptr);
  // Queue names are the flow's, matched exactly.
  EXPECT_EQ(agentForQueue<Target>(queues, nullptr, "agents"), nullptr);
}

TEST(AgentRouteTest, AuthenticatedCallerHandsOverEveryAttribute) {
  const VerdictAttributes attributes{{std::string(kAuthenticatedKey), std::string(kTrue)},
                                     {std::string(kAuthMethodKey), "SmsOtp"},
                                     {"firstName", "Ada"}};
  const std::map<std::string, Target> queues{{"Agents", Target{"sip:agents@pbx.example.com"}}};
  const AgentRoute<Target> route = routeToAgent(transfer("Agents", attributes), queues, nullptr);
  ASSERT_NE(route.target, nullptr);
  EXPECT_EQ(route.target->address, "sip:agents@pbx.example.com");
  EXPECT_EQ(route.handoff.queue, "Agents");
  EXPECT_TRUE(route.handoff.authenticated);
  EXPECT_EQ(route.handoff.attributes, attributes);
}

TEST(AgentRouteTest, UnverifiedCallerHandsOverOnlyTheVerdict) {
  const VerdictAttributes attributes{{std::string(kAuthenticatedKey), std::string(kFalse)},
                                     {std::string(kRecordFoundKey), std::string(kTrue)},
                                     {"firstName", "Ada"},
                                     {"custLevel", "Gold"}};
  const Target fallback{"+14155550999"};
  const AgentRoute<Target> route =
      routeToAgent<Target>(transfer("Billing", attributes), {}, &fallback);
  EXPECT_EQ(route.target, &fallback);
  EXPECT_FALSE(route.handoff.authenticated);
  EXPECT_EQ(route.handoff.attributes,
            (VerdictAttributes{{std::string(kAuthenticatedKey), std::string(kFalse)},
                               {std::string(kRecordFoundKey), std::string(kTrue)}}));
}

TEST(AgentRouteTest, NoAgentStillSaysWhatTheAgentWouldHaveBeenTold) {
  // The Twilio channel records the handoff even when the queue has no agent.
  const AgentHandoff handoff =
      routeToAgent<Target>(transfer("Nowhere", {{"firstName", "Eve"}}), {}, nullptr).handoff;
  EXPECT_FALSE(handoff.authenticated);
  EXPECT_EQ(handoff.attributes,
            (VerdictAttributes{{std::string(kAuthenticatedKey), std::string(kFalse)}}));
}

}  // namespace
}  // namespace callgate
