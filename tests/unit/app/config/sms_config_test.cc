// [sms] configuration: provider choice, per-provider tables with strict keys, secrets from the
// environment, and the old "outbox:PATH" form, as file keys and as the --sms flag.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <fstream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/config/config.h"
#include "fakes/temp_dir.h"

namespace callgate::app {
namespace {

// Sets environment variables for one test and restores them after.
class ScopedEnv {
 public:
  ScopedEnv() {
    for (const char* name : kNames) {
      const char* v = std::getenv(name);
      saved_.emplace_back(name, v ? std::optional<std::string>(v) : std::nullopt);
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    for (const auto& [name, value] : saved_) {
      if (value)
        ::setenv(name, value->c_str(), 1);
      else
        ::unsetenv(name);
    }
  }
  void set(const char* name, const char* value) { ::setenv(name, value, 1); }

 private:
  static constexpr const char* kNames[] = {"CALLGATE_TWILIO_AUTH_TOKEN", "CALLGATE_KANNEL_PASSWORD",
                                           "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                                           "AWS_SESSION_TOKEN"};
  std::vector<std::pair<const char*, std::optional<std::string>>> saved_;
};

const char* kTwilio = R"(
[sms]
provider = "twilio"
max_attempts = 4
total_timeout_ms = 7000
[sms.twilio]
account_sid = "AC0123456789abcdef0123456789abcdef"
auth_token = "file-token"
from = "+15005550006"
base_url = "http://127.0.0.1:1234"
status_callback_url = "https://callgate.example.com/sms/v1/twilio/status"
)";

Result<Config> load(const std::string& toml, Overrides o = {}) {
  callgate::testing::TempDir dir;  // its own: ctest runs these tests in parallel processes
  const std::string path = dir.file("callgate.toml");
  { std::ofstream(path) << toml; }
  o.configFile = path;
  return loadConfig(o);
}

TEST(SmsConfigTest, DefaultIsTheOutbox) {
  ScopedEnv env;
  auto c = loadConfig({});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->sms.primary(), SmsProvider::kOutbox);
  EXPECT_EQ(outboxPath(*c), "var/outbox.jsonl");
  EXPECT_EQ(c->sms.http.maxAttempts, 3);
}

TEST(SmsConfigTest, ReadsTheTwilioTable) {
  ScopedEnv env;
  auto c = load(kTwilio);
  ASSERT_TRUE(c.ok()) << c.error().toString();
  EXPECT_EQ(c->sms.primary(), SmsProvider::kTwilio);
  EXPECT_EQ(c->sms.twilio.accountSid, "AC0123456789abcdef0123456789abcdef");
  EXPECT_EQ(c->sms.twilio.authToken, "file-token");
  EXPECT_EQ(c->sms.twilio.from, "+15005550006");
  EXPECT_EQ(c->sms.twilio.baseUrl, "http://127.0.0.1:1234");
  EXPECT_EQ(c->sms.twilio.statusCallbackUrl, "https://callgate.example.com/sms/v1/twilio/status");
  EXPECT_EQ(c->sms.http.maxAttempts, 4);
  EXPECT_EQ(c->sms.http.totalTimeoutMs, 7000);
}

TEST(SmsConfigTest, EnvironmentTokenWinsAndIsRequired) {
  ScopedEnv env;
  env.set("CALLGATE_TWILIO_AUTH_TOKEN", "env-token");
  EXPECT_EQ(load(kTwilio)->sms.twilio.authToken, "env-token");
  ::unsetenv("CALLGATE_TWILIO_AUTH_TOKEN");
  std::string noToken = kTwilio;
  noToken.replace(noToken.find("auth_token = \"file-token\"\n"), 26, "");
  auto c = load(noToken);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message().find("sms.twilio.auth_token"), std::string::npos);
  EXPECT_NE(c.error().message().find("CALLGATE_TWILIO_AUTH_TOKEN"), std::string::npos);
}

TEST(SmsConfigTest, SnsTakesTheAwsEnvironmentTrioWhenTheFileHasNoSecret) {
  ScopedEnv env;
  env.set("AWS_ACCESS_KEY_ID", "AKIDENV");
  env.set("AWS_SECRET_ACCESS_KEY", "env/secret");
  env.set("AWS_SESSION_TOKEN", "env-session");
  auto c = load(
      "[sms]\nprovider = \"sns\"\n[sms.sns]\nregion = \"eu-west-1\"\nsender_id = \"CallGate\"\n");
  ASSERT_TRUE(c.ok()) << c.error().toString();
  EXPECT_EQ(c->sms.sns.region, "eu-west-1");
  EXPECT_EQ(c->sms.sns.credentials.accessKeyId, "AKIDENV");
  EXPECT_EQ(c->sms.sns.credentials.secretAccessKey, "env/secret");
  EXPECT_EQ(c->sms.sns.credentials.sessionToken, "env-session");
  EXPECT_EQ(c->sms.sns.effectiveEndpoint(), "https://sns.eu-west-1.amazonaws.com/");
  // A secret in the file brings its own key id; the environment's is not mixed in.
  c = load(
      "[sms]\nprovider = \"sns\"\n[sms.sns]\naccess_key_id = \"AKIDFILE\"\nsecret_access_key = "
      "\"file\"\n");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->sms.sns.credentials.accessKeyId, "AKIDFILE");
  EXPECT_EQ(c->sms.sns.credentials.sessionToken, "");
}

