#include "adapters/net/sip/sdp.h"

#include <arpa/inet.h>
#include <osipparser2/osip_port.h>
#include <osipparser2/sdp_message.h>

#include <charconv>
#include <memory>
#include <optional>

#include "adapters/net/sip/osip_init.h"

namespace callgate::sip {
namespace {

struct SdpDeleter {
  void operator()(sdp_message_t* sdp) const { sdp_message_free(sdp); }
};
using SdpPtr = std::unique_ptr<sdp_message_t, SdpDeleter>;

std::string_view view(const char* s) { return s == nullptr ? std::string_view() : s; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::optional<int> parseInt(std::string_view s, int max) {
  int v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < 0 || v > max) return std::nullopt;
  return v;
}

Error malformed(std::string m) { return Error(kSdpMalformed, "malformed SDP: " + std::move(m)); }
Error notAcceptable(std::string m) { return Error(kSdpNotAcceptable, std::move(m)); }

// "101 telephone-event/8000" -> {101, "telephone-event", 8000}; nullopt when unparseable.
struct RtpMap {
  int pt;
  std::string_view encoding;
  std::string_view rate;
};
std::optional<RtpMap> parseRtpMap(std::string_view value) {
  size_t sp = value.find(' ');
  if (sp == std::string_view::npos) return std::nullopt;
  auto pt = parseInt(value.substr(0, sp), 127);
  if (!pt) return std::nullopt;
  std::string_view rest = value.substr(sp + 1);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view rate = rest.substr(slash + 1);
  rate = rate.substr(0, rate.find('/'));  // drop "/channels"
  return RtpMap{*pt, rest.substr(0, slash), rate};
}

std::optional<MediaDirection> directionOf(std::string_view field) {
  if (field == "sendrecv") return MediaDirection::kSendRecv;
  if (field == "sendonly") return MediaDirection::kSendOnly;
  if (field == "recvonly") return MediaDirection::kRecvOnly;
  if (field == "inactive") return MediaDirection::kInactive;
  return std::nullopt;
}

// Walks the attributes of one level (-1 = session) and keeps the last direction seen.
void scanDirection(sdp_message_t* sdp, int pos, std::optional<MediaDirection>& out) {
  for (int i = 0;; ++i) {
    const char* field = sdp_message_a_att_field_get(sdp, pos, i);
    if (field == nullptr) break;
    if (auto d = directionOf(field)) out = d;
  }
}

Result<NegotiatedMedia> chooseFrom(sdp_message_t* sdp, int m) {
  NegotiatedMedia media;
  auto port = parseInt(view(sdp_message_m_port_get(sdp, m)), 65535);
  if (!port) return malformed("bad m=audio port");
  media.remotePort = static_cast<uint16_t>(*port);

  sdp_connection_t* c = sdp_message_connection_get(sdp, m, 0);
  if (c == nullptr) c = sdp_message_connection_get(sdp, -1, 0);
  if (c == nullptr || c->c_addr == nullptr) return malformed("no c= line for the audio stream");
  if (!iequals(view(c->c_nettype), "IN") || !iequals(view(c->c_addrtype), "IP4")) {
    return notAcceptable("only IPv4 audio is supported");
  }
  std::string address(view(c->c_addr));
  address = address.substr(0, address.find('/'));  // multicast TTL suffix
  in_addr parsed{};
  if (inet_pton(AF_INET, address.c_str(), &parsed) != 1)
    return malformed("c= is not an IPv4 address");
  media.remoteAddress = address;

  // Every format must be a number; the first of PCMU/PCMA in offer order wins.
  std::optional<int> audioPt;
  Codec codec = Codec::kPcmu;
  int formats = 0;
  for (int i = 0;; ++i) {
    const char* f = sdp_message_m_payload_get(sdp, m, i);
    if (f == nullptr) break;
    ++formats;
    auto pt = parseInt(view(f), 127);
    if (!pt) return malformed("bad payload type in m=audio");
    if (audioPt) continue;
    if (*pt == 0 || *pt == 8) {
      audioPt = *pt;
      codec = *pt == 0 ? Codec::kPcmu : Codec::kPcma;
      continue;
    }
    if (*pt < 96) continue;
    for (int a = 0;; ++a) {  // a dynamic PT named PCMU/PCMA
      const char* field = sdp_message_a_att_field_get(sdp, m, a);
      if (field == nullptr) break;
      if (view(field) != "rtpmap") continue;
      auto map = parseRtpMap(view(sdp_message_a_att_value_get(sdp, m, a)));
      if (!map || map->pt != *pt || map->rate != "8000") continue;
      if (iequals(map->encoding, "PCMU") || iequals(map->encoding, "PCMA")) {
        audioPt = *pt;
        codec = iequals(map->encoding, "PCMU") ? Codec::kPcmu : Codec::kPcma;
      }
    }
  }
  if (formats == 0) return malformed("m=audio without formats");
  if (!audioPt) return notAcceptable("no common codec (PCMU or PCMA required)");
  media.codec = codec;
  media.audioPayloadType = *audioPt;

  for (int a = 0;; ++a) {
    const char* field = sdp_message_a_att_field_get(sdp, m, a);
    if (field == nullptr) break;
    if (view(field) != "rtpmap") continue;
    auto map = parseRtpMap(view(sdp_message_a_att_value_get(sdp, m, a)));
    if (!map || !iequals(map->encoding, "telephone-event") || map->rate != "8000") continue;
    for (int i = 0;; ++i) {  // only when the PT is also listed on the m= line
      const char* f = sdp_message_m_payload_get(sdp, m, i);
      if (f == nullptr) break;
      if (parseInt(view(f), 127) == map->pt) {
        media.dtmfPayloadType = map->pt;
        break;
      }
    }
    if (media.dtmfPayloadType >= 0) break;
  }

  std::optional<MediaDirection> direction;
  scanDirection(sdp, -1, direction);
  scanDirection(sdp, m, direction);
  media.peerDirection = direction.value_or(MediaDirection::kSendRecv);
  if (media.remoteAddress == "0.0.0.0" && media.peerDirection == MediaDirection::kSendRecv) {
    media.peerDirection = MediaDirection::kSendOnly;  // RFC 2543 hold
  }
  media.onHold = media.peerDirection == MediaDirection::kSendOnly ||
                 media.peerDirection == MediaDirection::kInactive ||
                 media.remoteAddress == "0.0.0.0";
  return media;
}

const char* answerDirection(MediaDirection peer) {
  switch (peer) {
    case MediaDirection::kSendOnly:
      return "recvonly";
    case MediaDirection::kRecvOnly:
      return "sendonly";
    case MediaDirection::kInactive:
      return "inactive";
    case MediaDirection::kSendRecv:
      break;
  }
  return "sendrecv";
}

}  // namespace

int sdpErrorStatus(const Error& error) { return error.code() == kSdpMalformed ? 400 : 488; }

Result<NegotiatedMedia> negotiate(std::string_view sdpOffer) {
  ensureOsipInitialized();
  if (sdpOffer.empty()) return malformed("empty body");
  if (sdpOffer.find('\0') != std::string_view::npos) return malformed("NUL byte");
  // osip2 (5.3) reads one byte past the terminating NUL when an m= line without formats ends the
  // body in a bare LF (it resumes at the token end + 1): padding NULs keep that read inside our
  // buffer, where it stops at once.
  std::string text(sdpOffer);
  text.append(4, '\0');
  sdp_message_t* raw = nullptr;
  if (sdp_message_init(&raw) != 0) return Error::internal("sdp_message_init failed");
  SdpPtr sdp(raw);
  if (sdp_message_parse(sdp.get(), text.c_str()) != 0) return malformed("unparseable");
  if (view(sdp_message_v_version_get(sdp.get())) != "0") return malformed("v= must be 0");

  int count = osip_list_size(&sdp->m_medias);
  bool sawAudio = false;
  for (int m = 0; m < count; ++m) {
    if (view(sdp_message_m_media_get(sdp.get(), m)) != "audio") continue;
    sawAudio = true;
    std::string_view proto = view(sdp_message_m_proto_get(sdp.get(), m));
    if (proto != "RTP/AVP" && proto != "RTP/AVPF") continue;  // SRTP profiles are not supported
    return chooseFrom(sdp.get(), m);
  }
  return notAcceptable(sawAudio ? "no RTP/AVP audio stream" : "no audio stream");
}

std::string buildAnswer(const NegotiatedMedia& media, std::string_view localAddress,
                        uint16_t localPort, uint64_t sessionVersion, uint64_t sessionId) {
  if (sessionId == 0) sessionId = localPort;
  const uint16_t port = media.remotePort == 0 ? 0 : localPort;
  const int pt = media.audioPayloadType;
  const bool dtmf = media.dtmfPayloadType >= 0;
  std::string out;
  out.reserve(320);
  auto line = [&out](std::string_view a, std::string_view b = {}, std::string_view c = {}) {
    out.append(a).append(b).append(c).append("\r\n");
  };
  const std::string addr(localAddress);
  line("v=0");
  line("o=callgate ", std::to_string(sessionId) + " " + std::to_string(sessionVersion),
       " IN IP4 " + addr);
  line("s=callgate");
  line("c=IN IP4 ", addr);
  line("t=0 0");
  std::string formats = std::to_string(pt);
  if (dtmf) formats += " " + std::to_string(media.dtmfPayloadType);
  line("m=audio ", std::to_string(port) + " RTP/AVP ", formats);
  line("a=rtpmap:", std::to_string(pt), media.codec == Codec::kPcmu ? " PCMU/8000" : " PCMA/8000");
  if (dtmf) {
    line("a=rtpmap:", std::to_string(media.dtmfPayloadType), " telephone-event/8000");
    line("a=fmtp:", std::to_string(media.dtmfPayloadType), " 0-16");
  }
  line("a=ptime:20");
  line("a=", answerDirection(media.peerDirection));
  return out;
}

}  // namespace callgate::sip
