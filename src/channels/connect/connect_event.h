// Decoding the Lambda event Amazon Connect sends to a function (WIRE.md §2) into a
// FunctionRequest, and encoding a function's answer as Connect's STRING_MAP.
//
// Accepted: {"Details": {"ContactData": {..., "ContactId", "CustomerEndpoint": {"Address",
// "Type"} | null, "LanguageCode", "Attributes": {...}}, "Parameters": {"k": "v"}},
// "Name": "ContactFlowEvent"}. Fields we do not use (Channel, SystemEndpoint, Queue, ...) are
// ignored whatever their shape. Every rejection is kInvalidArgument with a message naming the
// offending field, e.g. "Details.ContactData.CustomerEndpoint.Address is missing".
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"
#include "functions/function.h"

namespace callgate::connect {

// Deeper JSON is rejected while it is scanned (never recursing past it); a real event nests 4
// levels.
inline constexpr int kMaxJsonDepth = 32;

// The optional parameter carrying the call's STIR/SHAKEN attestation (A/B/C/none or a verstat
// value); it becomes ContactData.attestation and stays in the parameters too.
inline constexpr std::string_view kAttestationParameter = "attestation";

Result<FunctionRequest> parseConnectEvent(std::string_view body);

// {"k":"v",...}: a flat JSON object of strings, keys in map order.
std::string stringMapToJson(const StringMap& map);

}  // namespace callgate::connect
