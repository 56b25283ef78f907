// The JSGF built from a Lex bot's utterances.
#include "core/speech/intent_grammar.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace callgate::speech {
namespace {

std::shared_ptr<const flow::LexBot> parse(const char* json) {
  Result<std::shared_ptr<const flow::LexBot>> bot = flow::LexBot::parse(json, "test");
  EXPECT_TRUE(bot.ok()) << (bot.ok() ? "" : bot.error().message());
  return bot.ok() ? *bot : nullptr;
}

bool has(const Grammar& g, const std::string& word) {
  return std::find(g.words.begin(), g.words.end(), word) != g.words.end();
}

TEST(IntentGrammarTest, HasOneAlternativePerUtteranceWithSlotRules) {
  auto bot = parse(R"({"intents": [
    {"name": "Balance", "utterances": ["check my balance", "account {Number}"],
     "slots": [{"name": "Number", "type": "AMAZON.Number"}]},
    {"name": "Pay", "utterances": ["pay my {Kind} bill"],
     "slots": [{"name": "Kind", "type": "Kind"}]}],
    "slotTypes": [{"name": "Kind", "values": [{"value": "electric", "synonyms": ["power"]}]}]})");
  Grammar g = intentGrammar(*bot);
  EXPECT_TRUE(g.jsgf.starts_with("#JSGF V1.0;\ngrammar lex;\npublic <utterance> = "));
  EXPECT_NE(g.jsgf.find("check my balance"), std::string::npos);
  EXPECT_NE(g.jsgf.find("account <number>"), std::string::npos);
  EXPECT_NE(g.jsgf.find("pay my <t1> bill"), std::string::npos);
  EXPECT_NE(g.jsgf.find("<t1> = electric | power;"), std::string::npos);
  EXPECT_NE(g.jsgf.find("<number> = <d> [<d>"), std::string::npos);
  EXPECT_TRUE(g.name.starts_with("lex-"));
  EXPECT_EQ(g.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-"), std::string::npos);
  EXPECT_FALSE(g.isDigitSlot());
  for (const char* w :
       {"check", "my", "balance", "account", "pay", "bill", "electric", "power", "oh", "nine"})
    EXPECT_TRUE(has(g, w)) << w;
}

TEST(IntentGrammarTest, SpellsNumeralsAndLeavesOutUnsayableUtterances) {
  auto bot = parse(R"({"intents": [{"name": "Menu", "utterances": ["press 1", "café au lait"]}]})");
  Grammar g = intentGrammar(*bot);
  EXPECT_NE(g.jsgf.find("press one"), std::string::npos);
  EXPECT_EQ(g.jsgf.find("caf"), std::string::npos);
  EXPECT_FALSE(has(g, "1"));
}

TEST(IntentGrammarTest, SameUtterancesGiveTheSameName) {
  const char* json = R"({"intents": [{"name": "A", "utterances": ["agent"]}]})";
  EXPECT_EQ(intentGrammar(*parse(json)).name, intentGrammar(*parse(json)).name);
  EXPECT_NE(
      intentGrammar(*parse(json)).name,
      intentGrammar(*parse(R"({"intents": [{"name": "A", "utterances": ["operator"]}]})")).name);
}

}  // namespace
}  // namespace callgate::speech
