// Text helpers for STIR/SHAKEN on SIP: splitting an Identity header (RFC 8224) into its PASSporT
// and parameters, base64url decoding, telephone numbers as plain digits, and finding verstat
// (3GPP TS 24.229 / ATIS-1000074) in a P-Asserted-Identity or From value. They only parse: they
// never fetch anything (the info= URL is returned as text and nothing dereferences it).
// Pure functions; thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace callgate::stir {

// Identity headers longer than this are rejected unparsed (a real one is ~500-800 bytes).
inline constexpr size_t kMaxIdentityHeaderBytes = 8 * 1024;

struct IdentityParts {
  std::string jwt;                            // "header.payload.signature", whitespace removed
  std::vector<std::string> segments;          // the three base64url segments of jwt
  std::map<std::string, std::string> params;  // lower-case name -> value, quotes and <> removed
};

// Splits "<jwt>;info=<https://...>;alg=ES256;ppt=shaken". nullopt when the value is too long,
// the PASSporT is not three non-empty base64url segments, or a parameter is malformed/repeated.
std::optional<IdentityParts> splitIdentityHeader(std::string_view value);

// base64url without padding (RFC 7515 §2); nullopt on any character outside the alphabet.
std::optional<std::string> base64UrlDecode(std::string_view text);
std::string base64UrlEncode(std::string_view bytes);

// A telephone number as plain digits for comparison: whitespace trimmed, a leading '+' removed,
// anything from ';' on dropped (tel: URI parameters), visual separators "-.()" removed. "" when
// what is left is not 1..20 ASCII digits (e.g. "anonymous"), so it never equals a real number.
std::string telDigits(std::string_view text);

// Every verstat parameter value in a header value (URI or header parameters, any case), e.g.
// "<tel:+15617500080;verstat=TN-Validation-Passed>" -> {"TN-Validation-Passed"}.
std::vector<std::string> findVerstat(std::string_view headerValue);

}  // namespace callgate::stir
