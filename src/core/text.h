// Small text helpers shared by the core. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace callgate {

// ASCII lower case (locale-independent), for case-insensitive keywords in config and flows.
inline std::string toLowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace callgate
