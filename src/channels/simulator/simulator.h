// The console simulator: one call through a flow, with prompts on an output stream and keypad
// input read line by line from an input stream (so it can be piped). It is a channel like SIP or
// Twilio: it performs the session's actions and feeds the results back; functions are called
// in-process against the same database and SMS sink as the server.
// Not thread-safe; one simulator per call.
#pragma once

#include <iosfwd>
#include <memory>
#include <string>

#include "core/flow/flow.h"
#include "core/trust_policy.h"
#include "functions/function.h"

namespace callgate::app {

struct SimulatedCall {
  std::string from;                 // caller number, E.164
  std::string to = "+18005550100";  // dialled number
  Attestation attestation = Attestation::kNone;
  std::string language = "en-US";
  bool json = false;       // one JSON object per event line
  bool echoInput = false;  // text mode: repeat piped keypad input after its prompt
};

// Runs the call to its end (transfer, hang-up, or end of input). Returns 0 when the flow ended
// normally (transfer or disconnect), 1 on a flow error. A flow error after a failed function (a
// flow without an Error branch, the database away) is shown as the other channels perform it: the
// caller is told and transferred unauthenticated (channels/common/fail_safe.h); still 1.
int runSimulatedCall(std::shared_ptr<const flow::Flow> flow, const FunctionRegistry& functions,
                     const SimulatedCall& call, std::istream& in, std::ostream& out);

// Keypad input from a typed line: keeps 0-9 * #, stops at the terminator, caps at maxDigits.
std::string keypadDigits(const std::string& line, const std::string& terminator, int maxDigits);

}  // namespace callgate::app
