#include "core/speech/grammar.h"

#include <algorithm>

#include "core/spoken_digits.h"

namespace callgate::speech {
namespace {

constexpr const char* kDigitRule =
    "<d> = zero | oh | one | two | three | four | five | six | seven | eight | nine;\n";

std::string header(const std::string& grammarName) {
  return "#JSGF V1.0;\ngrammar " + grammarName + ";\n";
}

// <nK>: exactly K digits, with double/triple when `repeats`.
std::string lengthRule(int k, bool repeats) {
  std::string rule = "<n" + std::to_string(k) + "> = ";
  if (!repeats) {
    for (int i = 0; i < k; ++i) rule += (i == 0 ? "<d>" : " <d>");
    return rule + ";\n";
  }
  auto tail = [](int rest) {
    return rest == 0 ? std::string() : " <n" + std::to_string(rest) + ">";
  };
  rule += "<d>" + tail(k - 1);
  if (k >= 2) rule += " | double <d>" + tail(k - 2);
  if (k >= 3) rule += " | triple <d>" + tail(k - 3);
  return rule + ";\n";
}

}  // namespace

Grammar digitGrammar(int minDigits, int maxDigits) {
  int lo = std::clamp(minDigits, 1, kMaxSpokenDigits);
  int hi = std::clamp(maxDigits, 1, kMaxSpokenDigits);
  if (lo > hi) lo = hi;
  Grammar g;
  g.name = "digits-" + std::to_string(lo) + "-" + std::to_string(hi);
  g.minDigits = lo;
  g.maxDigits = hi;
  const std::string gname = "digits" + std::to_string(lo) + "to" + std::to_string(hi);
  std::string body = header(gname);
  std::string slot = "public <slot> = ";
  for (int k = lo; k <= hi; ++k) slot += (k == lo ? "<n" : " | <n") + std::to_string(k) + ">";
  body += slot + ";\n" + kDigitRule;
  // Rules for every length the slot needs, including the shorter tails that double/triple use.
  const int from = hi <= kMaxDoubleDigits ? 1 : lo;
  for (int k = from; k <= hi; ++k)
    body += lengthRule(k, k <= kMaxDoubleDigits && hi <= kMaxDoubleDigits);
  g.jsgf = std::move(body);
  return g;
}

Grammar pauseCheckGrammar(const Grammar& entry) { return digitGrammar(1, entry.maxDigits); }

bool entryIsWhole(const Grammar& entry, std::string_view heard) {
  return spokenDigits(heard).value_or("").size() >= static_cast<size_t>(entry.minDigits);
}

Grammar digitLoopGrammar() {
  Grammar g;
  g.name = "digit-loop";
  std::string slot = "public <slot> = <d>";
  for (int k = 2; k <= kMaxSpokenDigits; ++k) slot += " [<d>";
  for (int k = 2; k <= kMaxSpokenDigits; ++k) slot += "]";
  g.jsgf = header("digitloop") + slot + ";\n" + kDigitRule;
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
