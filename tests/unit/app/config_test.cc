#include "app/config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace callgate::app {
namespace {

TEST(ConfigTest, DefaultsAreSecure) {
  auto c = loadConfig({});
  ASSERT_TRUE(c.ok()) << c.error().toString();
  EXPECT_EQ(c->callerIdTrust, CallerIdTrust::kAttested);
  EXPECT_EQ(c->otp.digits, 6);
  EXPECT_EQ(c->http, "127.0.0.1:8080");
}

TEST(ConfigTest, ReadsEveryTable) {
  Config c;
  auto s = applyToml(R"(
[server]
http = "0.0.0.0:9000"
io_threads = 2
worker_threads = 4
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
)", "test.toml", c);
  ASSERT_TRUE(s.ok()) << s.error().toString();
  EXPECT_EQ(c.http, "0.0.0.0:9000");
  EXPECT_EQ(c.ioThreads, 2);
  EXPECT_EQ(c.workerThreads, 4);
  EXPECT_EQ(c.db, "/tmp/x.db");
  EXPECT_EQ(c.callerIdTrust, CallerIdTrust::kAny);
  EXPECT_EQ(c.otp.digits, 8);
  EXPECT_EQ(c.otp.ttl, Seconds(120));
  EXPECT_EQ(c.otp.perPrefixWindow, Seconds(61));
  EXPECT_EQ(c.otp.brand, "Acme");
  EXPECT_EQ(c.functionMap.at("arn:aws:lambda:eu-west-1:1:function:Lookup"), "lookup-caller");
  EXPECT_EQ(c.logLevel, "debug");
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
  const std::string path = ::testing::TempDir() + "/callgate-config-test.toml";
  {
    std::ofstream f(path);
    f << "[storage]\ndb = \"from-file.db\"\n[security]\ncaller_id_trust = \"any\"\n";
  }
  Overrides o;
  o.configFile = path;
  o.db = "from-flag.db";
  auto c = loadConfig(o);
  ASSERT_TRUE(c.ok()) << c.error().toString();
  EXPECT_EQ(c->db, "from-flag.db");
  EXPECT_EQ(c->callerIdTrust, CallerIdTrust::kAny);
  o.callerIdTrust = "attested";
  EXPECT_EQ(loadConfig(o)->callerIdTrust, CallerIdTrust::kAttested);
  std::remove(path.c_str());
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

}  // namespace
}  // namespace callgate::app
