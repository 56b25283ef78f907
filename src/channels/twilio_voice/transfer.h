// Handing a Twilio call to an agent with callgate's verdict: where a queue rings (a phone number
// or a SIP URI), which contact attributes the agent may see, and how they travel. Over SIP they
// ride in the INVITE as X- headers, which Twilio takes from the <Sip> URI's query
// ("sip:agent@pbx?X-Callgate-Auth=True&X-Callgate-Auth-Method=SmsOtp"). A plain phone number
// cannot carry data (callerId must stay the caller's number), so for <Number> the agent hears the
// verdict in a whisper (<Number url=...>) before the call is bridged. Pure; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/result.h"

namespace callgate::twilio_voice {

using Attributes = std::map<std::string, std::string>;

struct AgentTarget {
  enum class Kind { kNumber, kSip };
  Kind kind = Kind::kNumber;
  std::string address;  // E.164 for kNumber, the URI for kSip

  bool operator==(const AgentTarget&) const = default;
};

// "sip:agent@pbx.example.com" / "sips:..." -> kSip; "+14155550100" (E.164 shape) -> kNumber.
Result<AgentTarget> parseAgentTarget(std::string_view text);

// `uri` with one X-Callgate-* header per attribute appended as URI headers: authenticated ->
// X-Callgate-Auth, authMethod -> X-Callgate-Auth-Method, any other key K -> X-Callgate-K (keys
// with characters other than letters, digits and '-' are skipped; names and order come from
// core/verdict.h, shared with the SIP channel), and the signed verdict (when not empty) as
// X-Callgate-Verdict right after the verdict keys. Values are %-encoded. Twilio allows 1024
// bytes of headers; attributes that do not fit are left out, the verdict keys and token first in.
std::string sipUriWithVerdict(std::string_view uri, const Attributes& agentAttrs,
                              std::string_view signedVerdict = {});

// One spoken sentence for the agent's whisper, e.g. "callgate: caller verified by text message
// PIN. Ada Lovelace. Level Gold." or "callgate: caller not verified. The number is on record."
std::string verdictSentence(const Attributes& agentAttrs);

}  // namespace callgate::twilio_voice
