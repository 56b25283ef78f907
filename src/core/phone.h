// Phone numbers: parsing to E.164 with libphonenumber, and masking for logs.
// Thread-safe: libphonenumber's PhoneNumberUtil is a thread-safe singleton.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace callgate {

// Parses `input` ("+1 415 555 2671", "(415) 555-2671" with region "US", "tel:+14155552671")
// and returns it in E.164 ("+14155552671"). Numbers that libphonenumber does not consider
// valid for their region are rejected with kInvalidArgument naming the problem.
Result<std::string> normalizeE164(std::string_view input, std::string_view defaultRegion = "");

// True when `text` has the shape of an E.164 number ("+" then 7 to 15 digits, no leading 0).
// A cheap syntactic check, not validation: use it to find numbers that need no normalising.
bool looksLikeE164(std::string_view text);

// "+14155552671" -> "+1415*****71": keeps the country code/area and the last two digits so logs
// can be correlated without holding a full number.
std::string maskPhone(std::string_view e164);

}  // namespace callgate
