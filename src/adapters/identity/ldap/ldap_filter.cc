#include "adapters/identity/ldap/ldap_filter.h"

namespace callgate {

std::string escapeLdapFilterValue(std::string_view value) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    const bool special = c == '*' || c == '(' || c == ')' || c == '\\';
    if (special || u < 0x20 || u >= 0x7f) {
      out += '\\';
      out += kHex[u >> 4];
      out += kHex[u & 0x0f];
    } else {
      out += c;
    }
  }
  return out;
}

std::string expandLdapFilter(std::string_view filterTemplate, std::string_view userId) {
  static constexpr std::string_view kPlaceholder = "{user}";
  const std::string escaped = escapeLdapFilterValue(userId);
  std::string out;
  size_t at = 0;
  while (true) {
    const size_t next = filterTemplate.find(kPlaceholder, at);
    if (next == std::string_view::npos) break;
    out.append(filterTemplate.substr(at, next - at));
    out += escaped;
    at = next + kPlaceholder.size();
  }
  out.append(filterTemplate.substr(at));
  return out;
}

}  // namespace callgate
