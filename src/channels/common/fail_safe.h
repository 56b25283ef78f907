// What every voice channel (SIP, Twilio, the console simulator) does when a call cannot go on as
// its flow meant because a dependency failed: a function answered an error (the database or the
// SMS gateway is away, or the function timed out) and the flow has no Error branch for it, so the
// Session ends the call with a flow error. Instead of hanging up on the caller, the channel tells
// them (kCannotVerifyText) and hands the call to an agent marked unauthenticated. Flows that do
// branch on the error (the shipped ones all do) keep their own wording and verdict; their verdict
// can only say authenticated on a function's successful answer, and a function answers an error,
// never success, when a store call it needed failed.
//
// CallFailSafe is one call's record of that: plain value, used by the thread driving the call.
// The free functions are pure and thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/flow/session.h"

namespace callgate {

// What the caller hears before the fail-safe transfer (and what the flows say in their own words
// on their Error branches).
inline constexpr std::string_view kCannotVerifyText =
    "Sorry, we cannot verify your identity right now. An agent will help you. Please hold.";

// What the caller hears when there is no agent to hand the call to either.
inline constexpr std::string_view kCannotVerifyNoAgentText =
    "Sorry, we cannot verify your identity right now, and no agent can take your call. Please "
    "call back later. Goodbye.";

// The verdict of a call that could not be checked: authenticated False, method None, and nothing
// else (no name, no record found: a half-finished journey proves nothing).
std::map<std::string, std::string> unverifiedAttributes();

// The queue a fail-safe transfer goes to: the flow's target queue when the channel has an agent
// for it (or a default agent for every queue); without a default agent, the only configured queue
// if there is exactly one; else the flow's queue as it is (the channel then finds no agent and
// apologises).
template <typename Target>
std::string failSafeQueue(const std::string& flowQueue, const std::map<std::string, Target>& queues,
                          bool hasDefaultAgent) {
  if (queues.count(flowQueue) > 0 || hasDefaultAgent) return flowQueue;
  if (queues.size() == 1) return queues.begin()->first;
  return flowQueue;
}

// The prompt and the transfer a channel performs instead of a flow error.
struct FailSafeHandoff {
  flow::PlayPrompt notice;
  flow::TransferToQueue transfer;
};

class CallFailSafe {
 public:
  // A function of this call failed (any error, or a timeout): later flow errors are diverted.
  void functionFailed() { functionFailed_ = true; }
  bool tripped() const { return functionFailed_; }

  // When `next` is a flow error and a function of this call failed: the fail-safe handoff to
  // `queue` (see failSafeQueue), logged as one warn line (event=call_fail_safe, the contact and
  // the flow's reason). Otherwise nullopt: perform `next` as usual.
  std::optional<FailSafeHandoff> divert(const flow::Action& next, const std::string& contact,
                                        const std::string& queue) const;

 private:
  bool functionFailed_ = false;
};

}  // namespace callgate
