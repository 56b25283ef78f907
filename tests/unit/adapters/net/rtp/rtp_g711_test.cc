#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <numbers>
#include <vector>

#include "adapters/net/rtp/g711.h"
#include "adapters/net/rtp/spandsp_headers.h"

namespace callgate::rtp {
namespace {

std::vector<int16_t> sine(int hz, int amplitude, size_t count) {
  std::vector<int16_t> out(count);
  for (size_t i = 0; i < count; ++i) {
    out[i] = static_cast<int16_t>(
        amplitude * std::sin(2 * std::numbers::pi * hz * static_cast<double>(i) / 8000));
  }
  return out;
}

class G711Test : public ::testing::TestWithParam<Codec> {};

TEST_P(G711Test, RoundTripStaysWithinTheQuantisationStep) {
  const Codec codec = GetParam();
  const auto in = sine(440, 12000, 1600);
  std::vector<uint8_t> coded(in.size());
  std::vector<int16_t> out(in.size());
  encodeG711(codec, in.data(), in.size(), coded.data());
  decodeG711(codec, coded.data(), coded.size(), out.data());
  for (size_t i = 0; i < in.size(); ++i) {
    // Logarithmic companding: the error grows with the magnitude, about 1/16 of it at most.
    const int tolerance = std::max(16, std::abs(in[i]) / 16);
    ASSERT_LE(std::abs(in[i] - out[i]), tolerance) << "sample " << i << " in=" << in[i];
  }
}

TEST_P(G711Test, SilenceEncodesToTheZeroCodeWordAndBack) {
  const Codec codec = GetParam();
  const int16_t zero = 0;
  uint8_t coded = 0;
  encodeG711(codec, &zero, 1, &coded);
  EXPECT_EQ(coded, g711Silence(codec));
  int16_t back = 1000;
  decodeG711(codec, &coded, 1, &back);
  EXPECT_LE(std::abs(back), 8);
}

TEST_P(G711Test, TablesMatchSpandspForEverySample) {
  const Codec codec = GetParam();
  for (int v = -32768; v <= 32767; v += 7) {
    const auto sample = static_cast<int16_t>(v);
    uint8_t coded = 0;
    encodeG711(codec, &sample, 1, &coded);
    ASSERT_EQ(coded, codec == Codec::kPcmu ? linear_to_ulaw(v) : linear_to_alaw(v)) << v;
  }
  for (int c = 0; c < 256; ++c) {
    const auto code = static_cast<uint8_t>(c);
    int16_t out = 0;
    decodeG711(codec, &code, 1, &out);
    ASSERT_EQ(out, codec == Codec::kPcmu ? ulaw_to_linear(code) : alaw_to_linear(code)) << c;
  }
}

INSTANTIATE_TEST_SUITE_P(Laws, G711Test, ::testing::Values(Codec::kPcmu, Codec::kPcma));

TEST(G711Test, KnownCodeWords) {
  EXPECT_EQ(g711Silence(Codec::kPcmu), 0xFF);
  EXPECT_EQ(g711Silence(Codec::kPcma), 0xD5);
  EXPECT_EQ(staticPayloadType(Codec::kPcmu), 0);
  EXPECT_EQ(staticPayloadType(Codec::kPcma), 8);
}

}  // namespace
}  // namespace callgate::rtp
