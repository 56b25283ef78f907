// The [tokens] and [oauth.clients] config tables.

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "app/config/config.h"
#include "fakes/temp_dir.h"

namespace callgate::app {
namespace {

Result<Config> loadText(const std::string& toml, Overrides o = {}) {
  // A directory of its own: ctest runs the tests of this file in parallel processes.
  callgate::testing::TempDir dir;
  const std::string path = dir.file("callgate.toml");
  { std::ofstream(path) << toml; }
  o.configFile = path;
  return loadConfig(o);
}

TEST(ConfigTokensTest, Defaults) {
  auto c = loadConfig({});
  ASSERT_TRUE(c.ok()) << c.error().toString();
  EXPECT_EQ(c->tokens.issuer, "http://127.0.0.1:8080");
  EXPECT_EQ(c->tokens.audience, "callgate-api");
  EXPECT_EQ(c->tokens.ttl, Seconds(300));
  EXPECT_EQ(c->tokenKeys.path, "var/jwt-keys.json");
  EXPECT_TRUE(c->oauthClients.empty());
}

TEST(ConfigTokensTest, DefaultIssuerFollowsTheHttpFlag) {
  Overrides o;
  o.http = "127.0.0.1:9000";
  EXPECT_EQ(loadConfig(o)->tokens.issuer, "http://127.0.0.1:9000");
}

TEST(ConfigTokensTest, ReadsTokensAndClients) {
  Overrides o;
  o.jwtKeyFile = "/tmp/flag-keys.json";
  auto c = loadText(R"(
[tokens]
issuer = "https://callgate.example.com"
audience = "members-api"
ttl_seconds = 120
key_file = "/etc/callgate/jwt.json"
[oauth.clients]
"resource-server" = "0123456789abcdef"
billing = "fedcba9876543210fedcba"
)",
                    o);
  ASSERT_TRUE(c.ok()) << c.error().toString();
  EXPECT_EQ(c->tokens.issuer, "https://callgate.example.com");
  EXPECT_EQ(c->tokens.audience, "members-api");
  EXPECT_EQ(c->tokens.ttl, Seconds(120));
  EXPECT_EQ(c->tokenKeys.path, "/tmp/flag-keys.json");  // the flag wins
  EXPECT_EQ(c->oauthClients.size(), 2u);
  EXPECT_EQ(c->oauthClients.at("billing"), "fedcba9876543210fedcba");
}

TEST(ConfigTokensTest, RejectsBadValuesNamingTheKey) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"[tokens]\nttl_seconds = 301\n", "tokens.ttl_seconds"},
      {"[tokens]\nttl_seconds = 0\n", "tokens.ttl_seconds"},
      {"[tokens]\nlifetime = 10\n", "tokens.lifetime"},
      {"[tokens]\nissuer = \"ftp://x\"\n", "tokens.issuer"},
      {"[tokens]\nissuer = \"https://x/\"\n", "tokens.issuer"},
      {"[tokens]\nissuer = \"https://x?a=b\"\n", "tokens.issuer"},
      {"[tokens]\naudience = \"\"\n", "tokens.audience"},
      {"[tokens]\nkey_file = \"\"\n", "tokens.key_file"},
      {"[oauth]\nclient = 1\n", "oauth.client"},
      {"[oauth]\nclients = 1\n", "[oauth.clients]"},
      {"[oauth.clients]\nrs = 5\n", "oauth.clients.\"rs\""},
      {"[oauth.clients]\nrs = \"short\"\n", "16-256"},
      {"[oauth.clients]\n\"has space\" = \"0123456789abcdef\"\n", "client id"},
      {"[oauth.clients]\n\"a:b\" = \"0123456789abcdef\"\n", "client id"},
  };
  for (const auto& [toml, fragment] : cases) {
    SCOPED_TRACE(toml);
    auto c = loadText(toml);
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.error().message().find(fragment), std::string::npos) << c.error().message();
  }
}

}  // namespace
}  // namespace callgate::app
