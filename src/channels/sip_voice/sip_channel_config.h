// What the [sip], [sip.numbers], [sip.queues] and [sip.stir] tables configure (docs/SIP.md):
// the SIP voice channel's settings as the operator wrote them, checked by app/config. The wiring
// turns them into the SIP server's, the media engine's, the STIR checker's and the call
// runtime's options. Plain value type; not shared between threads while it changes.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "adapters/net/sip/sip_server.h"

namespace callgate::sip_voice {

// What the channel does when the REFER to an agent fails.
enum class ReferFailure {
  kAnnounce,  // apologise, then hang up
  kHangup,    // hang up at once
};

struct SipChannelConfig {
  using Provisional = sip::SipServerOptions::Provisional;

  std::string listen;                    // HOST:PORT for UDP and TCP; "" = no SIP
  std::string advertisedAddress;         // Contact, Via and SDP address; "" = the listen host
  std::string rtpPorts = "16384-32767";  // even ports from this range, one per call
  uint16_t rtpPortMin = 16384;           // parsed from rtpPorts when the config is checked
  uint16_t rtpPortMax = 32767;
  int mediaThreads = 1;
  int workerThreads = 4;  // functions (SQLite, argon2id, SMS) and prompt synthesis
  int maxCalls = 1000;
  Provisional provisional = Provisional::k180;  // 183 is early media
  int answerDelayMs = 0;    // ring this long before answering (a CANCEL then gets 487)
  std::string defaultFlow;  // "" = [flows] default
  std::string defaultAgent = "sip:agent@127.0.0.1:5090";  // queues not in `queues`
  ReferFailure referFailure = ReferFailure::kAnnounce;
  // REFER target of a flow's transfer to a phone number: "{number}" becomes the E.164 number
  // ("sip:{number}@gateway.example.com;user=phone"); "" = such transfers fail.
  std::string numberUri;
  std::string promptsDir = "prompts";  // <dir>/<language>/<promptId or slug>.wav overrides TTS
  int ttsCacheMb = 64;
  int t1Ms = 500;  // RFC 3261 timers
  int t2Ms = 4000;
  int tcpMaxConnectionsPerAddress = 64;  // SIP/TCP connections one address may hold; 0 = no cap
  int tcpIdleTimeoutSeconds = 120;  // silent SIP/TCP connections without a call close; 0 = never
  std::map<std::string, std::string> numbers;  // [sip.numbers] dialled E.164 -> flow file
  std::map<std::string, std::string> queues;   // [sip.queues] flow queue name -> agent SIP URI
  // [sip.stir]
  std::vector<std::string> trustedProxies;    // verstat is believed only from these addresses
  std::vector<std::string> stirPublicKeys;    // PEM P-256 public keys for Identity headers
  std::vector<std::string> stirCertificates;  // PEM certificates (their keys), checked for validity
  int stirMaxAgeSeconds = 60;

  bool isEnabled() const { return !listen.empty(); }
};

}  // namespace callgate::sip_voice
