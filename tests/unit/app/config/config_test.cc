#include "app/config/config.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "fakes/temp_dir.h"

namespace callgate::app {
namespace {

TEST(ConfigTest, DefaultsAreSecure) {
  auto c = loadConfig({});
  ASSERT_TRUE(c.ok()) << c.error().toString();
  EXPECT_EQ(c->callerIdTrust, CallerIdTrust::kAttested);
  EXPECT_EQ(c->otp.digits, 6);
  EXPECT_EQ(c->http, "127.0.0.1:8080");
  EXPECT_EQ(c->httpMaxConnectionsPerAddress, 256);
  EXPECT_EQ(c->httpIdleTimeoutSeconds, 30);
}

TEST(ConfigTest, ReadsEveryTable) {
  Config c;
  auto s = applyToml(R"(
[server]
http = "0.0.0.0:9000"
io_threads = 2
worker_threads = 4
max_connections_per_address = 16
idle_timeout_seconds = 5
[storage]
db = "/tmp/x.db"
[sms]
sink = "outbox:/tmp/out.jsonl"
[security]
caller_id_trust = "any"
otp_secret_file = "/tmp/k"
audit_log = "/tmp/a.jsonl"
[otp]
digits = 8
ttl_seconds = 120
max_attempts = 3
per_number_limit = 2
per_number_window_seconds = 60
per_prefix_limit = 9
per_prefix_window_seconds = 61
prefix_length = 6
brand = "Acme"
[flows]
default = "flows/x.json"
[functions]
"arn:aws:lambda:eu-west-1:1:function:Lookup" = "lookup-caller"
[log]
level = "debug"
)",
                     "test.toml", c);
  ASSERT_TRUE(s.ok()) << s.error().toString();
  EXPECT_EQ(c.http, "0.0.0.0:9000");
  EXPECT_EQ(c.ioThreads, 2);
  EXPECT_EQ(c.workerThreads, 4);
  EXPECT_EQ(c.httpMaxConnectionsPerAddress, 16);
  EXPECT_EQ(c.httpIdleTimeoutSeconds, 5);
  EXPECT_EQ(c.storage.location, "/tmp/x.db");
  EXPECT_EQ(c.callerIdTrust, CallerIdTrust::kAny);
  EXPECT_EQ(c.otp.digits, 8);
  EXPECT_EQ(c.otp.ttl, Seconds(120));
  EXPECT_EQ(c.otp.perPrefixWindow, Seconds(61));
  EXPECT_EQ(c.otp.brand, "Acme");
  EXPECT_EQ(c.functionMap.at("arn:aws:lambda:eu-west-1:1:function:Lookup"), "lookup-caller");
  EXPECT_EQ(c.logLevel, LogLevel::kDebug);
}

TEST(ConfigTest, RejectsUnknownKeysNamingThem) {
  Config c;
  auto s = applyToml("[otp]\ndigitz = 6\n", "f.toml", c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("otp.digitz"), std::string::npos);
  auto t = applyToml("[nonsense]\n", "f.toml", c);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message().find("nonsense"), std::string::npos);
}

TEST(ConfigTest, RejectsWrongTypesAndRanges) {
  Config c;
  auto s = applyToml("[otp]\ndigits = 11\n", "f.toml", c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("otp.digits"), std::string::npos);
  EXPECT_FALSE(applyToml("[server]\nhttp = 8080\n", "f.toml", c).ok());
  EXPECT_FALSE(applyToml("[security]\ncaller_id_trust = \"maybe\"\n", "f.toml", c).ok());
}

TEST(ConfigTest, ReportsSyntaxErrorsWithPosition) {
  Config c;
  auto s = applyToml("[server\nhttp = 1", "bad.toml", c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("bad.toml:1"), std::string::npos) << s.error().message();
}

TEST(ConfigTest, FlagsWinOverTheFile) {
  callgate::testing::TempDir dir;
  const std::string path = dir.file("callgate.toml");
  {
    std::ofstream f(path);
    f << "[storage]\ndb = \"from-file.db\"\n[security]\ncaller_id_trust = \"any\"\n";
  }
  Overrides o;
  o.configFile = path;
  o.db = "from-flag.db";
  auto c = loadConfig(o);
  ASSERT_TRUE(c.ok()) << c.error().toString();
  EXPECT_EQ(c->storage.location, "from-flag.db");
  EXPECT_EQ(c->callerIdTrust, CallerIdTrust::kAny);
  o.callerIdTrust = "attested";
  EXPECT_EQ(loadConfig(o)->callerIdTrust, CallerIdTrust::kAttested);
}

