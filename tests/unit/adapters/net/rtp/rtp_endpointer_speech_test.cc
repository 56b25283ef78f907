// The energy endpointer on real speech as the media path delivers it: flite's 8 kHz voice,
// through a μ-law round trip, over faint line noise, in 160-sample packets.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "adapters/net/rtp/g711.h"
#include "adapters/speech/tts/flite_synthesizer.h"
#include "core/speech/endpointer.h"

namespace callgate::speech {
namespace {

constexpr size_t kRate = 8000;

// `leadMs` of noise, the spoken `text`, `tailMs` of noise; as μ-law would carry it.
std::vector<int16_t> call(const std::string& text, double stretch, int leadMs, int tailMs,
                          size_t* speechAt, size_t* speechSamples) {
  auto spoken = tts::synthesizeWithFlite(text, stretch);
  EXPECT_TRUE(spoken.ok());
  if (!spoken.ok()) return {};
  const auto& samples = (*spoken)->samples;
  std::vector<int16_t> audio(static_cast<size_t>(leadMs) * kRate / 1000, 0);
  *speechAt = audio.size();
  *speechSamples = samples.size();
  audio.insert(audio.end(), samples.begin(), samples.end());
  audio.resize(audio.size() + static_cast<size_t>(tailMs) * kRate / 1000, 0);
  std::mt19937 rng(1);
  std::normal_distribution<double> noise(0.0, 32768.0 * std::pow(10.0, -58.0 / 20));
  for (auto& s : audio) s = static_cast<int16_t>(std::clamp(s + noise(rng), -32768.0, 32767.0));
  std::vector<uint8_t> law(audio.size());
  rtp::encodeG711(rtp::Codec::kPcmu, audio.data(), audio.size(), law.data());
  rtp::decodeG711(rtp::Codec::kPcmu, law.data(), law.size(), audio.data());
  return audio;
}

struct Outcome {
  int starts = 0, ends = 0, cuts = 0;
  size_t startAt = 0;
  std::vector<std::vector<int16_t>> utterances;
};

Outcome endpoint(const std::vector<int16_t>& audio) {
  Endpointer ep;
  Outcome out;
  for (size_t at = 0; at + 160 <= audio.size(); at += 160) {
    switch (ep.feed(std::span<const int16_t>(audio.data() + at, 160))) {
      case Endpointer::Event::kSpeechStarted:
        ++out.starts;
        out.startAt = at + 160;
        break;
      case Endpointer::Event::kSpeechEnded:
        ++out.ends;
        out.utterances.push_back(ep.takeUtterance());
        break;
      case Endpointer::Event::kMaxSpeech:
        ++out.cuts;
        out.utterances.push_back(ep.takeUtterance());
        break;
      case Endpointer::Event::kPause:  // no expectation here: never reported
        ADD_FAILURE() << "a pause without an expectation";
        break;
      case Endpointer::Event::kNone:
        break;
    }
  }
  return out;
}

TEST(EndpointerSpeechTest, OneTwoThreeFourIsOneUtteranceWithAllOfTheSpeech) {
  for (double stretch : {1.0, 1.4}) {
    size_t speechAt = 0, speechSamples = 0;
    const auto audio = call("one two three four", stretch, 1000, 1500, &speechAt, &speechSamples);
    ASSERT_FALSE(audio.empty());
    const Outcome out = endpoint(audio);
    EXPECT_EQ(out.starts, 1) << "stretch " << stretch;
    EXPECT_EQ(out.ends, 1) << "stretch " << stretch;
    EXPECT_EQ(out.cuts, 0);
    ASSERT_EQ(out.utterances.size(), 1u);
    // Started soon after the voice did (flite leads with some silence of its own).
    EXPECT_GT(out.startAt, speechAt);
    EXPECT_LT(out.startAt, speechAt + speechSamples / 2);
    // The utterance holds the whole spoken part: pre-roll before, at most 200 ms of silence after.
    const size_t len = out.utterances[0].size();
    EXPECT_GE(len + kRate / 2, speechSamples) << "stretch " << stretch;
    const size_t preRoll = kRate * static_cast<size_t>(EndpointerOptions{}.preRollMs) / 1000;
    EXPECT_LE(len, speechSamples + preRoll + kRate / 5 + 160) << "stretch " << stretch;
  }
}

TEST(EndpointerSpeechTest, TwoAnswersWithAPauseAreTwoUtterances) {
  size_t at1 = 0, n1 = 0, at2 = 0, n2 = 0;
  auto first = call("five seven", 1.0, 800, 1500, &at1, &n1);
  const auto second = call("yes", 1.0, 0, 1500, &at2, &n2);
  first.insert(first.end(), second.begin(), second.end());
  const Outcome out = endpoint(first);
  EXPECT_EQ(out.starts, 2);
  EXPECT_EQ(out.ends, 2);
  ASSERT_EQ(out.utterances.size(), 2u);
  EXPECT_GT(out.utterances[0].size(), out.utterances[1].size());
}

}  // namespace
}  // namespace callgate::speech
