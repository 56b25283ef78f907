// Building the LDAP search filter for one user id (RFC 4515): the configured template with every
// "{user}" replaced by the user id escaped as an assertion value, so that nothing a caller keys
// or sends ("*)(uid=*", a NUL, a backslash) can change the filter's structure. Pure functions;
// thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace callgate {

// RFC 4515 section 3: '*', '(', ')', '\' and NUL are written as '\' and two hex digits. Every
// other byte outside printable ASCII (controls, DEL, bytes of UTF-8 sequences) is escaped the
// same way, which RFC 4515 allows and which keeps the filter 7-bit clean in logs.
std::string escapeLdapFilterValue(std::string_view value);

// `filterTemplate` with each "{user}" replaced by escapeLdapFilterValue(userId).
std::string expandLdapFilter(std::string_view filterTemplate, std::string_view userId);

}  // namespace callgate
