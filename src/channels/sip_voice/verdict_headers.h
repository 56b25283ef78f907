// callgate's verdict as X-Callgate-* header fields on the SIP voice channel's REFER (and in
// Refer-To's URI headers). Names and order come from core/verdict.h, shared with the Twilio
// channel's <Sip> URI.
// Pure functions; thread-safe.
#pragma once

#include <map>
#include <string>

#include "core/verdict.h"

namespace callgate::sip_voice {

// Header fields on a REFER are bounded to this many bytes in all ("Name: value\r\n" each).
inline constexpr size_t kMaxVerdictHeaderBytes = 2048;

// The header fields for a REFER: orderedVerdictFields with CR, LF and other control characters
// (and DEL) removed from values and surrounding spaces trimmed, then those that fit in
// kMaxVerdictHeaderBytes in that order (a field that does not fit is skipped, later smaller ones
// may still go).
HeaderFields verdictHeaders(const std::map<std::string, std::string>& agentAttributes);

}  // namespace callgate::sip_voice
