// A voice call's metrics, the part SIP and Twilio share: callgate_calls_total{channel,outcome},
// callgate_verdicts_total{method,result}, callgate_verdict_seconds{channel} and
// callgate_active_calls{channel}. Outcomes: "transferred" (handed to an agent), "hangup" (the
// flow ended the call), "abandoned" (the caller hung up first), "error" (the flow or the channel
// failed), "rejected" (refused before it started).
//
// CallMetrics is one call's record for a channel that holds an object per call (SIP's CallRun):
// the call counts as active for the object's life, and its verdict and its end count once each,
// whatever the call's paths (a failed transfer followed by a fail-safe one, an end reported
// twice). Used by the thread driving the call; the counters it touches are atomics.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "core/verdict.h"

namespace callgate {

// The verdict handed to the agent side: authMethod (CallerId, SmsOtp, Pin, None; any other word
// counts as "other") and whether authenticated is "True". `secondsSinceAnswer` < 0: unknown,
// not observed.
void countVerdict(std::string_view channel, const VerdictAttributes& attributes,
                  double secondsSinceAnswer);

// A call of `channel` that ended with `outcome` (one of the words above).
void countCallEnd(std::string_view channel, std::string_view outcome);

class CallMetrics {
 public:
  explicit CallMetrics(std::string_view channel);
  ~CallMetrics();  // no longer active; a call that never reported its end counts as "error"
  CallMetrics(const CallMetrics&) = delete;
  CallMetrics& operator=(const CallMetrics&) = delete;

  // The call was answered: the verdict clock starts.
  void answered();
  // The first verdict handed over counts; later ones (a retry after a failed transfer) do not.
  void verdict(const VerdictAttributes& attributes);
  // The agent side took the call / the flow failed: the end counts as that, whatever the reason
  // the channel later reports.
  void transferred() { transferred_ = true; }
  void failed() { failed_ = true; }
  // The call ended; `outcome` applies unless transferred() or failed() said otherwise. Once.
  void ended(std::string_view outcome);

 private:
  const std::string channel_;
  std::chrono::steady_clock::time_point answeredAt_{};
  bool answered_ = false;
  bool verdictCounted_ = false;
  bool transferred_ = false;
  bool failed_ = false;
  bool ended_ = false;
};

}  // namespace callgate
