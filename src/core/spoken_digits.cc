#include "core/spoken_digits.h"

#include <array>
#include <utility>
#include <vector>

#include "core/text.h"

namespace callgate {

namespace {

constexpr std::array<std::pair<std::string_view, char>, 13> kDigitWords{{
    {"zero", '0'},
    {"oh", '0'},
    {"o", '0'},
    {"one", '1'},
    {"two", '2'},
    {"three", '3'},
    {"four", '4'},
    {"five", '5'},
    {"six", '6'},
    {"seven", '7'},
    {"eight", '8'},
    {"nine", '9'},
    {"nought", '0'},
}};

// Hesitations recognisers transcribe; they carry no digit and do not spoil the entry.
constexpr std::array<std::string_view, 6> kFillers{"uh", "um", "umm", "er", "erm", "ah"};

bool isSeparator(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == '.' || c == '-' ||
         c == '!' || c == '?' || c == ';' || c == ':';
}

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  std::string current;
  for (char c : text) {
    if (isSeparator(c)) {
      if (!current.empty()) out.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  if (!current.empty()) out.push_back(std::move(current));
  return out;
}

// A word's digits: "seven" -> "7", "42" -> "42"; nullopt for anything else.
std::optional<std::string> digitsOf(const std::string& word) {
  bool numeral = !word.empty();
  for (char c : word) numeral = numeral && c >= '0' && c <= '9';
  if (numeral) return word;
  for (const auto& [name, digit] : kDigitWords) {
    if (word == name) return std::string(1, digit);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> spokenDigits(std::string_view transcript) {
  // Bound the work on hostile input; no real entry is anywhere near this long.
  if (transcript.size() > 1024) return std::nullopt;
  const std::vector<std::string> tokens = words(toLowerAscii(transcript));
  std::string out;
  int repeat = 1;  // pending "double" (2) / "triple" (3) for the next digit
  for (const std::string& token : tokens) {
    if (token == "double" || token == "triple") {
      if (repeat != 1) return std::nullopt;  // "double triple" means nothing
      repeat = token == "double" ? 2 : 3;
      continue;
    }
    bool filler = false;
    for (std::string_view f : kFillers) filler = filler || token == f;
    if (filler) continue;
    std::optional<std::string> digits = digitsOf(token);
    if (!digits) return std::nullopt;
    // "double 5" -> 55; "double 56" -> 556: the repetition applies to the next digit only.
    out.append(static_cast<size_t>(repeat - 1), (*digits)[0]);
    out += *digits;
    repeat = 1;
  }
  if (repeat != 1 || out.empty()) return std::nullopt;
  return out;
}

}  // namespace callgate
