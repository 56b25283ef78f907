#include "adapters/speech/asr/front_end.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

namespace callgate::asr {
namespace {

// `ms` of a 400 Hz sine (four whole periods in every 10 ms frame) at `amplitude` (16-bit steps), 8
// kHz.
std::vector<int16_t> sine(int ms, double amplitude) {
  std::vector<int16_t> out;
  for (int i = 0; i < ms * 8; ++i)
    out.push_back(
        static_cast<int16_t>(std::lround(amplitude * std::sin(i * 2 * M_PI * 400 / 8000))));
  return out;
}

TEST(FrontEnd, LoudLevelIsTheLoudFramesInDbfs) {
  // A sine's mean square is half its peak's: full scale is -3 dBFS.
  EXPECT_NEAR(loudDbfs(sine(500, 32767)), -3.01, 0.05);
  EXPECT_NEAR(loudDbfs(sine(500, 3277)), -23.01, 0.05);
  // Loud frames are the 95th percentile: 70 % silence does not lower the level.
  std::vector<int16_t> mostlyQuiet(2800, 0);
  const auto speech = sine(120, 3277);
  mostlyQuiet.insert(mostlyQuiet.end(), speech.begin(), speech.end());
  EXPECT_NEAR(loudDbfs(mostlyQuiet), -23.01, 0.05);
  EXPECT_EQ(loudDbfs({}), -100.0);
}

TEST(FrontEnd, AddedNoiseFollowsTheSpeechLevel) {
  // The shipped distance: RMS 10 for loud frames at -12.5 dBFS.
  const double nominal = 32768.0 * std::pow(10.0, -12.5 / 20.0) * std::sqrt(2.0);
  EXPECT_NEAR(noiseRmsFor(sine(500, nominal), 57.8), 10.0, 0.1);
  // 20 dB quieter speech, 20 dB quieter noise.
  EXPECT_NEAR(noiseRmsFor(sine(500, nominal / 10), 57.8), 1.0, 0.01);
  // Silence gets the floor, clipping loud speech the ceiling; 0 dB below means no noise.
  EXPECT_EQ(noiseRmsFor(std::vector<int16_t>(4000, 0), 57.8), kMinNoiseRms);
  EXPECT_EQ(noiseRmsFor(sine(500, 32767), 20.0), kMaxNoiseRms);
  EXPECT_EQ(noiseRmsFor(sine(500, nominal), 0.0), 0.0);
}

TEST(FrontEnd, AddedNoiseHasTheRmsAsked) {
  std::vector<int16_t> silence(16000, 0);
  addNoise(silence, 10.0);
  double sum = 0;
  for (int16_t s : silence) sum += static_cast<double>(s) * s;
  EXPECT_NEAR(std::sqrt(sum / silence.size()), 10.0, 0.3);
  std::vector<int16_t> untouched(100, 7);
  addNoise(untouched, 0.0);
  EXPECT_EQ(untouched, std::vector<int16_t>(100, 7));
}

}  // namespace
}  // namespace callgate::asr
