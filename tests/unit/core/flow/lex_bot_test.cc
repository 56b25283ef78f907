// The local Lex bot: parsing both file shapes, and matching words and keys to intents.
#include "core/flow/lex_bot.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace callgate::flow {
namespace {

constexpr const char* kBankBot = R"({
  "name": "Bank",
  "intents": [
    {"name": "CheckBalance", "dtmf": "1",
     "utterances": ["check my balance", "what's my balance", "balance for account {Account}"],
     "slots": [{"name": "Account", "type": "AMAZON.Number"}]},
    {"name": "PayBill", "dtmf": "2",
     "utterances": ["pay my {Kind} bill", "pay {Amount} dollars"],
     "slots": [{"name": "Kind", "type": "BillKind"}, {"name": "Amount", "type": "AMAZON.Number"}]},
    {"name": "Agent", "utterances": ["agent", "talk to a person", "representative"]},
    {"name": "FallbackIntent"}
  ],
  "slotTypes": [
    {"name": "BillKind", "values": [{"value": "electric", "synonyms": ["power", "electricity"]},
                                     "water"]}
  ]
})";

std::shared_ptr<const LexBot> bank() {
  Result<std::shared_ptr<const LexBot>> bot = LexBot::parse(kBankBot, "file");
  EXPECT_TRUE(bot.ok()) << (bot.ok() ? "" : bot.error().message());
  return bot.ok() ? *bot : nullptr;
}

TEST(LexBotTest, MatchesAnUtteranceExactly) {
  auto bot = bank();
  std::optional<LexMatch> m = bot->match("Check my balance.");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->intent, "CheckBalance");
  EXPECT_DOUBLE_EQ(m->confidence, 1.0);
  EXPECT_EQ(m->slots.at("Account"), "");  // every slot of the intent is reported
}

TEST(LexBotTest, FillsANumberSlotFromSpokenOrWrittenDigits) {
  auto bot = bank();
  std::optional<LexMatch> spoken = bot->match("balance for account one two three four");
  ASSERT_TRUE(spoken);
  EXPECT_EQ(spoken->intent, "CheckBalance");
  EXPECT_EQ(spoken->slots.at("Account"), "1234");
  std::optional<LexMatch> written = bot->match("balance for account 5678");
  ASSERT_TRUE(written);
  EXPECT_EQ(written->slots.at("Account"), "5678");
  std::optional<LexMatch> amount = bot->match("pay twenty one dollars");
  ASSERT_TRUE(amount);
  EXPECT_EQ(amount->intent, "PayBill");
  EXPECT_EQ(amount->slots.at("Amount"), "21");
}

TEST(LexBotTest, ResolvesACustomSlotSynonymToItsValue) {
  auto bot = bank();
  std::optional<LexMatch> m = bot->match("pay my power bill");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->intent, "PayBill");
  EXPECT_EQ(m->slots.at("Kind"), "electric");
  EXPECT_EQ(m->slots.at("Amount"), "");
}

TEST(LexBotTest, NormalisesCaseFillersAndPunctuation) {
  auto bot = bank();
  std::optional<LexMatch> m = bot->match("  Um, WHAT'S my balance, please?! ");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->intent, "CheckBalance");
  EXPECT_DOUBLE_EQ(m->confidence, 1.0);
}

TEST(LexBotTest, FindsAnUtteranceInsideALongerSentenceWithLowerConfidence) {
  auto bot = bank();
  std::optional<LexMatch> m = bot->match("I would like to talk to a person");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->intent, "Agent");
  EXPECT_LT(m->confidence, 1.0);
  EXPECT_GE(m->confidence, kMinPartialConfidence);
}

TEST(LexBotTest, ReportsNoMatchForUnrelatedWords) {
  auto bot = bank();
  EXPECT_FALSE(bot->match("the weather is lovely today in the park"));
  EXPECT_FALSE(bot->match(""));
  EXPECT_FALSE(bot->match("pay my gas bill"));  // gas is no BillKind value
  IntentRecognized heard = intentFromWords(*bot, "hello there", "text");
  EXPECT_EQ(heard.intent, kFallbackIntent);
  EXPECT_DOUBLE_EQ(heard.confidence, 0.0);
}

