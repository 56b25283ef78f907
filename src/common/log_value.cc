#include "common/log_value.h"

namespace callgate {

std::string logValue(std::string_view raw, size_t maxBytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  const std::string_view shown = raw.substr(0, maxBytes);
  std::string out;
  out.reserve(shown.size() + 24);
  out += '"';
  for (const char ch : shown) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        // '=' too: even a reader that ignores quotes must not find a key=value inside a value.
        if (c < 0x20 || c >= 0x7f || c == '=') {
          out += "\\x";
          out += kHex[c >> 4];
          out += kHex[c & 0xf];
        } else {
          out += ch;
        }
    }
  }
  if (raw.size() > shown.size()) {
    out += "...[+" + std::to_string(raw.size() - shown.size()) + " bytes]";
  }
  out += '"';
  return out;
}

}  // namespace callgate