TEST(ConfigTest, StorageIsASqliteFileOrAPostgresUrl) {
  Config c;
  ASSERT_TRUE(applyToml("[storage]\nurl = \"postgresql://cg@db1:5432/callgate\"\npool_size = 4\n"
                        "connect_timeout_ms = 2000\nstatement_timeout_ms = 9000\n",
                        "s.toml", c)
                  .ok());
  EXPECT_TRUE(c.storage.isPostgres());
  EXPECT_EQ(c.storage.location, "postgresql://cg@db1:5432/callgate");
  EXPECT_EQ(c.storage.poolSize, 4);
  EXPECT_EQ(c.storage.connectTimeoutMs, 2000);
  EXPECT_EQ(c.storage.statementTimeoutMs, 9000);

  Config d;
  ASSERT_TRUE(applyToml("[storage]\ndb = \"var/x.db\"\n", "s.toml", d).ok());
  EXPECT_FALSE(d.storage.isPostgres());
  EXPECT_TRUE(StorageConfig::isPostgresUrl("postgres://h/db"));
  EXPECT_FALSE(StorageConfig::isPostgresUrl("postgresql.db"));
}

TEST(ConfigTest, RejectsMixedOrMisplacedStorage) {
  for (const char* text :
       {"[storage]\ndb = \"a.db\"\nurl = \"postgresql://h/db\"\n",
        "[storage]\nurl = \"var/callgate.db\"\n", "[storage]\ndb = \"postgresql://h/db\"\n",
        "[storage]\npool_size = 0\n", "[storage]\npassword = \"x\"\n"}) {
    Config c;
    EXPECT_FALSE(applyToml(text, "s.toml", c).ok()) << text;
  }
}

TEST(ConfigTest, TheDatabaseFlagTakesAUrl) {
  Overrides o;
  o.db = "postgres://cg@127.0.0.1:5433/callgate";
  auto c = loadConfig(o);
  ASSERT_TRUE(c.ok()) << c.error().toString();
  EXPECT_TRUE(c->storage.isPostgres());
}

TEST(ConfigTest, ReadsTheSlowLane) {
  Config c;
  EXPECT_EQ(c.slowThreads, 1);
  EXPECT_EQ(c.maxSlowRequests, 16);
  ASSERT_TRUE(applyToml("[server]\nslow_threads = 2\nmax_slow_requests = 40\n", "s.toml", c).ok());
  EXPECT_EQ(c.slowThreads, 2);
  EXPECT_EQ(c.maxSlowRequests, 40);
  for (const char* text : {"[server]\nslow_threads = 0\n", "[server]\nmax_slow_requests = 0\n"}) {
    Config d;
    EXPECT_FALSE(applyToml(text, "s.toml", d).ok()) << text;
  }
}

TEST(ConfigTest, WorkersAndPoolFollowTheStorageUnlessSet) {
  auto sqlite = loadConfig({});
  ASSERT_TRUE(sqlite.ok()) << sqlite.error().toString();
  EXPECT_EQ(sqlite->workerThreads, 2);
  // On SQLite the io thread reads too (lookup-caller inline), so the pool counts it.
  EXPECT_EQ(sqlite->ioThreads, 1);
  EXPECT_EQ(sqlite->storage.poolSize, 1 + 2 + 1 + 2);
  Overrides o;
  o.db = "postgresql://cg@127.0.0.1:5432/callgate";
  auto pg = loadConfig(o);
  ASSERT_TRUE(pg.ok()) << pg.error().toString();
  EXPECT_EQ(pg->workerThreads, 4);
  EXPECT_EQ(pg->storage.poolSize, 7);  // 4 workers + 1 slow-lane thread + 2, no SIP, no io
  o.sip = "127.0.0.1:0";
  EXPECT_EQ(loadConfig(o)->storage.poolSize, 4 + 1 + 4 + 2);

  callgate::testing::TempDir dir;
  const std::string path = dir.file("callgate.toml");
  std::ofstream(path) << "[server]\nworker_threads = 3\n[storage]\npool_size = 5\n";
  Overrides f;
  f.configFile = path;
  f.db = "postgresql://cg@127.0.0.1:5432/callgate";
  auto set = loadConfig(f);
  ASSERT_TRUE(set.ok()) << set.error().toString();
  EXPECT_EQ(set->workerThreads, 3);
  EXPECT_EQ(set->storage.poolSize, 5);
}

TEST(ConfigTest, RejectsBadFlagValues) {
  Overrides o;
  o.http = "localhost";
  EXPECT_FALSE(loadConfig(o).ok());
  o = {};
  o.sms = "carrier-pigeon:coop";
  EXPECT_FALSE(loadConfig(o).ok());
  o = {};
  o.configFile = "/nonexistent/callgate.toml";
  EXPECT_FALSE(loadConfig(o).ok());
  o = {};
  o.logLevel = "loud";
  EXPECT_FALSE(loadConfig(o).ok());
}

TEST(ConfigTest, ParsesHostPort) {
  auto hp = parseHostPort("127.0.0.1:0");
  ASSERT_TRUE(hp.ok());
  EXPECT_EQ(hp->host, "127.0.0.1");
  EXPECT_EQ(hp->port, 0);
  EXPECT_EQ(parseHostPort("[::1]:8080")->host, "::1");
  EXPECT_FALSE(parseHostPort("host:99999").ok());
  EXPECT_FALSE(parseHostPort(":80").ok());
  EXPECT_FALSE(parseHostPort("host:").ok());
}

