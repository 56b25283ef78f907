// The table readers' closed sets of words: each enum word is read once, a word outside the set
// is refused naming the key and every choice, and the flags take the same words.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "app/config/config.h"

namespace callgate::app {
namespace {

TEST(ConfigTablesTest, ReadsEachClosedSetIntoItsEnum) {
  Config c;
  auto s = applyToml(R"(
[sms]
provider = "kannel"
[sms.sns]
sms_type = "Promotional"
[sip]
provisional = "none"
refer_failure = "hangup"
[log]
level = "off"
)",
                     "t.toml", c);
  ASSERT_TRUE(s.ok()) << s.error().toString();
  EXPECT_EQ(c.sms.primary(), SmsProvider::kKannel);
  EXPECT_EQ(c.sms.sns.smsType, SnsSmsType::kPromotional);
  EXPECT_EQ(c.sip.provisional, sip::SipServerOptions::Provisional::kNone);
  EXPECT_EQ(c.sip.referFailure, sip_voice::ReferFailure::kHangup);
  EXPECT_EQ(c.logLevel, LogLevel::kOff);
}

TEST(ConfigTablesTest, RefusesAnUnknownWordNamingTheKeyAndTheChoices) {
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases{
      {"[sms]\nprovider = \"pigeon\"\n",
       {"t.toml: sms.provider", "\"outbox\", \"twilio\", \"sns\" or \"kannel\"", "pigeon"}},
      {"[sms.sns]\nsms_type = \"Urgent\"\n",
       {"sms.sns.sms_type", "\"Transactional\" or \"Promotional\""}},
      {"[sip]\nprovisional = \"181\"\n", {"sip.provisional", "\"none\", \"180\" or \"183\""}},
      {"[sip]\nprovisional = 183\n", {"sip.provisional", "\"none\", \"180\" or \"183\""}},
      {"[sip]\nrefer_failure = \"retry\"\n", {"sip.refer_failure", "\"announce\" or \"hangup\""}},
      {"[log]\nlevel = \"loud\"\n",
       {"log.level", "\"trace\", \"debug\", \"info\", \"warn\", \"error\" or \"off\""}},
  };
  for (const auto& [toml, fragments] : cases) {
    Config c;
    auto s = applyToml(toml, "t.toml", c);
    ASSERT_FALSE(s.ok()) << toml;
    for (const std::string& fragment : fragments) {
      EXPECT_NE(s.error().message().find(fragment), std::string::npos) << s.error().message();
    }
  }
}

TEST(ConfigTablesTest, TheFlagsTakeTheSameWords) {
  Overrides o;
  o.sms = "sns";
  o.logLevel = "debug";
  auto bad = loadConfig(o);  // sns without credentials: the provider was taken, then checked
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message().find("sms.sns"), std::string::npos);
  o.sms = "pigeon";
  auto pigeon = loadConfig(o);
  ASSERT_FALSE(pigeon.ok());
  EXPECT_NE(pigeon.error().message().find("\"kannel\""), std::string::npos);
  o.sms.reset();
  auto ok = loadConfig(o);
  ASSERT_TRUE(ok.ok()) << ok.error().toString();
  EXPECT_EQ(ok->logLevel, LogLevel::kDebug);
  o.logLevel = "loud";
  auto loud = loadConfig(o);
  ASSERT_FALSE(loud.ok());
  EXPECT_NE(loud.error().message().find("--log-level"), std::string::npos);
}

TEST(ConfigTablesTest, EveryWordRoundTrips) {
  for (const auto& [word, value] : kSmsProviders) {
    EXPECT_EQ(smsProviderName(value), word);
    EXPECT_EQ(parseWord(kSmsProviders, word), value);
  }
  for (const auto& [word, value] : kLogLevels) {
    EXPECT_EQ(logLevelName(value), word);
    EXPECT_EQ(parseWord(kLogLevels, word), value);
  }
  EXPECT_FALSE(parseWord(kLogLevels, "Info").has_value());  // exact, as the docs spell them
}

TEST(ConfigTablesTest, FunctionsAndOAuthClientsMustBeStrings) {
  Config c;
  ASSERT_TRUE(applyToml("[functions]\nLookup = \"lookup-caller\"\n", "t.toml", c).ok());
  EXPECT_EQ(c.functionMap.at("Lookup"), "lookup-caller");
  auto s = applyToml("[functions]\nLookup = 1\n", "t.toml", c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("functions.\"Lookup\" must be a string"), std::string::npos)
      << s.error().message();
  auto t = applyToml("functions = 1\n", "t.toml", c);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message().find("[functions] must be a table"), std::string::npos);
}

TEST(ConfigTablesTest, TheSpeechTableFillsTheRecognisersOptions) {
  Config c;
  ASSERT_TRUE(applyToml("[speech]\nmax_speech_seconds = 5\n", "t.toml", c).ok());
  EXPECT_EQ(c.speech.endpointer.maxSpeechMs, 5000);
  EXPECT_EQ(c.speech.endpointer.endSilenceMs, 1000);  // untouched keys keep the defaults
  EXPECT_EQ(c.speech.recognizer.maxDecoders, 2);
}

}  // namespace
}  // namespace callgate::app
