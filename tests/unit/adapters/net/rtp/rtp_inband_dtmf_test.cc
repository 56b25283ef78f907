#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "adapters/net/rtp/inband_dtmf.h"
#include "common/audio.h"
#include "unit/adapters/net/rtp/rtp_test_support.h"

namespace callgate::rtp {
namespace {

using audio::kSamplesPerPacket;

std::string detect(const std::vector<int16_t>& audio, Codec codec) {
  InbandDtmfDetector detector;
  std::string digits;
  std::vector<uint8_t> coded(kSamplesPerPacket);
  std::vector<int16_t> decoded(kSamplesPerPacket);
  for (size_t at = 0; at + kSamplesPerPacket <= audio.size(); at += kSamplesPerPacket) {
    // Through the codec, 20 ms at a time, as a MediaSession receives it.
    encodeG711(codec, audio.data() + at, kSamplesPerPacket, coded.data());
    decodeG711(codec, coded.data(), kSamplesPerPacket, decoded.data());
    detector.process(
        decoded.data(), decoded.size(),
        [](void* ctx, char d) { static_cast<std::string*>(ctx)->push_back(d); }, &digits);
  }
  return digits;
}

TEST(InbandDtmfTest, DetectsSpandspGeneratedDigitsThroughUlaw) {
  EXPECT_EQ(detect(testing::dtmfAudio("1234567890*#ABCD"), Codec::kPcmu), "1234567890*#ABCD");
}

TEST(InbandDtmfTest, DetectsThroughAlawAndReportsARepeatedKeyTwice) {
  EXPECT_EQ(detect(testing::dtmfAudio("5500#"), Codec::kPcma), "5500#");
}

TEST(InbandDtmfTest, SilenceAndSpeechLikeToneAreNotDigits) {
  std::vector<int16_t> audio(8000, 0);
  for (size_t i = 0; i < audio.size(); ++i) {
    audio[i] = static_cast<int16_t>(
        8000 * std::sin(2 * std::numbers::pi * 440 * static_cast<double>(i) / 8000));
  }
  EXPECT_EQ(detect(audio, Codec::kPcmu), "");
}

TEST(InbandDtmfTest, ResetForgetsAHalfHeardTone) {
  InbandDtmfDetector detector;
  std::string digits;
  auto audio = testing::dtmfAudio("7", 0);
  const auto sink = [](void* ctx, char d) { static_cast<std::string*>(ctx)->push_back(d); };
  detector.process(audio.data(), 160, sink, &digits);  // 20 ms of the tone: not yet confirmed
  detector.reset();
  std::vector<int16_t> silence(1600, 0);
  detector.process(silence.data(), silence.size(), sink, &digits);
  EXPECT_EQ(digits, "");
}

}  // namespace
}  // namespace callgate::rtp
