// What the identity-provider verifiers share on the wire: which endpoint URLs they may use,
// the encodings of HTTP Basic client authentication and of Cognito's SECRET_HASH, and a safe
// rendering of a provider's error code for logs. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace callgate::identity {

// OK for an https:// URL, and for http:// only to a loopback host (127.0.0.0/8, [::1],
// localhost) unless `allowInsecure`: a password must not cross a network in the clear by
// accident. kInvalidArgument naming `what` (e.g. "credentials.oidc.token_endpoint") otherwise.
Status checkEndpointUrl(std::string_view what, std::string_view url, bool allowInsecure);

// Base64 (RFC 4648 §4, padded).
std::string base64Encode(std::string_view bytes);

// application/x-www-form-urlencoded serialization of one value (RFC 6749 Appendix B): ASCII
// letters, digits and "*-._" stay, space is '+', every other byte %XX (upper-case hex).
std::string formUrlEncode(std::string_view text);

// "Basic " + Base64(formUrlEncode(id) ":" formUrlEncode(secret)), RFC 6749 §2.3.1.
std::string basicAuthorization(std::string_view clientId, std::string_view clientSecret);

// A provider's error code as it may appear in a log line: letters, digits, '_', '.', '-', ':'
// and '#' kept, at most 64 characters, anything else replaced by '?'; "" stays "".
std::string safeCode(std::string_view code);

}  // namespace callgate::identity
