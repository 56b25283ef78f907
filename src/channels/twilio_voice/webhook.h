// The parameters of a Twilio voice webhook (incoming call, <Gather> action, <Redirect>, <Dial>
// action, whisper, status callback) that callgate reads, parsed from the form pairs; plus the
// shapes of callgate's own URL parts (session id, step). WIRE.md §3 lists the parameters.
// Pure; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace callgate::twilio_voice {

using FormPairs = std::vector<std::pair<std::string, std::string>>;

struct VoiceWebhook {
  std::string callSid;        // required: "CA" + 32 hex in practice; 1-64 letters and digits here
  std::string parentCallSid;  // on the agent leg's requests (whisper)
  std::string from;           // the caller: E.164, "client:name", "anonymous", ...
  std::string to;             // the dialled number
  std::string
      callStatus;  // queued, ringing, in-progress, completed, busy, failed, no-answer, canceled
  std::string dialCallStatus;  // on the <Dial> action: completed, answered, busy, no-answer,
                               // failed, canceled
  std::string stirVerstat;     // "TN-Validation-Passed-A", ... ; "" when the call had no PASSporT
  std::optional<std::string> digits;        // present when <Gather> got keypresses
  std::optional<std::string> speechResult;  // present when <Gather> got speech
  std::optional<double> confidence;         // 0..1 with SpeechResult
};

// Reads the known parameters (the first of repeated ones) and ignores the rest. kInvalidArgument
// when CallSid is missing or malformed, or a value is longer than 1024 bytes.
Result<VoiceWebhook> parseVoiceWebhook(const FormPairs& pairs);

// True for the CallStatus values that mean the call is over.
bool isFinalCallStatus(std::string_view callStatus);

// A session id as callgate makes them: 22 base64url characters (128 bits, no padding).
bool isSessionId(std::string_view id);

// "step" from a query string such as "step=3": a positive integer, else nullopt.
std::optional<int64_t> stepFromQuery(std::string_view query);

}  // namespace callgate::twilio_voice
