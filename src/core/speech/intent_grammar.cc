#include "core/speech/intent_grammar.h"

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/hash.h"

namespace callgate::speech {
namespace {

constexpr const char* kDigitWords[] = {"zero", "one", "two",   "three", "four",
                                       "five", "six", "seven", "eight", "nine"};

// A normalised word as grammar words: itself, or a numeral spelt digit by digit; nullopt when the
// recogniser cannot say it.
std::optional<std::vector<std::string>> sayable(const std::string& word) {
  bool allDigits = !word.empty();
  for (char c : word) allDigits = allDigits && c >= '0' && c <= '9';
  if (allDigits) {
    std::vector<std::string> out;
    for (char c : word) out.emplace_back(kDigitWords[c - '0']);
    return out;
  }
  for (char c : word) {
    if (!((c >= 'a' && c <= 'z') || c == '\'')) return std::nullopt;
  }
  return std::vector<std::string>{word};
}

// The words of a phrase joined for JSGF, or nullopt when one is not sayable.
std::optional<std::string> phrase(const std::vector<std::string>& words,
                                  std::set<std::string>& vocabulary) {
  std::string out;
  for (const std::string& w : words) {
    std::optional<std::vector<std::string>> said = sayable(w);
    if (!said) return std::nullopt;
    for (const std::string& s : *said) {
      out += (out.empty() ? "" : " ") + s;
      vocabulary.insert(s);
    }
  }
  return out;
}

}  // namespace

Grammar intentGrammar(const flow::LexBot& bot) {
  std::set<std::string> vocabulary;
  std::string rules;
  // Slot types: <t0>, <t1>, ... (numbers share <number>).
  std::vector<std::string> typeRule(bot.slotTypes().size());
  bool usesNumber = false;
  for (std::size_t t = 0; t < bot.slotTypes().size(); ++t) {
    const flow::LexSlotType& type = bot.slotTypes()[t];
    if (type.kind == flow::LexSlotType::Kind::kNumber) {
      typeRule[t] = "<number>";
      continue;
    }
    std::string alternatives;
    for (const flow::LexSlotValue& v : type.values) {
      for (const std::vector<std::string>& p : v.phrases) {
        std::optional<std::string> said = phrase(p, vocabulary);
        if (!said || said->empty()) continue;
        alternatives += (alternatives.empty() ? "" : " | ") + *said;
      }
    }
    if (alternatives.empty()) continue;  // nothing sayable: utterances using it are left out
    typeRule[t] = "<t" + std::to_string(t) + ">";
    rules += typeRule[t] + " = " + alternatives + ";\n";
  }
  std::string intents;
  for (const flow::LexIntent& intent : bot.intents()) {
    for (const std::vector<flow::LexToken>& utterance : intent.utterances) {
      std::string alternative;
      std::set<std::string> words;
      bool ok = true;
      for (const flow::LexToken& token : utterance) {
        std::string piece;
        if (token.isSlot()) {
          piece = typeRule[intent.slots[token.slot].type];
          usesNumber = usesNumber || piece == "<number>";
        } else if (std::optional<std::string> said = phrase({token.word}, words)) {
          piece = *said;
        }
        if (piece.empty()) {
          ok = false;
          break;
        }
        alternative += (alternative.empty() ? "" : " ") + piece;
      }
      if (!ok || alternative.empty()) continue;
      vocabulary.insert(words.begin(), words.end());
      intents += (intents.empty() ? "" : "\n  | ") + alternative;
    }
  }
  if (intents.empty()) {
    // No utterance can be said: keys (and a spoken number) are all the bot can take.
    intents = "<number>";
    usesNumber = true;
  }
  if (usesNumber) {
    std::string number = "<number> = <d>";
    for (int k = 2; k <= kMaxSpokenDigits; ++k) number += " [<d>";
    for (int k = 2; k <= kMaxSpokenDigits; ++k) number += "]";
    rules += number +
             ";\n<d> = zero | oh | one | two | three | four | five | six | seven | eight " +
             "| nine;\n";
    for (const char* w :
         {"zero", "oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"})
      vocabulary.insert(w);
  }
  Grammar g;
  g.jsgf = "#JSGF V1.0;\ngrammar lex;\npublic <utterance> = " + intents + ";\n" + rules;
  g.name = "lex-" + fnv1aHex(g.jsgf);
  g.words.assign(vocabulary.begin(), vocabulary.end());
  return g;
}

}  // namespace callgate::speech