TEST(SmsConfigTest, SnsChecksItsValues) {
  ScopedEnv env;
  const std::string head =
      "[sms]\nprovider = \"sns\"\n[sms.sns]\naccess_key_id = \"AKID\"\nsecret_access_key = \"s\"\n";
  EXPECT_TRUE(load(head).ok());
  for (const char* bad : {"sender_id = \"x\"", "sender_id = \"has space\"", "sms_type = \"Urgent\"",
                          "region = \"\"", "endpoint = \"ftp://x\""}) {
    auto c = load(head + bad + "\n");
    ASSERT_FALSE(c.ok()) << bad;
    EXPECT_NE(c.error().message().find("sms.sns."), std::string::npos) << c.error().message();
  }
  auto missing = load("[sms]\nprovider = \"sns\"\n");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message().find("AWS_SECRET_ACCESS_KEY"), std::string::npos);
}

TEST(SmsConfigTest, KannelTableAndPasswordFromTheEnvironment) {
  ScopedEnv env;
  env.set("CALLGATE_KANNEL_PASSWORD", "env-pass");
  auto c = load(
      "[sms]\nprovider = \"kannel\"\n[sms.kannel]\nurl = "
      "\"http://127.0.0.1:13013/cgi-bin/sendsms\"\n"
      "username = \"u\"\nfrom = \"12345\"\ndlr_url = "
      "\"http://127.0.0.1:8080/sms/v1/kannel/dlr\"\ndlr_mask = 3\n");
  ASSERT_TRUE(c.ok()) << c.error().toString();
  EXPECT_EQ(c->sms.kannel.password, "env-pass");
  EXPECT_EQ(c->sms.kannel.username, "u");
  EXPECT_EQ(c->sms.kannel.from, "12345");
  EXPECT_EQ(c->sms.kannel.dlrMask, 3);
  ::unsetenv("CALLGATE_KANNEL_PASSWORD");
  auto noPassword = load("[sms]\nprovider = \"kannel\"\n[sms.kannel]\nusername = \"u\"\n");
  ASSERT_FALSE(noPassword.ok());
  EXPECT_NE(noPassword.error().message().find("sms.kannel.password"), std::string::npos);
}

TEST(SmsConfigTest, UnknownKeysAreNamedWithTheirTable) {
  ScopedEnv env;
  for (const auto& [toml, key] : std::vector<std::pair<std::string, std::string>>{
           {"[sms.twilio]\nauth_tokn = \"x\"\n", "sms.twilio.auth_tokn"},
           {"[sms.sns]\nregoin = \"x\"\n", "sms.sns.regoin"},
           {"[sms.kannel]\npasword = \"x\"\n", "sms.kannel.pasword"},
           {"[sms]\nprovder = \"x\"\n", "sms.provder"},
           {"[sms.smpp]\nhost = \"x\"\n", "sms.smpp"}}) {
    Config c;
    Status s = applyToml(toml, "f.toml", c);
    ASSERT_FALSE(s.ok()) << toml;
    EXPECT_NE(s.error().message().find(key), std::string::npos) << s.error().message();
  }
  Config c;
  EXPECT_FALSE(applyToml("[sms]\ntwilio = \"x\"\n", "f.toml", c).ok());
  EXPECT_FALSE(applyToml("[sms.kannel]\ndlr_mask = 99\n", "f.toml", c).ok());
}

