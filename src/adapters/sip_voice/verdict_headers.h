// callgate's verdict as X-Callgate-* header fields for the agent, shared by every channel that
// hands a call over SIP: the SIP voice channel puts them on the REFER (and in Refer-To's URI
// headers); the Twilio channel puts them in the <Sip> URI of its <Dial>. One naming and one
// order for both: authenticated -> X-Callgate-Auth, authMethod -> X-Callgate-Auth-Method, any
// other key K -> X-Callgate-K; the verdict keys first, so a size bound never drops them.
// Pure functions; thread-safe.
#pragma once

#include <array>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace callgate::sip_voice {

using HeaderFields = std::vector<std::pair<std::string, std::string>>;

// The attributes that make up the verdict itself, in the order they are sent first.
inline constexpr std::array<std::string_view, 4> kVerdictKeys{"authenticated", "authMethod",
                                                              "recordFound", "callerIdTrusted"};

// Header fields on a REFER are bounded to this many bytes in all ("Name: value\r\n" each).
inline constexpr size_t kMaxVerdictHeaderBytes = 2048;

// "X-Callgate-Auth" for "authenticated", "X-Callgate-Auth-Method" for "authMethod",
// "X-Callgate-<key>" otherwise; "" when the key is empty, longer than 64 characters, or has a
// character other than an ASCII letter, digit or '-' (it could not be a header name).
std::string verdictHeaderName(std::string_view key);

// (header name, raw value) for every attribute that has a header name, verdict keys first (in
// kVerdictKeys order), then the others by key. An attribute whose header name equals, ignoring
// case, a verdict key's (e.g. "auth" -> X-Callgate-auth, even when "authenticated" is absent) or
// an earlier one ("firstname" after "firstName") is left out: header names are case-insensitive.
// Values are unchanged: each channel encodes them for where they go and applies its own size bound,
// skipping what does not fit.
HeaderFields orderedVerdictFields(const std::map<std::string, std::string>& agentAttributes);

// The header fields for a REFER: orderedVerdictFields with CR, LF and other control characters
// (and DEL) removed from values and surrounding spaces trimmed, then those that fit in
// kMaxVerdictHeaderBytes in that order (a field that does not fit is skipped, later smaller ones
// may still go).
HeaderFields verdictHeaders(const std::map<std::string, std::string>& agentAttributes);

}  // namespace callgate::sip_voice
