#include "adapters/net/rtp/g711.h"

#include <array>

#include "adapters/net/rtp/spandsp_headers.h"

namespace callgate::rtp {
namespace {

struct EncodeTables {
  std::array<uint8_t, 65536> ulaw;
  std::array<uint8_t, 65536> alaw;
  EncodeTables() {
    for (int i = 0; i < 65536; ++i) {
      const int sample = static_cast<int16_t>(static_cast<uint16_t>(i));
      ulaw[static_cast<size_t>(i)] = linear_to_ulaw(sample);
      alaw[static_cast<size_t>(i)] = linear_to_alaw(sample);
    }
  }
};

struct DecodeTables {
  std::array<int16_t, 256> ulaw;
  std::array<int16_t, 256> alaw;
  DecodeTables() {
    for (int i = 0; i < 256; ++i) {
      ulaw[static_cast<size_t>(i)] = ulaw_to_linear(static_cast<uint8_t>(i));
      alaw[static_cast<size_t>(i)] = alaw_to_linear(static_cast<uint8_t>(i));
    }
  }
};

const EncodeTables& encodeTables() {
  static const EncodeTables tables;
  return tables;
}

const DecodeTables& decodeTables() {
  static const DecodeTables tables;
  return tables;
}

}  // namespace

void encodeG711(Codec codec, const int16_t* in, size_t count, uint8_t* out) {
  const auto& t = codec == Codec::kPcmu ? encodeTables().ulaw : encodeTables().alaw;
  for (size_t i = 0; i < count; ++i) out[i] = t[static_cast<uint16_t>(in[i])];
}

void decodeG711(Codec codec, const uint8_t* in, size_t count, int16_t* out) {
  const auto& t = codec == Codec::kPcmu ? decodeTables().ulaw : decodeTables().alaw;
  for (size_t i = 0; i < count; ++i) out[i] = t[in[i]];
}

uint8_t g711Silence(Codec codec) {
  return codec == Codec::kPcmu ? linear_to_ulaw(0) : linear_to_alaw(0);
}

}  // namespace callgate::rtp