TEST(SmsConfigTest, ErrorsNeverEchoSecrets) {
  ScopedEnv env;
  std::string badSid = kTwilio;
  badSid.replace(badSid.find("AC0123456789abcdef0123456789abcdef"), 34, "XX");
  auto c = load(badSid);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message().find("sms.twilio.account_sid"), std::string::npos);
  EXPECT_EQ(c.error().message().find("file-token"), std::string::npos);
}

TEST(SmsConfigTest, TheSmsFlagKeepsTheOutboxFormAndPicksProviders) {
  ScopedEnv env;
  Overrides o;
  o.sms = "outbox:/tmp/x.jsonl";
  auto c = load(kTwilio, o);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->sms.primary(), SmsProvider::kOutbox);  // the flag wins over the file's provider
  EXPECT_EQ(outboxPath(*c), "/tmp/x.jsonl");
  o.sms = "twilio";
  auto t = load(
      std::string(kTwilio).replace(std::string(kTwilio).find("provider = \"twilio\"\n"), 20, ""),
      o);
  ASSERT_TRUE(t.ok()) << t.error().toString();
  EXPECT_EQ(t->sms.primary(), SmsProvider::kTwilio);
  o.sms = "pigeon";
  EXPECT_FALSE(load(kTwilio, o).ok());
  o.sms = "outbox:";
  EXPECT_FALSE(load(kTwilio, o).ok());
}

TEST(SmsConfigTest, OldSinkKeyStillWorks) {
  ScopedEnv env;
  auto c = load("[sms]\nsink = \"outbox:/tmp/old.jsonl\"\n");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->sms.primary(), SmsProvider::kOutbox);
  EXPECT_EQ(outboxPath(*c), "/tmp/old.jsonl");
  EXPECT_FALSE(load("[sms]\nsink = \"smtp:x\"\n").ok());
}

}  // namespace
}  // namespace callgate::app

namespace callgate::app {
namespace {

const char* kFailover = R"(
[sms]
providers = ["twilio", "sns"]
breaker_failures = 5
breaker_cooldown_seconds = 120
breaker_window_seconds = 300
[sms.twilio]
account_sid = "AC0123456789abcdef0123456789abcdef"
auth_token = "file-token"
from = "+15005550006"
[sms.sns]
access_key_id = "AKIDEXAMPLE"
secret_access_key = "secret"
)";

std::string without(std::string text, const std::string& line) {
  return text.replace(text.find(line), line.size(), "");
}

TEST(SmsConfigTest, ReadsAnOrderedProviderListAndTheBreaker) {
  ScopedEnv env;
  auto c = load(kFailover);
  ASSERT_TRUE(c.ok()) << c.error().toString();
  EXPECT_EQ(c->sms.providers, (std::vector<SmsProvider>{SmsProvider::kTwilio, SmsProvider::kSns}));
  EXPECT_EQ(c->sms.primary(), SmsProvider::kTwilio);
  EXPECT_TRUE(c->sms.uses(SmsProvider::kSns));
  EXPECT_FALSE(c->sms.uses(SmsProvider::kKannel));
  EXPECT_EQ(c->sms.breaker.failures, 5);
  EXPECT_EQ(c->sms.breaker.cooldown, Seconds(120));
  EXPECT_EQ(c->sms.breaker.window, Seconds(300));
}

TEST(SmsConfigTest, TheBreakerHasDefaults) {
  ScopedEnv env;
  auto c = loadConfig({});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->sms.breaker.failures, 3);
  EXPECT_EQ(c->sms.breaker.cooldown, Seconds(30));
  EXPECT_EQ(c->sms.breaker.window, Seconds(60));
}

TEST(SmsConfigTest, EveryListedProviderIsChecked) {
  ScopedEnv env;
  auto c = load(without(kFailover, "secret_access_key = \"secret\"\n"));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message().find("sms.sns needs access_key_id"), std::string::npos)
      << c.error().message();
  auto t = load(without(kFailover, "from = \"+15005550006\"\n"));
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message().find("sms.twilio needs from"), std::string::npos);
}

