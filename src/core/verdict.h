// callgate's verdict: the contact attributes that say whether and how the caller was
// authenticated, and how every channel hands them to the agent side. The one home of the
// contract's names, so the SIP REFER headers, the Twilio <Sip> URI and whisper, the Connect
// results and the agent console all read and write the same keys. Pure; thread-safe.
//
// The attribute values are display data: an agent side that acts on them must check callgate's
// own record of the contact (plain headers and attributes can be forged by any hop).
#pragma once

#include <array>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace callgate {

using VerdictAttributes = std::map<std::string, std::string>;

// The verdict's attribute keys and the values the flows and functions write.
inline constexpr std::string_view kAuthenticatedKey = "authenticated";
inline constexpr std::string_view kAuthMethodKey = "authMethod";
inline constexpr std::string_view kRecordFoundKey = "recordFound";
inline constexpr std::string_view kCallerIdTrustedKey = "callerIdTrusted";
inline constexpr std::string_view kTrue = "True";
// The signed verdict (core/verdict_token.h): the header that carries it on SIP, and the contact
// attribute a Connect flow stores it in.
inline constexpr std::string_view kVerdictHeader = "X-Callgate-Verdict";
inline constexpr std::string_view kVerdictAttribute = "callgateVerdict";
inline constexpr std::string_view kFalse = "False";

// The attributes that make up the verdict itself, in the order they are sent first.
inline constexpr std::array<std::string_view, 4> kVerdictKeys{kAuthenticatedKey, kAuthMethodKey,
                                                              kRecordFoundKey, kCallerIdTrustedKey};

// True when the attributes say the caller was authenticated (authenticated == "True").
bool isAuthenticated(const VerdictAttributes& attributes);

// The attribute `key`'s value, or `absent` when it is not set (for logs). Points into
// `attributes` (or at `absent`'s text): use it before the map changes.
std::string_view verdictValue(const VerdictAttributes& attributes, std::string_view key,
                              std::string_view absent = {});

// What the agent is told: every attribute when authenticated == "True"; otherwise only the
// verdict keys (authenticated, authMethod, recordFound, callerIdTrusted), so an unverified
// caller's claimed identity never reaches the agent as if it were established, with
// authenticated set to "False" (also when the flow never set it, or set something else).
VerdictAttributes agentAttributes(const VerdictAttributes& attributes);

using HeaderFields = std::vector<std::pair<std::string, std::string>>;

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
HeaderFields orderedVerdictFields(const VerdictAttributes& agentAttributes);

}  // namespace callgate
