#include "core/speech/grammar.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <utility>

#include "core/spoken_digits.h"

namespace callgate::speech {
namespace {

std::string header(const std::string& grammarName) {
  return "#JSGF V1.0;\ngrammar " + grammarName + ";\n";
}

// A JSGF weight, "/0.000001/ " (sphinxbase reads no exponent); "" for 1.
std::string weightOf(double w) {
  if (w == 1.0) return "";
  // Six significant digits after the leading zeros, not the binary value's tail.
  const int decimals = std::min(40, static_cast<int>(std::ceil(-std::log10(w))) + 6);
  char text[64];
  std::snprintf(text, sizeof text, "/%.*f", decimals, w);
  std::string s = text;
  s.erase(s.find_last_not_of('0') + 1);
  return s + "/ ";
}

// <d>: one digit word, each with `weight` (weightOf's text).
std::string digitRule(const std::string& weight = "") {
  std::string rule = "<d> = ";
  for (const char* word :
       {"zero", "oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"})
    rule += (rule.size() > 6 ? " | " : "") + weight + word;
  return rule + ";\n";
}

// <nK>: exactly K digits, with double/triple when `repeats`. "double" stands for one digit more
// than the <d> after it, "triple" for two: their weights are perDigit and its square (weightOf's
// text; see digitsJsgf).
std::string lengthRule(int k, bool repeats, const std::string& doubleWeight,
                       const std::string& tripleWeight) {
  std::string rule = "<n" + std::to_string(k) + "> = ";
  if (!repeats) {
    for (int i = 0; i < k; ++i) rule += (i == 0 ? "<d>" : " <d>");
    return rule + ";\n";
  }
  auto tail = [](int rest) {
    return rest == 0 ? std::string() : " <n" + std::to_string(rest) + ">";
  };
  rule += "<d>" + tail(k - 1);
  if (k >= 2) rule += " | " + doubleWeight + "double <d>" + tail(k - 2);
  if (k >= 3) rule += " | " + tripleWeight + "triple <d>" + tail(k - 3);
  return rule + ";\n";
}

// digitGrammar's JSGF; every digit word weighted perDigit (1: none). sphinxbase applies a JSGF
// weight to a word's transition only (a rule reference is expanded inline and its weight
// dropped), so the weight sits on the words of <d>: a penalty for each digit heard.
// Lengths lo..hi but `without` (0: none).
std::string digitsJsgf(const std::string& gname, int lo, int hi, double perDigit, int without = 0) {
  std::string body = header(gname);
  std::string slot = "public <slot> = ";
  bool first = true;
  for (int k = lo; k <= hi; ++k) {
    if (k == without) continue;
    slot += (first ? "<n" : " | <n") + std::to_string(k) + ">";
    first = false;
  }
  const std::string weight = weightOf(perDigit);
  const std::string squared = weightOf(perDigit * perDigit);
  body += slot + ";\n" + digitRule(weight);
  // Rules for every length the slot needs, including the shorter tails that double/triple use.
  const int from = hi <= kMaxDoubleDigits ? 1 : lo;
  for (int k = from; k <= hi; ++k)
    body += lengthRule(k, k <= kMaxDoubleDigits && hi <= kMaxDoubleDigits, weight, squared);
  return body;
}

std::pair<int, int> digitRange(int minDigits, int maxDigits) {
  int lo = std::clamp(minDigits, 1, kMaxSpokenDigits);
  const int hi = std::clamp(maxDigits, 1, kMaxSpokenDigits);
  if (lo > hi) lo = hi;
  return {lo, hi};
}

}  // namespace

Grammar digitGrammar(int minDigits, int maxDigits) {
  const auto [lo, hi] = digitRange(minDigits, maxDigits);
  Grammar g;
  g.name = "digits-" + std::to_string(lo) + "-" + std::to_string(hi);
  g.minDigits = lo;
  g.maxDigits = hi;
  g.jsgf = digitsJsgf("digits" + std::to_string(lo) + "to" + std::to_string(hi), lo, hi, 1.0);
  return g;
}

std::optional<Grammar> otherLengthsGrammar(const Grammar& slot, int length) {
  if (!slot.isDigitSlot() || slot.minDigits == slot.maxDigits) return std::nullopt;
  const auto [lo, hi] = digitRange(slot.minDigits, slot.maxDigits);
  if (length < lo || length > hi) return std::nullopt;
  Grammar g;
  g.name =
      "digits-" + std::to_string(lo) + "-" + std::to_string(hi) + "-not-" + std::to_string(length);
  g.minDigits = lo;
  g.maxDigits = hi;
  g.jsgf = digitsJsgf(
      "digits" + std::to_string(lo) + "to" + std::to_string(hi) + "not" + std::to_string(length),
      lo, hi, 1.0, length);
  return g;
}

Grammar pauseCheckGrammar(const Grammar& entry, double perDigitWeight) {
  const double w = std::clamp(perDigitWeight, 1e-18, 1.0);
  if (w == 1.0) {
    Grammar g = digitGrammar(1, entry.maxDigits);
    g.partialEntry = true;
    return g;
  }
  const int hi = digitRange(1, entry.maxDigits).second;
  Grammar g;
  g.partialEntry = true;
  // The weight in the cache key as -100 log10(w) (0.01: "p200"): [a-z0-9-] only.
  g.name = "pause-check-1-" + std::to_string(hi) + "-p" +
           std::to_string(std::lround(-100.0 * std::log10(w)));
  g.minDigits = 1;
  g.maxDigits = hi;
  g.jsgf = digitsJsgf("pausecheck1to" + std::to_string(hi), 1, hi, w);
  return g;
}

bool entryIsWhole(const Grammar& entry, std::string_view heard) {
  return spokenDigits(heard).value_or("").size() >= static_cast<size_t>(entry.minDigits);
}

Grammar digitLoopGrammar() {
  Grammar g;
  g.name = "digit-loop";
  std::string slot = "public <slot> = <d>";
  for (int k = 2; k <= kMaxSpokenDigits; ++k) slot += " [<d>";
  for (int k = 2; k <= kMaxSpokenDigits; ++k) slot += "]";
  g.jsgf = header("digitloop") + slot + ";\n" + digitRule();
  return g;
}

namespace {
constexpr const char* kYesWords = "yes | yeah | yep | correct | right | that's right | one";
constexpr const char* kNoWords = "no | nope | wrong | incorrect | two";
}  // namespace

Grammar yesNoGrammar() {
  Grammar g;
  g.name = Grammar::kYesNoName;
  g.jsgf = header("yesno") + "public <answer> = <yes> | <no>;\n<yes> = " + kYesWords +
           ";\n<no> = " + kNoWords + ";\n";
  return g;
}

Grammar answerGrammar(bool yes) {
  Grammar g;
  g.name = yes ? "answer-yes" : "answer-no";
  g.jsgf = header(yes ? "answeryes" : "answerno") +
           "public <answer> = " + (yes ? kYesWords : kNoWords) + ";\n";
  return g;
}

}  // namespace callgate::speech
