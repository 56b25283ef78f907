// Closed sets of words in the config file (provider = "twilio", provisional = "183"): each
// enum's words are listed once, parsed once when the table is read (or the flag applied), and
// named in the error for anything else. Pure functions; thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace callgate::app {

// An enum's words, in the order errors list them.
template <typename E, size_t N>
using Words = std::array<std::pair<std::string_view, E>, N>;

// The value `text` spells (exactly, as the docs write it), or nullopt.
template <typename E, size_t N>
std::optional<E> parseWord(const Words<E, N>& words, std::string_view text) {
  for (const auto& [word, value] : words) {
    if (word == text) return value;
  }
  return std::nullopt;
}

// The word for `value` ("" if the list lacks it, which the lists' tests rule out).
template <typename E, size_t N>
std::string_view wordOf(const Words<E, N>& words, E value) {
  for (const auto& [word, v] : words) {
    if (v == value) return word;
  }
  return {};
}

// The choices as an error names them: "\"none\", \"180\" or \"183\"".
template <typename E, size_t N>
std::string listWords(const Words<E, N>& words) {
  std::string out;
  for (size_t i = 0; i < N; ++i) {
    if (i > 0) out += i + 1 == N ? " or " : ", ";
    out += "\"" + std::string(words[i].first) + "\"";
  }
  return out;
}

}  // namespace callgate::app
