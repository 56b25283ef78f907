// URL and form encoding for the server's routes (HTML forms, OAuth 2.0 requests, webhooks, query
// strings) and the outbound clients (Twilio/SNS form bodies, Kannel query strings, SigV4).
//
// application/x-www-form-urlencoded bodies are decoded strictly:
// '+' is a space and %XX a byte, as the URL Standard says, but unlike a browser's lenient parser
// a malformed escape ("%", "%4", "%zz"), an empty name, a repeated name (RFC 6749 §3.1: request
// parameters MUST NOT repeat), a decoded NUL or invalid UTF-8, or more than kMaxFormFields
// fields is an error (kInvalidArgument naming the problem, never the value). Empty pieces between
// '&'s are skipped; "name" without '=' has the empty value. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace callgate::http {

using FormFields = std::map<std::string, std::string>;

inline constexpr size_t kMaxFormFields = 64;

Result<FormFields> parseForm(std::string_view body);

// The same decoding, keeping order and repeated names (no field limit), for messages whose
// signature covers every parameter as sent (Twilio webhooks) and for query strings.
using Params = std::vector<std::pair<std::string, std::string>>;
Result<Params> parseFormPairs(std::string_view text);

// The first value of `name` in `params`, or nullopt.
std::optional<std::string> findParam(const Params& params, std::string_view name);

// Percent-decodes one component ('+' as space); false on a malformed escape, NUL or invalid UTF-8.
bool formDecode(std::string_view in, std::string& out);

// RFC 3986 percent-encoding: unreserved characters (A-Z a-z 0-9 - . _ ~) stay, every other byte
// becomes %XX with upper-case hex (space is "%20"). The form AWS SigV4 requires, and one every
// form decoder accepts.
std::string percentEncode(std::string_view text);

// "a=1&b=x%20y": each name and value percentEncode()d, in the given order.
std::string formEncode(const Params& params);

// True if the Content-Type header value is application/x-www-form-urlencoded (any parameters).
bool isFormContentType(std::string_view contentType);

}  // namespace callgate::http
