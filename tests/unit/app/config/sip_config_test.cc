// The [sip] tables: defaults, every key read, the --sip flag, and bad values named by key.
#include <gtest/gtest.h>

#include "app/config/config.h"

namespace callgate::app {
namespace {

Result<Config> parse(const std::string& toml) {
  Config c;
  if (auto s = applyToml(toml, "t.toml", c); !s.ok()) return s.error();
  if (auto s = validateSipConfig(c.sip); !s.ok()) return s.error();
  return c;
}

TEST(SipConfigTest, OffByDefaultWithSaneDefaults) {
  auto c = loadConfig({});
  ASSERT_TRUE(c.ok()) << c.error().message();
  EXPECT_FALSE(c->sip.isEnabled());
  EXPECT_EQ(c->sip.maxCalls, 1000);
  EXPECT_EQ(c->sip.rtpPortMin, 16384);
  EXPECT_EQ(c->sip.rtpPortMax, 32767);
  EXPECT_EQ(c->sip.defaultAgent, "sip:agent@127.0.0.1:5090");
  EXPECT_EQ(c->sip.provisional, sip::SipServerOptions::Provisional::k180);
  EXPECT_EQ(c->sip.referFailure, sip_voice::ReferFailure::kAnnounce);
  EXPECT_EQ(c->sip.tcpMaxConnectionsPerAddress, 64);
  EXPECT_EQ(c->sip.tcpIdleTimeoutSeconds, 120);
}

TEST(SipConfigTest, TheFlagTurnsItOn) {
  Overrides o;
  o.sip = "127.0.0.1:0";
  auto c = loadConfig(o);
  ASSERT_TRUE(c.ok()) << c.error().message();
  EXPECT_TRUE(c->sip.isEnabled());
  EXPECT_EQ(c->sip.listen, "127.0.0.1:0");
}

TEST(SipConfigTest, ReadsEveryKey) {
  auto c = parse(R"(
[sip]
listen = "127.0.0.1:5070"
advertised_address = "192.0.2.10"
rtp_ports = "20000-20999"
media_threads = 2
worker_threads = 8
max_calls = 50
provisional = "183"
answer_delay_ms = 250
default_flow = "flows/voice-login.json"
default_agent = "sip:desk@pbx.example.com"
refer_failure = "hangup"
prompts_dir = "/srv/prompts"
tts_cache_mb = 16
t1_ms = 100
t2_ms = 400
tcp_max_connections_per_address = 8
tcp_idle_timeout_seconds = 0
[sip.numbers]
"+1 800 555 0199" = "flows/voice-login.json"
[sip.queues]
Agents = "sip:agents@pbx.example.com;transport=tcp"
[sip.stir]
trusted_proxies = ["127.0.0.1", "::1"]
public_keys = ["a.pem"]
certificates = ["b.pem", "c.pem"]
max_age_seconds = 30
)");
  ASSERT_TRUE(c.ok()) << c.error().message();
  const sip_voice::SipChannelConfig& s = c->sip;
  EXPECT_EQ(s.listen, "127.0.0.1:5070");
  EXPECT_EQ(s.advertisedAddress, "192.0.2.10");
  EXPECT_EQ(s.rtpPortMin, 20000);
  EXPECT_EQ(s.rtpPortMax, 20999);
  EXPECT_EQ(s.mediaThreads, 2);
  EXPECT_EQ(s.workerThreads, 8);
  EXPECT_EQ(s.maxCalls, 50);
  EXPECT_EQ(s.provisional, sip::SipServerOptions::Provisional::k183);
  EXPECT_EQ(s.answerDelayMs, 250);
  EXPECT_EQ(s.tcpMaxConnectionsPerAddress, 8);
  EXPECT_EQ(s.tcpIdleTimeoutSeconds, 0);
  EXPECT_EQ(s.defaultFlow, "flows/voice-login.json");
  EXPECT_EQ(s.defaultAgent, "sip:desk@pbx.example.com");
  EXPECT_EQ(s.referFailure, sip_voice::ReferFailure::kHangup);
  EXPECT_EQ(s.promptsDir, "/srv/prompts");
  EXPECT_EQ(s.ttsCacheMb, 16);
  EXPECT_EQ(s.t1Ms, 100);
  EXPECT_EQ(s.t2Ms, 400);
  EXPECT_EQ(s.numbers.at("+18005550199"), "flows/voice-login.json");
  EXPECT_EQ(s.queues.at("Agents"), "sip:agents@pbx.example.com;transport=tcp");
  EXPECT_EQ(s.trustedProxies, (std::vector<std::string>{"127.0.0.1", "::1"}));
  EXPECT_EQ(s.stirPublicKeys, (std::vector<std::string>{"a.pem"}));
  EXPECT_EQ(s.stirCertificates, (std::vector<std::string>{"b.pem", "c.pem"}));
  EXPECT_EQ(s.stirMaxAgeSeconds, 30);
}

TEST(SipConfigTest, RejectsBadValuesNamingTheKey) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"[sip]\nlisten = \"pbx.example.com:5060\"\n", "sip.listen"},
      {"[sip]\nlisten = \"127.0.0.1\"\n", "sip.listen"},
      {"[sip]\nrtp_ports = \"30000\"\n", "sip.rtp_ports"},
      {"[sip]\nrtp_ports = \"100-200\"\n", "sip.rtp_ports"},
      {"[sip]\nrtp_ports = \"20000-19000\"\n", "sip.rtp_ports"},
      {"[sip]\nprovisional = \"181\"\n", "sip.provisional"},
      {"[sip]\nrefer_failure = \"retry\"\n", "sip.refer_failure"},
      {"[sip]\ndefault_agent = \"+14155550100\"\n", "sip.default_agent"},
      {"[sip]\nmax_calls = 0\n", "sip.max_calls"},
      {"[sip]\nt1_ms = 500\nt2_ms = 100\n", "sip.t2_ms"},
      {"[sip]\nadvertised_address = \"callgate.example.com\"\n", "sip.advertised_address"},
      {"[sip]\nbogus = 1\n", "sip.bogus"},
      {"[sip.queues]\nAgents = \"agents@pbx\"\n", "sip.queues"},
      {"[sip.numbers]\n\"12\" = \"flows/x.json\"\n", "sip.numbers"},
      {"[sip.stir]\ntrusted_proxies = \"127.0.0.1\"\n", "sip.stir.trusted_proxies"},
      {"[sip.stir]\ntrusted_proxies = [\"proxy.example.com\"]\n", "sip.stir.trusted_proxies"},
      {"[sip.stir]\nmax_age_seconds = 0\n", "sip.stir.max_age_seconds"},
  };
  for (const auto& [toml, key] : cases) {
    auto c = parse(toml);
    ASSERT_FALSE(c.ok()) << toml;
    EXPECT_NE(c.error().message().find(key), std::string::npos) << c.error().message();
  }
}

}  // namespace
}  // namespace callgate::app
