// SDP offer/answer for callgate's single G.711 audio stream (RFC 3264, RFC 4566), parsed with
// osip2's sdp_message (kept private to this file's .cc). negotiate() reads a peer's offer and picks
// the first offered of PCMU/PCMA (offer order) plus telephone-event/8000 when offered;
// buildAnswer() writes our answer. Thread-safety: pure functions, safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "adapters/net/sip/media_types.h"
#include "common/result.h"

namespace callgate::sip {

// Error codes negotiate() returns: kSdpMalformed -> answer 400, kSdpNotAcceptable (no audio
// stream, no common codec, not IPv4, SRTP only) -> answer 488. sdpErrorStatus() does that mapping.
inline constexpr ErrorCode kSdpMalformed = ErrorCode::kInvalidArgument;
inline constexpr ErrorCode kSdpNotAcceptable = ErrorCode::kNotFound;
int sdpErrorStatus(const Error& error);

// Parses an offer and chooses the media. The first m=audio line with an RTP/AVP profile is used
// (port 0 -> remotePort 0: the stream is disabled). Never throws.
Result<NegotiatedMedia> negotiate(std::string_view sdpOffer);

// Our answer: o= with sessionId and sessionVersion (bump the version on every new answer in a
// dialog), c=IN IP4 <localAddress>, m=audio <localPort> RTP/AVP <pt> [<dtmfPt>] (port 0 when the
// offered stream was disabled), rtpmap lines, a=fmtp:<dtmfPt> 0-16, a=ptime:20, and the direction
// mirrored from media.peerDirection. sessionId 0 = derive it from localPort (unique on this host
// while the session lives); keep the same id for every answer of one dialog.
std::string buildAnswer(const NegotiatedMedia& media, std::string_view localAddress,
                        uint16_t localPort, uint64_t sessionVersion, uint64_t sessionId = 0);

}  // namespace callgate::sip
