// Handing a voice call to an agent, the part the SIP and Twilio channels share: which agent a
// flow queue rings (the queue's own entry, else the channel's default agent) and what the agent
// may be told about the caller (core/verdict.h's agentAttributes). Each channel keeps its own
// kind of target (a SIP URI for REFER, a number or SIP URI for Twilio's <Dial>) and how the
// verdict travels there. Pure; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <type_traits>

#include "core/flow/actions.h"
#include "core/verdict.h"

namespace callgate {

// What the agent side gets for a TransferToQueue, whoever the agent is.
struct AgentHandoff {
  std::string queue;
  VerdictAttributes attributes;  // agentAttributes(the transfer's attributes)
  bool authenticated = false;    // isAuthenticated(attributes)
};

AgentHandoff agentHandoff(const flow::TransferToQueue& transfer);

// Where `queue` rings: its entry in `queues`, else `fallback`; nullptr when neither (a missing
// fallback is nullptr; Target comes from `queues`). The result points into `queues` or at
// `*fallback`.
template <typename Target>
const Target* agentForQueue(const std::map<std::string, Target>& queues,
                            std::type_identity_t<const Target*> fallback,
                            const std::string& queue) {
  if (auto it = queues.find(queue); it != queues.end()) return &it->second;
  return fallback;
}

// A transfer resolved against a channel's queues: where it rings (nullptr: no agent, the call
// cannot be handed over) and what the agent is told.
template <typename Target>
struct AgentRoute {
  const Target* target = nullptr;
  AgentHandoff handoff;
};

template <typename Target>
AgentRoute<Target> routeToAgent(const flow::TransferToQueue& transfer,
                                const std::map<std::string, Target>& queues,
                                std::type_identity_t<const Target*> fallback) {
  return AgentRoute<Target>{agentForQueue(queues, fallback, transfer.queue),
                            agentHandoff(transfer)};
}

}  // namespace callgate
