// application/x-www-form-urlencoded bodies (and query strings) as Twilio and browsers send them:
// "name=value" pairs joined by '&', '+' for a space, %XX escapes. Order and repeated names are
// kept, because Twilio's request signature covers every pair. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace callgate::http {

// Splits and decodes `body`. Empty segments ("a=1&&b=2") are skipped; a segment without '=' is a
// name with an empty value. kInvalidArgument for a malformed %-escape, a decoded NUL, or more
// than 1000 pairs.
Result<std::vector<std::pair<std::string, std::string>>> parseFormPairs(std::string_view body);

}  // namespace callgate::http
