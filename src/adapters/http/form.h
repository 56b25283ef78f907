// application/x-www-form-urlencoded bodies (HTML forms, OAuth 2.0 requests), decoded strictly:
// '+' is a space and %XX a byte, as the URL Standard says, but unlike a browser's lenient parser
// a malformed escape ("%", "%4", "%zz"), an empty name, a repeated name (RFC 6749 §3.1: request
// parameters MUST NOT repeat), a decoded NUL or invalid UTF-8, or more than kMaxFormFields
// fields is an error (kInvalidArgument naming the problem, never the value). Empty pieces between
// '&'s are skipped; "name" without '=' has the empty value. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include "core/result.h"

namespace callgate::http {

using FormFields = std::map<std::string, std::string>;

inline constexpr size_t kMaxFormFields = 64;

Result<FormFields> parseForm(std::string_view body);

// Percent-decodes one component ('+' as space); false on a malformed escape, NUL or invalid UTF-8.
bool formDecode(std::string_view in, std::string& out);

// Percent-encodes for a form body (unreserved characters stay, space becomes '+').
std::string formEncode(std::string_view in);

// True if the Content-Type header value is application/x-www-form-urlencoded (any parameters).
bool isFormContentType(std::string_view contentType);

}  // namespace callgate::http