TEST(LexBotTest, KeysChooseAnIntentByItsDtmfOrFillANumberSlot) {
  auto bot = bank();
  EXPECT_EQ(intentFromKeys(*bot, "2").intent, "PayBill");
  EXPECT_EQ(intentFromKeys(*bot, "9").intent, kFallbackIntent);
  Result<std::shared_ptr<const LexBot>> account = LexBot::parse(
      R"({"intents": [{"name": "Account", "utterances": ["{Number}"],
          "slots": [{"name": "Number", "type": "AMAZON.Number"}]}]})",
      "account");
  ASSERT_TRUE(account.ok());
  IntentRecognized keyed = intentFromKeys(**account, "12345678");
  EXPECT_EQ(keyed.intent, "Account");
  EXPECT_EQ(keyed.slots.at("Number"), "12345678");
  EXPECT_EQ((*account)->name(), "account");  // named after the file when the bot is not
}

TEST(LexBotTest, KeysChooseAnIntentOnlyWhenNothingLongerCouldBeMeant) {
  auto bot = bank();
  EXPECT_TRUE(bot->keysChooseIntent("1"));
  EXPECT_FALSE(bot->keysChooseIntent("9"));  // no intent has these keys
  Result<std::shared_ptr<const LexBot>> menu = LexBot::parse(
      R"({"intents": [{"name": "Short", "dtmf": "1", "utterances": ["short"]},
                      {"name": "Long", "dtmf": "12", "utterances": ["long"]}]})",
      "menu");
  ASSERT_TRUE(menu.ok());
  EXPECT_FALSE((*menu)->keysChooseIntent("1"));  // "12" may follow
  EXPECT_TRUE((*menu)->keysChooseIntent("12"));
  Result<std::shared_ptr<const LexBot>> account = LexBot::parse(
      R"({"intents": [{"name": "Menu", "dtmf": "1", "utterances": ["menu"]},
                      {"name": "Account", "utterances": ["{Number}"],
                       "slots": [{"name": "Number", "type": "AMAZON.Number"}]}]})",
      "account");
  ASSERT_TRUE(account.ok());
  EXPECT_FALSE((*account)->keysChooseIntent("1"));  // the caller may be keying a number
}

TEST(LexBotTest, ReadsALexV2ExportShape) {
  Result<std::shared_ptr<const LexBot>> bot = LexBot::parse(R"({
    "botName": "OrderBot",
    "botLocales": [
      {"localeId": "fr_FR", "intents": [{"intentName": "Commander"}]},
      {"localeId": "en_US",
       "intents": [
         {"intentName": "OrderPizza",
          "sampleUtterances": [{"utterance": "I want a {Size} pizza"}],
          "slots": [{"slotName": "Size", "slotTypeName": "PizzaSize"}]},
         {"name": "FallbackIntent", "parentIntentSignature": "AMAZON.FallbackIntent"}],
       "slotTypes": [
         {"slotTypeName": "PizzaSize",
          "slotTypeValues": [{"sampleValue": {"value": "large"}, "synonyms": [{"value": "big"}]}],
          "valueSelectionSetting": {"resolutionStrategy": "OriginalValue"}}]}]})",
                                                            "file");
  ASSERT_TRUE(bot.ok()) << bot.error().message();
  EXPECT_EQ((*bot)->name(), "OrderBot");
  std::optional<LexMatch> m = (*bot)->match("I want a big pizza");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->intent, "OrderPizza");
  EXPECT_EQ(m->slots.at("Size"), "big");  // OriginalValue: the words said
}

TEST(LexBotTest, ReadsCloudFormationPascalCase) {
  Result<std::shared_ptr<const LexBot>> bot = LexBot::parse(R"({
    "Type": "AWS::Lex::Bot",
    "Properties": {"Name": "Cfn", "BotLocales": [{"LocaleId": "en_US", "Intents": [
      {"Name": "Hours", "SampleUtterances": [{"Utterance": "what are your hours"}]}]}]}})",
                                                            "file");
  ASSERT_TRUE(bot.ok()) << bot.error().message();
  EXPECT_EQ((*bot)->match("what are your hours")->intent, "Hours");
}

TEST(LexBotTest, RefusesUnsupportedSlotTypesAndUnknownSlots) {
  Result<std::shared_ptr<const LexBot>> date = LexBot::parse(
      R"({"intents": [{"name": "Book", "utterances": ["on {Day}"],
          "slots": [{"name": "Day", "type": "AMAZON.Date"}]}]})",
      "x");
  ASSERT_FALSE(date.ok());
  EXPECT_NE(date.error().message().find("AMAZON.Date"), std::string::npos);
  Result<std::shared_ptr<const LexBot>> unknown =
      LexBot::parse(R"({"intents": [{"name": "Book", "utterances": ["on {Day}"]}]})", "x");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message().find("Day"), std::string::npos);
  EXPECT_FALSE(LexBot::parse("{not json", "x").ok());
  EXPECT_FALSE(LexBot::parse(R"({"intents": []})", "x").ok());
}

}  // namespace
}  // namespace callgate::flow
