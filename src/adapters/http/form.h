// URL and form encoding shared by the HTTP server routes (form posts, query strings) and the
// outbound clients (Twilio/SNS form bodies, Kannel query strings, SigV4 canonical queries).
// Pure functions over strings; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace callgate::http {

using Params = std::vector<std::pair<std::string, std::string>>;

// RFC 3986 percent-encoding: unreserved characters (A-Z a-z 0-9 - . _ ~) stay, every other byte
// becomes %XX with upper-case hex. Space is "%20", "+" is "%2B". This is the form AWS SigV4
// requires and what every form decoder accepts.
std::string percentEncode(std::string_view text);

// "a=1&b=x%20y": each name and value percentEncode()d, in the given order.
std::string formEncode(const Params& params);

// Decodes an application/x-www-form-urlencoded body or a query string: '&'-separated pairs,
// '+' means space, %XX is a byte. A pair without '=' has an empty value; empty pairs are skipped.
// kInvalidArgument for a malformed %-escape. Order and repeated names are kept.
Result<Params> parseForm(std::string_view text);

// The first value of `name` in `params`, or nullopt.
std::optional<std::string> findParam(const Params& params, std::string_view name);

}  // namespace callgate::http