TEST(SmsConfigTest, RefusesABadProviderList) {
  ScopedEnv env;
  const std::vector<std::pair<std::string, std::string>> cases{
      {"[sms]\nprovider = \"twilio\"\nproviders = [\"twilio\"]\n", "both set"},
      {"[sms]\nproviders = []\n", "non-empty array"},
      {"[sms]\nproviders = \"twilio\"\n", "non-empty array"},
      {"[sms]\nproviders = [\"twilio\", \"pigeon\"]\n", "(got \"pigeon\")"},
      {"[sms]\nproviders = [\"twilio\", \"twilio\"]\n", "twice"},
      {"[sms]\nproviders = [\"outbox\", \"twilio\"]\n", "outbox only alone"},
      {"[sms]\nbreaker_failures = 0\n", "sms.breaker_failures"},
  };
  for (const auto& [toml, expected] : cases) {
    auto c = load(toml);
    ASSERT_FALSE(c.ok()) << toml;
    EXPECT_NE(c.error().message().find(expected), std::string::npos)
        << toml << " -> " << c.error().message();
  }
}

TEST(SmsConfigTest, TheSmsFlagReplacesTheProviderList) {
  ScopedEnv env;
  Overrides o;
  o.sms = "sns";
  auto c = load(kFailover, o);
  ASSERT_TRUE(c.ok()) << c.error().toString();
  EXPECT_EQ(c->sms.providers, std::vector<SmsProvider>{SmsProvider::kSns});
}

}  // namespace
}  // namespace callgate::app

namespace callgate::app {
namespace {

TEST(SmsConfigTest, ReadsTheSmsPumpingGuard) {
  ScopedEnv env;
  auto c = load(R"(
[sms]
allowed_countries = ["US", "CA"]
refused_number_types = ["premium_rate", "voip"]
max_per_hour = 500
max_per_country_per_hour = 200
)");
  ASSERT_TRUE(c.ok()) << c.error().toString();
  EXPECT_EQ(c->sms.guard.allowedCountries, (std::vector<std::string>{"US", "CA"}));
  EXPECT_EQ(c->sms.guard.refusedTypes,
            (std::vector<PhoneType>{PhoneType::kPremiumRate, PhoneType::kVoip}));
  EXPECT_EQ(c->sms.guard.maxPerHour, 500);
  EXPECT_EQ(c->sms.guard.maxPerCountryPerHour, 200);

  auto d = loadConfig({});
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->sms.guard.allowedCountries.empty());
  EXPECT_EQ(d->sms.guard.refusedTypes.size(), 6u);
  EXPECT_EQ(d->sms.guard.maxPerHour, 0);

  EXPECT_TRUE(load("[sms]\nrefused_number_types = []\n")->sms.guard.refusedTypes.empty());
  for (const char* bad :
       {"[sms]\nallowed_countries = [\"usa\"]\n", "[sms]\nrefused_number_types = [\"expensive\"]\n",
        "[sms]\nmax_per_hour = -1\n"}) {
    EXPECT_FALSE(load(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace callgate::app

namespace callgate::app {
namespace {

TEST(SmsConfigTest, ReadsTheConversionWatch) {
  ScopedEnv env;
  auto c = load(R"(
[sms]
conversion_min_sample = 20
conversion_min_ratio = 0.25
conversion_prefix_digits = 4
conversion_window_seconds = 7200
conversion_throttle_seconds = 1800
)");
  ASSERT_TRUE(c.ok()) << c.error().toString();
  const ConversionWatchPolicy& w = c->sms.guard.conversion;
  EXPECT_EQ(w.minSample, 20);
  EXPECT_DOUBLE_EQ(w.minRatio, 0.25);
  EXPECT_EQ(w.prefixDigits, 4);
  EXPECT_EQ(w.window, Seconds(7200));
  EXPECT_EQ(w.throttle, Seconds(1800));
  EXPECT_EQ(loadConfig({})->sms.guard.conversion.minSample, 0) << "off by default";
  EXPECT_FALSE(load("[sms]\nconversion_min_ratio = 2\n").ok());
}

}  // namespace
}  // namespace callgate::app
