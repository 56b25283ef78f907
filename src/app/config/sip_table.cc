// [sip], [sip.numbers], [sip.queues], [sip.stir]: the SIP voice channel (docs/SIP.md), read
// into the channel's SipChannelConfig and checked.

#include <boost/asio/ip/address.hpp>

#include "app/config/config_tables.h"
#include "core/phone.h"

namespace callgate::app {

namespace {

using sip_voice::ReferFailure;
using sip_voice::SipChannelConfig;
using Provisional = SipChannelConfig::Provisional;

constexpr Words<Provisional, 3> kProvisionals{
    {{"none", Provisional::kNone}, {"180", Provisional::k180}, {"183", Provisional::k183}}};
constexpr Words<ReferFailure, 2> kReferFailures{
    {{"announce", ReferFailure::kAnnounce}, {"hangup", ReferFailure::kHangup}}};

bool isSipUri(const std::string& s) {
  if (!(s.starts_with("sip:") || s.starts_with("sips:"))) return false;
  const std::string rest = s.substr(s.find(':') + 1);
  if (rest.empty() || rest.size() > 512) return false;
  for (char c : rest) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F || c == '<' || c == '>' || c == '"') return false;
  }
  return true;
}

bool isIpAddress(const std::string& s) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(s, ec);
  return !ec;
}

Status parsePortRange(SipChannelConfig& sip) {
  const auto dash = sip.rtpPorts.find('-');
  const auto number = [](const std::string& t) -> int {
    if (t.empty() || t.size() > 5 || t.find_first_not_of("0123456789") != std::string::npos)
      return -1;
    const int v = std::stoi(t);
    return v <= 65535 ? v : -1;
  };
  const int lo = dash == std::string::npos ? -1 : number(sip.rtpPorts.substr(0, dash));
  const int hi = dash == std::string::npos ? -1 : number(sip.rtpPorts.substr(dash + 1));
  if (lo < 1024 || hi < lo + 1) {
    return Error::invalidArgument(
        "sip.rtp_ports must be LOW-HIGH with 1024 <= LOW < HIGH <= 65535 (got '" + sip.rtpPorts +
        "')");
  }
  sip.rtpPortMin = static_cast<uint16_t>(lo);
  sip.rtpPortMax = static_cast<uint16_t>(hi);
  return okStatus();
}

}  // namespace

Status detail::readSipTable(TableReader& sip, SipChannelConfig& out) {
  sip.str("listen", out.listen);
  sip.str("advertised_address", out.advertisedAddress);
  sip.str("rtp_ports", out.rtpPorts);
  sip.integer("media_threads", out.mediaThreads, 1, 16);
  sip.integer("worker_threads", out.workerThreads, 1, 256);
  sip.integer("max_calls", out.maxCalls, 1, 100000);
  sip.choice("provisional", out.provisional, kProvisionals);
  sip.integer("answer_delay_ms", out.answerDelayMs, 0, 60000);
  sip.str("default_flow", out.defaultFlow);
  sip.str("default_agent", out.defaultAgent);
  sip.choice("refer_failure", out.referFailure, kReferFailures);
  sip.str("number_uri", out.numberUri);
  sip.str("prompts_dir", out.promptsDir);
  sip.integer("tts_cache_mb", out.ttsCacheMb, 1, 4096);
  sip.integer("t1_ms", out.t1Ms, 10, 10000);
  sip.integer("t2_ms", out.t2Ms, 10, 60000);
  sip.integer("tcp_max_connections_per_address", out.tcpMaxConnectionsPerAddress, 0, 100000);
  sip.integer("tcp_idle_timeout_seconds", out.tcpIdleTimeoutSeconds, 0, 86400);
  sip.stringMap("numbers", out.numbers);
  sip.stringMap("queues", out.queues);
  TableReader stir = sip.sub("stir");
  stir.stringList("trusted_proxies", out.trustedProxies);
  stir.stringList("public_keys", out.stirPublicKeys);
  stir.stringList("certificates", out.stirCertificates);
  stir.integer("max_age_seconds", out.stirMaxAgeSeconds, 1, 3600);
  if (auto s = sip.finish(); !s.ok()) return s;
  return stir.finish();
}

Status validateSipConfig(SipChannelConfig& sip) {
  if (!sip.listen.empty()) {
    auto hp = parseHostPort(sip.listen);
    if (!hp.ok()) return Error::invalidArgument("sip.listen: " + hp.error().message());
    if (!isIpAddress(hp->host)) {
      return Error::invalidArgument("sip.listen: '" + hp->host + "' is not an IP address");
    }
  }
  if (!sip.advertisedAddress.empty() && !isIpAddress(sip.advertisedAddress)) {
    return Error::invalidArgument("sip.advertised_address must be an IP address (got '" +
                                  sip.advertisedAddress + "')");
  }
  if (auto s = parsePortRange(sip); !s.ok()) return s;
  if (sip.t2Ms < sip.t1Ms) return Error::invalidArgument("sip.t2_ms must not be below sip.t1_ms");
  if (!sip.defaultAgent.empty() && !isSipUri(sip.defaultAgent)) {
    return Error::invalidArgument("sip.default_agent must be a sip: or sips: URI");
  }
  if (!sip.numberUri.empty() &&
      (!isSipUri(sip.numberUri) || sip.numberUri.find("{number}") == std::string::npos)) {
    return Error::invalidArgument(
        "sip.number_uri must be a sip: or sips: URI with {number} in it, e.g. "
        "\"sip:{number}@gateway.example.com\"");
  }
  for (const auto& [queue, uri] : sip.queues) {
    if (!isSipUri(uri)) {
      return Error::invalidArgument("sip.queues.\"" + queue + "\" must be a sip: or sips: URI");
    }
  }
  std::map<std::string, std::string> numbers;
  for (const auto& [number, flowPath] : sip.numbers) {
    auto e164 = normalizeE164(number);
    if (!e164.ok()) {
      return Error::invalidArgument("sip.numbers.\"" + number + "\": " + e164.error().message());
    }
    if (flowPath.empty()) return Error::invalidArgument("sip.numbers.\"" + number + "\" is empty");
    if (!numbers.emplace(*e164, flowPath).second) {
      return Error::invalidArgument("sip.numbers: " + *e164 + " is listed twice");
    }
  }
  sip.numbers = std::move(numbers);
  for (const std::string& proxy : sip.trustedProxies) {
    if (!isIpAddress(proxy)) {
      return Error::invalidArgument("sip.stir.trusted_proxies: '" + proxy +
                                    "' is not an IP address");
    }
  }
  return okStatus();
}

}  // namespace callgate::app
