// Private to src/adapters/sip: the text pieces of a transfer by REFER (RFC 3515): the Refer-To
// value with URI headers escaped per RFC 3261 19.1.1, validation of the header fields we copy
// onto the REFER, and reading NOTIFY sipfrag bodies (RFC 3420). Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace callgate::sip {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// %-escapes everything outside RFC 3261's hnv-unreserved / unreserved characters.
std::string escapeUriHeader(std::string_view text);

// The longest Refer-To URI we write. Transferees copy the URI into a fixed buffer (baresip
// drops one over 255 bytes and then transfers to nowhere), so URI headers are added in order
// (the verdict comes first) only while the whole URI fits; the REFER's own header fields carry
// all of them regardless.
inline constexpr std::size_t kMaxReferToUriBytes = 250;

// "<target?H1=v1&H2=v2>" within kMaxReferToUriBytes (headers that do not fit are left out).
// kInvalidArgument when the target is not a sip:/sips: URI or contains '<', '>', CR, LF, or is
// itself too long, or a header name is not a token or a value has CR/LF/NUL.
Result<std::string> buildReferTo(std::string_view target, const HeaderList& headers);

// Status code of a "SIP/2.0 200 OK" sipfrag body; 0 if it has none.
int sipfragStatus(std::string_view body);

// Subscription-State value says "terminated".
bool subscriptionTerminated(std::string_view value);

}  // namespace callgate::sip