TEST(ConfigTest, TwilioIsOffWithoutAToken) {
  Config c;
  EXPECT_FALSE(c.twilioVoice.isEnabled());
  ASSERT_TRUE(applyToml("[twilio]\nauth_token = \"tok\"\n", "t.toml", c).ok());
  EXPECT_TRUE(c.twilioVoice.isEnabled());  // a token turns it on
  ASSERT_TRUE(applyToml("[twilio]\nenabled = false\n", "t.toml", c).ok());
  EXPECT_FALSE(c.twilioVoice.isEnabled());  // unless switched off
}

TEST(ConfigTest, ReadsTheTwilioTables) {
  Config c;
  auto s = applyToml(R"(
[twilio]
enabled = true
auth_token = "tok"
public_base_url = "https://callgate.example.com/"
voice = "Polly.Joanna"
language = "en-GB"
speech = true
default_agent = "sip:desk@pbx.example.com"
session_ttl_seconds = 600
[twilio.numbers]
"+1 415 555 0100" = "flows/voice-login.json"
[twilio.queues]
Agents = "sip:agents@pbx.example.com"
Billing = "+14155550999"
)",
                     "t.toml", c);
  ASSERT_TRUE(s.ok()) << s.error().toString();
  ASSERT_TRUE(validateTwilioVoiceConfig(c.twilioVoice).ok());
  EXPECT_TRUE(c.twilioVoice.isEnabled());
  EXPECT_EQ(c.twilioVoice.authToken, "tok");
  EXPECT_EQ(c.twilioVoice.publicBaseUrl, "https://callgate.example.com");
  EXPECT_EQ(c.twilioVoice.voice, "Polly.Joanna");
  EXPECT_EQ(c.twilioVoice.language, "en-GB");
  EXPECT_TRUE(c.twilioVoice.speech);
  EXPECT_EQ(c.twilioVoice.defaultAgent, "sip:desk@pbx.example.com");
  EXPECT_EQ(c.twilioVoice.sessionTtlSeconds, 600);
  EXPECT_EQ(c.twilioVoice.numbers,
            (std::map<std::string, std::string>{{"+14155550100", "flows/voice-login.json"}}));
  EXPECT_EQ(c.twilioVoice.queues.at("Billing"), "+14155550999");
}

TEST(ConfigTest, RejectsBadTwilioSettings) {
  const char* bad[] = {
      "[twilio]\nauth_tokn = \"x\"\n",       "[twilio]\nspeech = \"yes\"\n",
      "[twilio]\nsession_ttl_seconds = 5\n", "[twilio.numbers]\n\"+14155550100\" = 3\n",
      "[twilio]\nnumbers = \"x\"\n",
  };
  for (const char* text : bad) {
    Config c;
    EXPECT_FALSE(applyToml(text, "t.toml", c).ok()) << text;
  }
  const std::vector<std::pair<std::string, std::string>> invalid = {
      {"enabled = true", "no auth token"},
      {"public_base_url = \"callgate.example.com\"", "public_base_url"},
      {"public_base_url = \"https://x.example.com/?a=1\"", "public_base_url"},
      {"language = \"en US\"", "language"},
      {"default_agent = \"agents\"", "default_agent"},
  };
  for (const auto& [line, expected] : invalid) {
    Config c;
    ASSERT_TRUE(applyToml("[twilio]\n" + line + "\n", "t.toml", c).ok()) << line;
    auto s = validateTwilioVoiceConfig(c.twilioVoice);
    ASSERT_FALSE(s.ok()) << line;
    EXPECT_NE(s.error().message().find(expected), std::string::npos) << s.error().message();
  }
  Config q;
  ASSERT_TRUE(applyToml("[twilio.queues]\nAgents = \"agents@pbx\"\n", "t.toml", q).ok());
  EXPECT_FALSE(validateTwilioVoiceConfig(q.twilioVoice).ok());
  Config n;
  ASSERT_TRUE(applyToml("[twilio.numbers]\n\"12\" = \"flows/x.json\"\n", "t.toml", n).ok());
  EXPECT_FALSE(validateTwilioVoiceConfig(n.twilioVoice).ok());
}

TEST(ConfigTest, TheTwilioTokenFromTheEnvironmentWins) {
  char path[] = "/tmp/callgate-config-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  {
    std::ofstream out(path);
    out << "[twilio]\nauth_token = \"from-file\"\n";
  }
  Overrides o;
  o.configFile = path;
  ::setenv("CALLGATE_TWILIO_AUTH_TOKEN", "from-env", 1);
  auto c = loadConfig(o);
  ::unsetenv("CALLGATE_TWILIO_AUTH_TOKEN");
  ::close(fd);
  std::remove(path);
  ASSERT_TRUE(c.ok()) << c.error().toString();
  EXPECT_EQ(c->twilioVoice.authToken, "from-env");
  EXPECT_TRUE(c->twilioVoice.isEnabled());
}

}  // namespace
}  // namespace callgate::app
