// Media parameters the SIP layer negotiates in SDP and hands to the runtime (which converts them
// for rtp/). Plain values, no osip2; shared by sip/ and the lead's sip_voice/ runtime.
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <string>

namespace callgate::sip {

enum class Transport { kUdp, kTcp };
enum class Codec { kPcmu, kPcma };

// The peer's stream direction from its offer (a=sendrecv/sendonly/recvonly/inactive, media level
// over session level). buildAnswer() mirrors it: sendonly -> recvonly, recvonly -> sendonly.
enum class MediaDirection { kSendRecv, kSendOnly, kRecvOnly, kInactive };

struct NegotiatedMedia {
  Codec codec = Codec::kPcmu;
  int audioPayloadType = 0;   // 0 PCMU, 8 PCMA (static PTs; a dynamic PT mapped to them is kept)
  int dtmfPayloadType = -1;   // telephone-event PT as offered, -1 = not negotiated
  std::string remoteAddress;  // c= (media level over session level), IPv4 dotted
  uint16_t remotePort = 0;    // m=audio port; 0 = stream rejected/disabled
  bool onHold = false;        // a=sendonly / a=inactive / c=0.0.0.0 from the peer
  MediaDirection peerDirection = MediaDirection::kSendRecv;  // c=0.0.0.0 alone counts as kSendOnly
};

}  // namespace callgate::sip
