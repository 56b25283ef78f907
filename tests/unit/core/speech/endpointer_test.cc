// The energy endpointer on synthetic 8 kHz audio: silence, line noise, tones, speech-like
// syllables (a voiced harmonic series under a raised-cosine envelope) with gaps, and noise
// floors that sit still or rise. Times are checked to within a few 10 ms blocks.
#include "core/speech/endpointer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <vector>

namespace callgate::speech {
namespace {

constexpr int kRate = 8000;
using Audio = std::vector<int16_t>;
using Event = Endpointer::Event;

size_t samplesOf(int ms) { return static_cast<size_t>(ms) * kRate / 1000; }
double amplitudeOf(double dbfs) { return 32768.0 * std::pow(10.0, dbfs / 20.0); }

int16_t clip(double x) { return static_cast<int16_t>(std::clamp(x, -32768.0, 32767.0)); }

void addSilence(Audio& audio, int ms) { audio.resize(audio.size() + samplesOf(ms), 0); }

// White noise whose RMS level goes linearly from `fromDbfs` to `toDbfs`.
void addNoise(Audio& audio, int ms, double fromDbfs, double toDbfs, uint32_t seed = 7) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> gauss(0.0, 1.0);
  const size_t n = samplesOf(ms);
  for (size_t i = 0; i < n; ++i) {
    const double db = fromDbfs + (toDbfs - fromDbfs) * static_cast<double>(i) / n;
    audio.push_back(clip(amplitudeOf(db) * gauss(rng)));
  }
}
void addNoise(Audio& audio, int ms, double dbfs) { addNoise(audio, ms, dbfs, dbfs); }

// A sine whose RMS is `dbfs`.
void addTone(Audio& audio, int ms, double hz, double dbfs) {
  const size_t n = samplesOf(ms);
  const double peak = amplitudeOf(dbfs) * std::numbers::sqrt2;
  for (size_t i = 0; i < n; ++i)
    audio.push_back(clip(peak * std::sin(2 * std::numbers::pi * hz * i / kRate)));
}

// A vowel-like syllable: 120 Hz voice with harmonics, shaped by a raised cosine.
void addSyllable(Audio& audio, int ms, double peakDbfs) {
  const size_t n = samplesOf(ms);
  const double peak = amplitudeOf(peakDbfs);
  for (size_t i = 0; i < n; ++i) {
    const double t = static_cast<double>(i) / kRate;
    const double envelope = 0.5 - 0.5 * std::cos(2 * std::numbers::pi * i / n);
    double voice = 0;
    for (int h = 1; h <= 8; ++h) voice += std::sin(2 * std::numbers::pi * 120 * h * t) / h;
    audio.push_back(clip(peak * envelope * voice / 2.0));
  }
}

struct Heard {
  Event event;
  int atMs;  // end of the frame that reported it
};

// Feeds `audio` in `frame`-sample frames, calling takeUtterance() after every end.
struct Run {
  std::vector<Heard> events;
  std::vector<Audio> utterances;
};
Run feedAll(Endpointer& ep, const Audio& audio, size_t frame = 160) {
  Run run;
  for (size_t at = 0; at < audio.size(); at += frame) {
    const size_t n = std::min(frame, audio.size() - at);
    const Event e = ep.feed(std::span<const int16_t>(audio.data() + at, n));
    if (e == Event::kNone) continue;
    run.events.push_back({e, static_cast<int>((at + n) * 1000 / kRate)});
    if (e == Event::kSpeechEnded || e == Event::kMaxSpeech)
      run.utterances.push_back(ep.takeUtterance());
  }
  return run;
}

int msOf(const Audio& a) { return static_cast<int>(a.size() * 1000 / kRate); }

const int kEndSilence = EndpointerOptions{}.endSilenceMs;  // the shipped defaults
const int kPreRoll = EndpointerOptions{}.preRollMs;

TEST(EndpointerTest, DigitalSilenceNeverStartsSpeech) {
  Endpointer ep;
  Audio audio;
  addSilence(audio, 5000);
  const auto run = feedAll(ep, audio);
  EXPECT_TRUE(run.events.empty());
  EXPECT_FALSE(ep.speaking());
  EXPECT_TRUE(ep.takeUtterance().empty());
}

TEST(EndpointerTest, QuietLineNoiseNeverStartsSpeech) {
  Endpointer ep;
  Audio audio;
  addNoise(audio, 10000, -48);
  EXPECT_TRUE(feedAll(ep, audio).events.empty());
  EXPECT_NEAR(ep.noiseFloorDbfs(), -48, 3);
}

TEST(EndpointerTest, ToneBurstStartsAfterStartMsAndEndsAfterEndSilence) {
  Endpointer ep;  // defaults: start 100, end kEndSilence, pre-roll kPreRoll
  Audio audio;
  addNoise(audio, 1000, -60);
  addTone(audio, 1000, 440, -15);
  addNoise(audio, 1500, -60, -60, 11);
  const auto run = feedAll(ep, audio);
  ASSERT_EQ(run.events.size(), 2u);
  EXPECT_EQ(run.events[0].event, Event::kSpeechStarted);
  EXPECT_NEAR(run.events[0].atMs, 1100, 20);
  EXPECT_EQ(run.events[1].event, Event::kSpeechEnded);
  EXPECT_NEAR(run.events[1].atMs, 1000 + 1000 + kEndSilence, 30);
  ASSERT_EQ(run.utterances.size(), 1u);
  // Pre-roll + 1 s tone + 200 ms of the trailing silence.
  const Audio& u = run.utterances[0];
  EXPECT_NEAR(msOf(u), kPreRoll + 1200, 20);
  // The tone starts right after the pre-roll, to within one block.
  const size_t toneAt = samplesOf(kPreRoll);
  EXPECT_LT(std::abs(u[toneAt - 90]), 1200);
  int loud = 0;
  for (size_t i = toneAt + 80; i < toneAt + 400; ++i) loud += std::abs(u[i]) > 2000;
  EXPECT_GT(loud, 100);
}

TEST(EndpointerTest, SyllablesWithShortGapsAreOneUtterance) {
  Endpointer ep;
  Audio audio;
  addNoise(audio, 600, -55);
  // "one two three four": syllables, with gaps below the end silence.
  for (int gap : {150, 400, 250, 600}) {
    addSyllable(audio, 280, -12);
    addNoise(audio, gap, -55, -55, static_cast<uint32_t>(gap));
  }
  addSyllable(audio, 300, -12);
  addNoise(audio, 1500, -55, -55, 3);
  const auto run = feedAll(ep, audio);
  ASSERT_EQ(run.events.size(), 2u);
  EXPECT_EQ(run.events[0].event, Event::kSpeechStarted);
  EXPECT_EQ(run.events[1].event, Event::kSpeechEnded);
  ASSERT_EQ(run.utterances.size(), 1u);
  const int spoken = 280 * 4 + 150 + 400 + 250 + 600 + 300;
  // Pre-roll reaches back before the soft onset; the tail keeps at most 200 ms of silence.
  EXPECT_GE(msOf(run.utterances[0]), spoken + 250);
  EXPECT_LE(msOf(run.utterances[0]), spoken + kPreRoll + 200 + 20);
}

TEST(EndpointerTest, LongGapEndsTheUtteranceAndTheNextOneFollows) {
  Endpointer ep;
  Audio audio;
  addNoise(audio, 500, -55);
  addSyllable(audio, 300, -12);
  // Long enough for the end and a whole pre-roll before the next (the pre-roll holds only
  // audio heard after the previous utterance was taken).
  addNoise(audio, kEndSilence + kPreRoll + 200, -55, -55, 5);
  addSyllable(audio, 300, -12);
  addSyllable(audio, 300, -12);
  addNoise(audio, 1200, -55, -55, 6);
  const auto run = feedAll(ep, audio);
  ASSERT_EQ(run.events.size(), 4u);
  EXPECT_EQ(run.events[0].event, Event::kSpeechStarted);
  EXPECT_EQ(run.events[1].event, Event::kSpeechEnded);
  EXPECT_EQ(run.events[2].event, Event::kSpeechStarted);
  EXPECT_EQ(run.events[3].event, Event::kSpeechEnded);
  EXPECT_NEAR(run.events[1].atMs, 500 + 300 + kEndSilence, 80);  // the syllable's fade-out counts
  ASSERT_EQ(run.utterances.size(), 2u);
  EXPECT_LT(msOf(run.utterances[0]), msOf(run.utterances[1]));
  EXPECT_NEAR(msOf(run.utterances[1]), kPreRoll + 600 + 200, 120);
}

TEST(EndpointerTest, SpeakingStateFollowsTheEvents) {
  Endpointer ep;
  Audio before, speech, after;
  addNoise(before, 1000, -60);
  addTone(speech, 300, 300, -20);
  addSilence(after, kEndSilence + 100);
  feedAll(ep, before);
  EXPECT_FALSE(ep.speaking());
  feedAll(ep, speech);
  EXPECT_TRUE(ep.speaking());
  EXPECT_TRUE(ep.takeUtterance().empty());  // not ended yet: nothing taken, nothing changed
  EXPECT_TRUE(ep.speaking());
  EXPECT_EQ(ep.feed(after), Event::kSpeechEnded);
  EXPECT_FALSE(ep.speaking());
  EXPECT_EQ(ep.feed(speech), Event::kNone);  // ignored until the utterance is taken
  EXPECT_NEAR(msOf(ep.takeUtterance()), kPreRoll + 300 + 200, 20);
}

TEST(EndpointerTest, CutsAtMaxSpeech) {
  EndpointerOptions options;
  options.maxSpeechMs = 3000;
  Endpointer ep(options);
  Audio audio;
  addNoise(audio, 500, -60);
  for (int i = 0; i < 20; ++i) {  // 6 s of syllables with 100 ms gaps
    addSyllable(audio, 200, -10);
    addNoise(audio, 100, -60, -60, static_cast<uint32_t>(i));
  }
  const auto run = feedAll(ep, audio);
  ASSERT_GE(run.events.size(), 2u);
  EXPECT_EQ(run.events[0].event, Event::kSpeechStarted);
  EXPECT_EQ(run.events[1].event, Event::kMaxSpeech);
  EXPECT_NEAR(run.events[1].atMs - run.events[0].atMs, 3000 - 100, 120);
  ASSERT_FALSE(run.utterances.empty());
  EXPECT_LE(msOf(run.utterances[0]), kPreRoll + 3000 + 20);
  EXPECT_GE(msOf(run.utterances[0]), 3000);
}

TEST(EndpointerTest, ShortClicksAndDipsDoNotStartSpeech) {
  Endpointer ep;
  Audio audio;
  addNoise(audio, 500, -60);
  for (int i = 0; i < 10; ++i) {  // 30 ms clicks, 300 ms apart
    addTone(audio, 30, 1000, -10);
    addNoise(audio, 300, -60, -60, static_cast<uint32_t>(i));
  }
  EXPECT_TRUE(feedAll(ep, audio).events.empty());
}

TEST(EndpointerTest, NeverCallsAudioBelowMinLevelSpeechEvenOverDigitalSilence) {
  Endpointer ep;
  Audio audio;
  addSilence(audio, 2000);  // floor drops to -100 dBFS
  // Voiced (periodic) and far above the floor, but below minLevelDbfs (-45): only the level
  // keeps it out. (A syllable's 10 ms blocks are at most ~7 dB under its peak: -47 dBFS here.)
  for (int i = 0; i < 5; ++i) {
    addSyllable(audio, 300, -40);
    addSilence(audio, 300);
  }
  EXPECT_TRUE(feedAll(ep, audio).events.empty());
}

TEST(EndpointerTest, AQuietCallerAboveMinLevelIsSpeech) {
  Endpointer ep;
  Audio audio;
  addSilence(audio, 2000);
  // Blocks at most ~-41 dBFS (peak -34): under the -40 this level was until 2026-12-06.
  addSyllable(audio, 500, -34);
  addSilence(audio, 1500);
  const auto run = feedAll(ep, audio);
  ASSERT_EQ(run.events.size(), 2u);
  EXPECT_EQ(run.events[0].event, Event::kSpeechStarted);
  EXPECT_EQ(run.events[1].event, Event::kSpeechEnded);
}

TEST(EndpointerTest, ARisingNoiseFloorIsAbsorbedAndSpeechAboveItStillCounts) {
  Endpointer ep;
  Audio audio;
  addNoise(audio, 1000, -55);
  addNoise(audio, 7000, -55, -27, 9);  // 4 dB a second, ending well above minLevelDbfs
  addNoise(audio, 2000, -27, -27, 10);
  auto run = feedAll(ep, audio);
  EXPECT_TRUE(run.events.empty());
  EXPECT_NEAR(ep.noiseFloorDbfs(), -27, 3);
  // Speech over that noise: 15 dB above it.
  Audio speech;
  for (int i = 0; i < 3; ++i) {
    Audio s;
    addSyllable(s, 300, -3);
    Audio n;
    addNoise(n, 300, -27, -27, 20 + static_cast<uint32_t>(i));
    for (size_t k = 0; k < s.size(); ++k) s[k] = clip(s[k] + n[k]);
    speech.insert(speech.end(), s.begin(), s.end());
    addNoise(speech, 200, -27, -27, 30 + static_cast<uint32_t>(i));
  }
  addNoise(speech, 1500, -27, -27, 40);
  run = feedAll(ep, speech);
  ASSERT_EQ(run.events.size(), 2u);
  EXPECT_EQ(run.events[0].event, Event::kSpeechStarted);
  EXPECT_EQ(run.events[1].event, Event::kSpeechEnded);
  EXPECT_NEAR(run.events[1].atMs, 1300 - 60 + kEndSilence, 100);  // the last voiced block + end
}

TEST(EndpointerTest, SuddenSteadyNoiseIsNeverSpeechAndBecomesTheBackground) {
  EndpointerOptions options;
  options.maxSpeechMs = 2000;
  Endpointer ep(options);
  Audio audio;
  addNoise(audio, 500, -60);
  addNoise(audio, 8000, -22, -22, 12);  // a fan switched on: loud, but no voice's periodicity
  const auto run = feedAll(ep, audio);
  EXPECT_TRUE(run.events.empty());
  EXPECT_GT(ep.noiseFloorDbfs(), -26);
}

TEST(EndpointerTest, SteadyPeriodicNoiseIsCutOnceThenTreatedAsBackground) {
  EndpointerOptions options;
  options.maxSpeechMs = 2000;
  Endpointer ep(options);
  Audio audio;
  addNoise(audio, 500, -60);
  addTone(audio, 8000, 180, -22);  // a loud hum has a pitch: it starts, then is cut
  const auto run = feedAll(ep, audio);
  ASSERT_EQ(run.events.size(), 2u);
  EXPECT_EQ(run.events[0].event, Event::kSpeechStarted);
  EXPECT_EQ(run.events[1].event, Event::kMaxSpeech);
  EXPECT_GT(ep.noiseFloorDbfs(), -26);
}

TEST(EndpointerTest, ALoudBurstOfNoiseDoesNotStartSpeech) {
  Endpointer ep;
  Audio audio;
  addNoise(audio, 1000, -60);
  for (int i = 0; i < 4; ++i) {  // 400 ms bursts, 30 dB above the line: a crackling line
    addNoise(audio, 400, -25, -25, 50 + static_cast<uint32_t>(i));
    addNoise(audio, 600, -60, -60, 60 + static_cast<uint32_t>(i));
  }
  EXPECT_TRUE(feedAll(ep, audio).events.empty());
}

TEST(EndpointerTest, WithoutThePeriodicityGateALoudBurstOfNoiseStartsSpeechAgain) {
  // minPeriodicity 0 is the old, energy-only start (kept to measure the gate against).
  Audio audio;
  addNoise(audio, 1000, -60);
  addNoise(audio, 400, -25, -25, 50);  // 35 dB above the line, no voice's periodicity
  addNoise(audio, 1500, -60, -60, 60);
  Endpointer gated;
  EXPECT_TRUE(feedAll(gated, audio).events.empty());
  EndpointerOptions options;
  options.minPeriodicity = 0;
  Endpointer energyOnly(options);
  const auto run = feedAll(energyOnly, audio);
  ASSERT_EQ(run.events.size(), 2u);
  EXPECT_EQ(run.events[0].event, Event::kSpeechStarted);
  EXPECT_NEAR(run.events[0].atMs, 1100, 30);  // startMs into the burst
  EXPECT_EQ(run.events[1].event, Event::kSpeechEnded);
  EXPECT_NEAR(msOf(run.utterances[0]), kPreRoll + 400 + 200, 30);  // pre-roll, burst, trailing
}

TEST(EndpointerTest, AHissBeforeTheVowelStartsWithTheVowelAndIsKept) {
  // "six": 150 ms of fricative noise, then the vowel.
  Endpointer ep;
  Audio audio;
  addNoise(audio, 1000, -60);
  addNoise(audio, 150, -20, -20, 70);
  addSyllable(audio, 300, -6);
  addNoise(audio, 1500, -60, -60, 71);
  const auto run = feedAll(ep, audio);
  ASSERT_EQ(run.events.size(), 2u);
  EXPECT_EQ(run.events[0].event, Event::kSpeechStarted);
  EXPECT_GT(run.events[0].atMs, 1150);  // not on the hiss alone
  EXPECT_LT(run.events[0].atMs, 1150 + 150);
  EXPECT_EQ(run.events[1].event, Event::kSpeechEnded);
  ASSERT_EQ(run.utterances.size(), 1u);
  // The utterance holds the hiss: loud samples from its start, after the pre-roll.
  const Audio& u = run.utterances[0];
  int loud = 0;
  for (size_t i = samplesOf(kPreRoll) + 40; i < samplesOf(kPreRoll + 140); ++i)
    loud += std::abs(u[i]) > 500;
  EXPECT_GT(loud, 500);
}

TEST(EndpointerTest, FrameSizeDoesNotChangeTheResult) {
  Audio audio;
  addNoise(audio, 700, -58);
  addSyllable(audio, 250, -14);
  addNoise(audio, 200, -58, -58, 2);
  addSyllable(audio, 250, -14);
  addNoise(audio, 1200, -58, -58, 4);
  Endpointer a, b, c;
  const auto ra = feedAll(a, audio, 160);
  const auto rb = feedAll(b, audio, 37);
  const auto rc = feedAll(c, audio, 24000);  // all of it in one frame
  ASSERT_EQ(ra.utterances.size(), 1u);
  ASSERT_EQ(rb.utterances.size(), 1u);
  ASSERT_EQ(rc.utterances.size(), 1u);
  EXPECT_EQ(ra.utterances[0], rb.utterances[0]);
  EXPECT_EQ(ra.utterances[0], rc.utterances[0]);
  // With one frame, start and end land in the same frame: the end is reported.
  ASSERT_EQ(rc.events.size(), 1u);
  EXPECT_EQ(rc.events[0].event, Event::kSpeechEnded);
}

TEST(EndpointerTest, SpeechAtTheVeryStartHasNoPreRollToGive) {
  Endpointer ep;
  Audio greeting;
  addSilence(greeting, 500);
  ep.observe(greeting);  // the line, learned outside the input: nothing for the pre-roll
  Audio audio;
  addTone(audio, 500, 500, -15);
  addSilence(audio, 1000);
  const auto run = feedAll(ep, audio);
  ASSERT_EQ(run.utterances.size(), 1u);
  EXPECT_NEAR(msOf(run.utterances[0]), 500 + 200, 20);
  EXPECT_GT(std::abs(run.utterances[0][10]) + std::abs(run.utterances[0][20]), 0);
}

TEST(EndpointerTest, SteadyNoiseFromTheFirstBlockIsTheLineNotSpeech) {
  // Louder than minLevelDbfs from the very first sample: learned as the line within the first
  // kLearnMs, never an utterance; speech well above it still counts.
  Endpointer ep;
  Audio audio;
  addNoise(audio, 3000, -36);
  EXPECT_TRUE(feedAll(ep, audio).events.empty());
  EXPECT_NEAR(ep.noiseFloorDbfs(), -36, 3);
  Audio speech;
  addSyllable(speech, 300, -8);
  addSyllable(speech, 300, -8);
  addNoise(speech, 2500 + kEndSilence, -36, -36, 5);
  const auto run = feedAll(ep, speech);
  ASSERT_EQ(run.utterances.size(), 1u);
  // The keep threshold stands on the noise's typical level (kTypicalForEnd), not on its quietest
  // block, so no block of the noise holds the utterance open: it ends the end silence after the
  // speech (on the quietest floor it came ~1 s later).
  ASSERT_EQ(run.events.size(), 2u);
  EXPECT_EQ(run.events[1].event, Event::kSpeechEnded);
  EXPECT_NEAR(run.events[1].atMs, 600 + kEndSilence, 100);
}

// Noise whose level changes every 10 ms block, spread evenly (seeded) between `quietDbfs` and
// `loudDbfs`: babble or a crackling line has quieter and louder moments.
void addUnevenNoise(Audio& audio, int ms, double quietDbfs, double loudDbfs, uint32_t seed) {
  std::mt19937 pick(seed);
  std::uniform_real_distribution<double> level(quietDbfs, loudDbfs);
  for (int at = 0; at < ms; at += 10) {
    const double db = level(pick);
    addNoise(audio, 10, db, db, static_cast<uint32_t>(pick()));
  }
}

// A voice over the line's noise (summed, as a caller is heard), then `afterMs` of that noise.
Audio speechInNoise(double noiseQuiet, double noiseLoud, int afterMs) {
  Audio s;
  addSyllable(s, 300, -6);
  addSyllable(s, 300, -6);
  Audio n;
  addUnevenNoise(n, 600, noiseQuiet, noiseLoud, 21);
  for (size_t k = 0; k < s.size(); ++k) s[k] = clip(s[k] + n[k]);
  addUnevenNoise(s, afterMs, noiseQuiet, noiseLoud, 22);
  return s;
}

TEST(EndpointerTest, TypicalFloorEndsAnUtteranceInUnevenNoise) {
  // Line noise anywhere from -46 to -32 dBFS from one block to the next. The quietest-block
  // floor sits near -46, so the keep threshold (floor + 8 dB, a little more once the start's
  // loud blocks have lifted the floor) is under the louder blocks and the utterance does not end
  // in 3 s; the typical floor is near the noise's middle (-39), its keep threshold above the
  // loudest block, and the end comes the end silence after the speech.
  Audio line;
  addUnevenNoise(line, 2000, -46, -32, 20);
  const Audio speech = speechInNoise(-46, -32, 3000);
  EndpointerOptions quietestOptions;
  quietestOptions.noiseFloor = NoiseFloor::kQuietest;
  Endpointer quietest(quietestOptions);
  EXPECT_TRUE(feedAll(quietest, line).events.empty());
  EXPECT_LT(quietest.noiseFloorDbfs(), -42);
  const double quietestFloor = quietest.noiseFloorDbfs();
  const auto held = feedAll(quietest, speech);
  ASSERT_EQ(held.events.size(), 1u);
  EXPECT_EQ(held.events[0].event, Event::kSpeechStarted);

  // The end is the same whether the start stands on the typical floor or the quietest.
  for (const NoiseFloor floor : {NoiseFloor::kTypical, NoiseFloor::kTypicalForEnd}) {
    SCOPED_TRACE(static_cast<int>(floor));
    EndpointerOptions options;
    options.noiseFloor = floor;
    Endpointer typical(options);
    EXPECT_TRUE(feedAll(typical, line).events.empty());
    if (floor == NoiseFloor::kTypical) {
      EXPECT_NEAR(typical.noiseFloorDbfs(), -39, 1.5);
    } else {
      EXPECT_DOUBLE_EQ(typical.noiseFloorDbfs(), quietestFloor);  // the start's floor
    }
    const auto run = feedAll(typical, speech);
    ASSERT_EQ(run.events.size(), 2u);
    EXPECT_EQ(run.events[0].event, Event::kSpeechStarted);
    EXPECT_EQ(run.events[1].event, Event::kSpeechEnded);
    EXPECT_NEAR(run.events[1].atMs, 600 + kEndSilence, 100);
  }
}

TEST(EndpointerTest, TypicalFloorForTheEndStillStartsOnSpeechCloseToTheNoise) {
  // The uneven noise (-46 to -32 dBFS) and a voice whose loudest blocks are ~10 dB over its
  // middle: over the quietest floor + 12 dB, not over the typical floor + 12 dB. kQuietest starts
  // and never ends, kTypical misses it, kTypicalForEnd starts and ends after the end silence.
  Audio line;
  addUnevenNoise(line, 2000, -46, -32, 20);
  Audio speech;
  addSyllable(speech, 400, -20);
  addSyllable(speech, 400, -20);
  Audio n;
  addUnevenNoise(n, 800, -46, -32, 23);
  for (size_t k = 0; k < speech.size(); ++k) speech[k] = clip(speech[k] + n[k]);
  addUnevenNoise(speech, 2500, -46, -32, 24);
  const auto runWith = [&](NoiseFloor floor) {
    EndpointerOptions options;
    options.noiseFloor = floor;
    Endpointer ep(options);
    EXPECT_TRUE(feedAll(ep, line).events.empty());
    return feedAll(ep, speech).events;
  };
  const auto quietest = runWith(NoiseFloor::kQuietest);
  ASSERT_EQ(quietest.size(), 1u);
  EXPECT_EQ(quietest[0].event, Event::kSpeechStarted);
  EXPECT_TRUE(runWith(NoiseFloor::kTypical).empty());
  const auto forEnd = runWith(NoiseFloor::kTypicalForEnd);
  ASSERT_EQ(forEnd.size(), 2u);
  EXPECT_EQ(forEnd[0].event, Event::kSpeechStarted);
  EXPECT_EQ(forEnd[0].atMs, quietest[0].atMs);  // the same start
  EXPECT_EQ(forEnd[1].event, Event::kSpeechEnded);
  EXPECT_NEAR(forEnd[1].atMs, 800 + kEndSilence, 150);
}

TEST(EndpointerTest, TypicalFloorLearnsTheLinePastACallerSpeakingEarly) {
  // 100 ms of a voice inside the first kLearnMs: the median block is still the line's.
  EndpointerOptions options;
  options.noiseFloor = NoiseFloor::kTypical;
  Endpointer ep(options);
  Audio audio;
  addNoise(audio, 100, -50);
  addTone(audio, 100, 200, -10);
  addNoise(audio, 100, -50, -50, 3);
  ep.observe(audio);
  EXPECT_NEAR(ep.noiseFloorDbfs(), -50, 2);
}

TEST(EndpointerTest, ObservedAudioTeachesTheFloorAndNothingElse) {
  Endpointer ep;
  Audio greeting;
  addNoise(greeting, 2000, -34);
  addTone(greeting, 400, 440, -10);  // loud, but observed: no utterance starts
  ep.observe(greeting);
  EXPECT_FALSE(ep.speaking());
  EXPECT_TRUE(ep.takeUtterance().empty());
  EXPECT_GT(ep.noiseFloorDbfs(), -36);
  Audio line;
  addNoise(line, 3000, -34, -34, 8);
  EXPECT_TRUE(feedAll(ep, line).events.empty()) << "the learned line started speech";
}

TEST(EndpointerTest, ResetDropsTheUtteranceButKeepsTheNoiseFloor) {
  Endpointer ep;
  Audio noise, speech;
  addNoise(noise, 3000, -45);
  addNoise(noise, 2000, -45, -30, 3);
  addTone(speech, 400, 400, -5);
  feedAll(ep, noise);
  EXPECT_GT(ep.noiseFloorDbfs(), -40);
  feedAll(ep, speech);
  EXPECT_TRUE(ep.speaking());
  const double floor = ep.noiseFloorDbfs();
  ep.reset();
  EXPECT_FALSE(ep.speaking());
  EXPECT_DOUBLE_EQ(ep.noiseFloorDbfs(), floor);
  EXPECT_TRUE(ep.takeUtterance().empty());
}

// A caller reading a number in groups: two syllables, a pause longer than the end silence but
// shorter than the incomplete one, three syllables, then quiet.
const int kIncompleteSilence = EndpointerOptions{}.incompleteSilenceMs;
const int kGroupPause = (kEndSilence + kIncompleteSilence) / 2;
Audio twoGroups() {
  Audio audio;
  addNoise(audio, 600, -55);
  addSyllable(audio, 280, -12);
  addNoise(audio, 150, -55, -55, 1);
  addSyllable(audio, 280, -12);
  addNoise(audio, kGroupPause, -55, -55, 2);
  for (int i = 0; i < 3; ++i) {
    addSyllable(audio, 280, -12);
    addNoise(audio, 150, -55, -55, static_cast<uint32_t>(3 + i));
  }
  addNoise(audio, kIncompleteSilence + 500, -55, -55, 9);
  return audio;
}

TEST(EndpointerTest, APauseEndsAnUtteranceWhenNothingIsExpected) {
  ASSERT_GT(kIncompleteSilence, kEndSilence + 200);  // the shipped defaults leave room to test
  Endpointer ep;
  const auto run = feedAll(ep, twoGroups());
  EXPECT_EQ(run.utterances.size(), 2u);  // cut in the pause
}

TEST(EndpointerTest, AnUtteranceShorterThanExpectedWaitsForTheRestPastAPause) {
  Endpointer ep;
  ep.expectSpeech(1500);  // the first group (~710 ms) cannot be the whole answer
  const auto run = feedAll(ep, twoGroups());
  ASSERT_EQ(run.events.size(), 3u);
  EXPECT_EQ(run.events[0].event, Event::kSpeechStarted);
  // Enough speech by the end silence after the second group: a pause, for the channel to judge;
  // nobody ended it, so the incomplete silence does.
  const int lastSyllableEnds = 600 + 280 + 150 + 280 + kGroupPause + 3 * 280 + 2 * 150;
  EXPECT_EQ(run.events[1].event, Event::kPause);
  EXPECT_NEAR(run.events[1].atMs, lastSyllableEnds + kEndSilence, 100);
  EXPECT_EQ(run.events[2].event, Event::kSpeechEnded);
  EXPECT_NEAR(run.events[2].atMs, lastSyllableEnds + kIncompleteSilence, 100);
  ASSERT_EQ(run.utterances.size(), 1u);
  // Both groups: 5 syllables, the pauses between them, the last one's gap and 200 ms of tail.
  const int spoken = 5 * 280 + 150 + kGroupPause + 3 * 150;
  EXPECT_GE(msOf(run.utterances[0]), spoken);
  EXPECT_LE(msOf(run.utterances[0]), spoken + kPreRoll + 200 + 20);
}

// Feeds `audio` until the first kPause; returns the events so far.
std::vector<Event> feedToPause(Endpointer& ep, const Audio& audio) {
  std::vector<Event> events;
  for (size_t at = 0; at < audio.size(); at += 160) {
    const Event e = ep.feed(
        std::span<const int16_t>(audio.data() + at, std::min<size_t>(160, audio.size() - at)));
    if (e != Event::kNone) events.push_back(e);
    if (e == Event::kPause) break;
  }
  return events;
}

TEST(EndpointerTest, AtAPauseTheChannelMayEndTheUtteranceThere) {
  Endpointer ep;
  ep.expectSpeech(500);  // the first group (~710 ms) is enough to ask
  const Audio audio = twoGroups();
  EXPECT_TRUE(ep.utteranceSoFar().empty());  // no pause yet
  EXPECT_TRUE(ep.endNow().empty());
  EXPECT_EQ(feedToPause(ep, audio), (std::vector<Event>{Event::kSpeechStarted, Event::kPause}));
  EXPECT_TRUE(ep.paused());
  EXPECT_EQ(ep.pauses(), 1);
  EXPECT_TRUE(ep.speaking());  // still taking audio in
  const Audio soFar = ep.utteranceSoFar();
  // The first group and the end silence so far.
  EXPECT_NEAR(msOf(soFar), kPreRoll + 280 + 150 + 280 + kEndSilence, 150);
  const Audio taken = ep.endNow();
  EXPECT_FALSE(ep.speaking());
  // Ended there: at most 200 ms of the silence kept, as at an end.
  EXPECT_NEAR(msOf(taken), kPreRoll + 280 + 150 + 280 + 200, 150);
  EXPECT_EQ(ep.pauses(), 0);  // taken: the next utterance starts afresh
  EXPECT_FALSE(ep.paused());
}

TEST(EndpointerTest, SpeechAfterAPauseGoesOnAndTheNextPauseIsReportedToo) {
  Endpointer ep;
  ep.expectSpeech(500);
  const auto run = feedAll(ep, twoGroups());
  ASSERT_EQ(run.events.size(), 4u);
  EXPECT_EQ(run.events[1].event, Event::kPause);
  EXPECT_EQ(run.events[2].event, Event::kPause);  // after the second group
  EXPECT_EQ(run.events[3].event, Event::kSpeechEnded);
  ASSERT_EQ(run.utterances.size(), 1u);  // one utterance: both groups
  EXPECT_GE(msOf(run.utterances[0]), 5 * 280 + 150 + kGroupPause + 3 * 150);
}

// Speech resumed within the frame that reached the end silence: the frame ends unpaused, so no
// pause is reported, counted, or left to check (a channel would decode empty audio).
TEST(EndpointerTest, APauseClearedWithinItsFrameIsNotReported) {
  const Audio audio = twoGroups();
  Endpointer probe;
  probe.expectSpeech(500);
  const auto run = feedAll(probe, audio, 80);  // 10 ms frames: the block that reaches the pause
  ASSERT_GE(run.events.size(), 2u);
  ASSERT_EQ(run.events[1].event, Event::kPause);
  const size_t pauseEnds = samplesOf(run.events[1].atMs);

  // The same audio up to the block before, then one 20 ms frame: that block and a voiced one.
  Endpointer ep;
  ep.expectSpeech(500);
  for (size_t at = 0; at + 80 <= pauseEnds - 80; at += 80)
    ASSERT_NE(ep.feed(std::span<const int16_t>(audio.data() + at, 80)), Event::kPause);
  Audio frame(audio.begin() + static_cast<std::ptrdiff_t>(pauseEnds - 80),
              audio.begin() + static_cast<std::ptrdiff_t>(pauseEnds));
  addTone(frame, 10, 200, -12);
  EXPECT_EQ(ep.feed(frame), Event::kNone);
  EXPECT_FALSE(ep.paused());
  EXPECT_EQ(ep.pauses(), 0);
  EXPECT_TRUE(ep.utteranceSoFar().empty());
  EXPECT_TRUE(ep.speaking());

  // The speech goes on; the next pause is reported, as the first.
  Audio rest;
  addSyllable(rest, 280, -12);
  addNoise(rest, kEndSilence + 100, -55, -55, 5);
  const auto after = feedAll(ep, rest);
  ASSERT_EQ(after.events.size(), 1u);
  EXPECT_EQ(after.events[0].event, Event::kPause);
  EXPECT_EQ(ep.pauses(), 1);
  EXPECT_FALSE(ep.utteranceSoFar().empty());
}

// One 300 ms syllable after 600 ms of line, then `quietMs` of line: when it ended (ms), or -1.
int endOfOneSyllable(Endpointer& ep, int quietMs) {
  Audio audio;
  addNoise(audio, 600, -55);
  addSyllable(audio, 300, -12);
  addNoise(audio, quietMs, -55, -55, 4);
  const auto run = feedAll(ep, audio);
  if (run.events.size() != 2u || run.events[1].event != Event::kSpeechEnded) return -1;
  return run.events[1].atMs;
}

TEST(EndpointerTest, AnIncompleteUtteranceStillEndsAfterTheIncompleteSilence) {
  Endpointer ep;
  ep.expectSpeech(3000);
  EXPECT_NEAR(endOfOneSyllable(ep, kIncompleteSilence + 1000), 600 + 300 + kIncompleteSilence, 100);
}

TEST(EndpointerTest, TheExpectationHoldsForOneUtteranceOnly) {
  Endpointer ep;
  ep.expectSpeech(1500);
  Audio audio = twoGroups();
  const auto first = feedAll(ep, audio);
  ASSERT_EQ(first.utterances.size(), 1u);
  // takeUtterance() dropped it: the same two groups again are cut in the pause.
  EXPECT_EQ(feedAll(ep, audio).utterances.size(), 2u);
  ep.expectSpeech(1500);
  ep.reset();  // so does reset()
  EXPECT_EQ(feedAll(ep, audio).utterances.size(), 2u);
}

TEST(EndpointerTest, OutOfRangeOptionsAreClamped) {
  EndpointerOptions options;
  options.startMs = -5;
  options.endSilenceMs = 0;
  options.maxSpeechMs = 0;
  options.preRollMs = -100;
  Endpointer ep(options);
  Audio audio;
  addSilence(audio, 100);
  addTone(audio, 200, 500, -10);
  addSilence(audio, 100);
  const auto run = feedAll(ep, audio);
  ASSERT_FALSE(run.events.empty());
  EXPECT_EQ(run.events[0].event, Event::kMaxSpeech);  // 10 ms maximum: cut at once

  // An incomplete silence shorter than the end silence is the end silence.
  EndpointerOptions shorter;
  shorter.incompleteSilenceMs = 10;
  Endpointer waits(shorter);
  waits.expectSpeech(3000);
  EXPECT_NEAR(endOfOneSyllable(waits, kEndSilence + 500), 600 + 300 + kEndSilence, 100);
}

}  // namespace
}  // namespace callgate::speech
