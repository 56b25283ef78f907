// G.711 μ-law (PCMU) and A-law (PCMA) for the media path. Encoding looks a sample up in a 64 KiB
// table per law, built once from spandsp's linear_to_ulaw / linear_to_alaw; decoding uses a
// 256-entry table built from spandsp's ulaw_to_linear / alaw_to_linear. No allocation per call.
// Thread-safety: the tables are built on first use (C++ magic statics) and read-only afterwards.
#pragma once

#include <cstddef>
#include <cstdint>

namespace callgate::rtp {

enum class Codec { kPcmu, kPcma };

// `in` and `out` hold `count` items each.
void encodeG711(Codec codec, const int16_t* in, size_t count, uint8_t* out);
void decodeG711(Codec codec, const uint8_t* in, size_t count, int16_t* out);
// The code word for a zero sample: 0xFF in μ-law, 0xD5 in A-law.
uint8_t g711Silence(Codec codec);
// The static RTP payload type of the codec (RFC 3551): 0 PCMU, 8 PCMA.
inline int staticPayloadType(Codec codec) { return codec == Codec::kPcmu ? 0 : 8; }

}  // namespace callgate::rtp
