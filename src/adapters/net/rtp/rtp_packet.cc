#include "adapters/net/rtp/rtp_packet.h"

namespace callgate::rtp {
namespace {

uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }
uint32_t be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

}  // namespace

std::optional<RtpView> parseRtp(std::span<const uint8_t> packet) {
  if (packet.size() < kRtpHeaderBytes) return std::nullopt;
  const uint8_t* p = packet.data();
  if ((p[0] >> 6) != 2) return std::nullopt;
  const bool padding = (p[0] & 0x20) != 0;
  const bool extension = (p[0] & 0x10) != 0;
  const size_t csrcCount = p[0] & 0x0F;
  size_t offset = kRtpHeaderBytes + 4 * csrcCount;
  if (offset > packet.size()) return std::nullopt;
  if (extension) {
    if (offset + 4 > packet.size()) return std::nullopt;
    const size_t words = be16(p + offset + 2);
    offset += 4 + 4 * words;
    if (offset > packet.size()) return std::nullopt;
  }
  size_t end = packet.size();
  if (padding) {
    const size_t pad = p[end - 1];
    if (pad == 0 || pad > end - offset) return std::nullopt;
    end -= pad;
  }
  RtpView view;
  view.header.marker = (p[1] & 0x80) != 0;
  view.header.payloadType = p[1] & 0x7F;
  view.header.sequence = be16(p + 2);
  view.header.timestamp = be32(p + 4);
  view.header.ssrc = be32(p + 8);
  view.payload = packet.subspan(offset, end - offset);
  return view;
}

void writeRtpHeader(const RtpHeader& h, uint8_t* out) {
  out[0] = 0x80;
  out[1] = static_cast<uint8_t>((h.marker ? 0x80 : 0) | (h.payloadType & 0x7F));
  out[2] = static_cast<uint8_t>(h.sequence >> 8);
  out[3] = static_cast<uint8_t>(h.sequence);
  for (int i = 0; i < 4; ++i) {
    out[4 + i] = static_cast<uint8_t>(h.timestamp >> (24 - 8 * i));
    out[8 + i] = static_cast<uint8_t>(h.ssrc >> (24 - 8 * i));
  }
}

std::optional<TelephoneEvent> parseTelephoneEvent(std::span<const uint8_t> payload) {
  if (payload.size() < 4) return std::nullopt;
  TelephoneEvent e;
  e.event = payload[0];
  e.end = (payload[1] & 0x80) != 0;
  e.volume = payload[1] & 0x3F;
  e.duration = be16(payload.data() + 2);
  return e;
}

char eventToDigit(uint8_t event) {
  static constexpr char kKeys[] = "0123456789*#ABCD";
  return event < 16 ? kKeys[event] : '\0';
}

int digitToEvent(char digit) {
  if (digit >= '0' && digit <= '9') return digit - '0';
  if (digit == '*') return 10;
  if (digit == '#') return 11;
  if (digit >= 'A' && digit <= 'D') return 12 + (digit - 'A');
  return -1;
}

char TelephoneEventReceiver::accept(uint32_t ssrc, uint32_t timestamp,
                                    const TelephoneEvent& event) {
  const char digit = eventToDigit(event.event);
  if (digit == '\0') return '\0';
  if (havePress_ && ssrc == ssrc_) {
    // Same press (repeat or end packet), or a late packet of an earlier one.
    if (static_cast<int32_t>(timestamp - lastTimestamp_) <= 0) return '\0';
  }
  havePress_ = true;
  ssrc_ = ssrc;
  lastTimestamp_ = timestamp;
  return digit;
}

}  // namespace callgate::rtp
