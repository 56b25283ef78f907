// The harder corpus's conditions: how a digit string is said (continuous, digit by digit with
// pauses, in groups), how loud the caller is, and what noise the line carries, all turned into
// the 8 kHz G.711 μ-law audio a call hands the recogniser. Used by asr_bench only.
//
// A rendering: the chunks (one text for continuous speech, one digit word each for digit by
// digit, one text per group) are synthesised (corpus.h); several chunks are trimmed of their
// silence and joined by pauses of digital silence; the level is changed (clipped at full scale);
// noise is added at the SNR named, computed against the speech-active part (10 ms frames within
// 40 dB of the loudest); then the G.711 round trip. Everything random comes from the seed given,
// so a corpus is the same on every run and on any number of threads.
// Thread-safety: buildBabble() once before any render(); render() is then thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "bench/asr/corpus.h"

namespace callgate::asrbench {

enum class Way { kContinuous, kDigits, kGrouped };
enum class Noise { kNone, kSteady, kBabble };

struct Condition {
  Way way = Way::kContinuous;
  Noise noise = Noise::kNone;
  double snrDb = 0;          // with noise
  double gainDb = 0;         // level change against the voice's own output
  bool loud = false;         // peaks raised to full scale, then gainDb more, clipped
  std::string name() const;  // "digits / babble 10 dB", "continuous / clean -20 dB", ...
  std::string wayName() const;
  std::string noiseName() const;  // "clean", "steady 20 dB", ...
  std::string levelName() const;  // "nominal", "-6 dB", "-20 dB", "loud +6 dB (clipped)"
  // Clean (no noise, any level) or noise at 20 dB SNR or better: where the issue's >= 95 % first
  // pass and >= 99 % after confirmation goals apply.
  bool easy() const { return noise == Noise::kNone || snrDb >= 20; }
};

// The matrix: every way of speaking × {clean, steady 20/10 dB, babble 20/10 dB, -6 dB, -20 dB,
// loud +6 dB}; noise at the voice's own level, level changes without noise.
std::vector<Condition> conditionMatrix();

// What the caller says for `digits` in `way`: continuous, one chunk ("nine oh six two seven four
// five one", "double" for some repeated digits); digits, one chunk per digit; grouped, one chunk
// per group (digitGroups: 8 -> 4 4, 6 -> 3 3; 4 -> 2 2). "oh" or "zero" at random.
std::vector<std::string> chunksFor(const std::string& digits, Way way, std::mt19937& rng);

// Six talkers (flite voices at different speeds) saying digit strings and call-centre phrases,
// summed: the babble bed noise segments are cut from. Call once, before render().
void buildBabble(unsigned seed);

// The line's audio for one utterance; nullopt when synthesis failed.
std::optional<std::vector<int16_t>> render(const Voice& voice,
                                           const std::vector<std::string>& chunks, Way way,
                                           double rate, const Condition& condition, uint64_t seed);

// Where the speech's voiced part lies in a rendering: [first, last) in samples, from the first
// to the end of the last 10 ms frame within 30 dB of the loudest (the synthesised speech, before
// level and noise: a digit's vowel, not the tail of a fading consonant).
struct VoicedSpan {
  size_t first = 0, last = 0;
};

// The same rendering inside a stretch of its line, as a call carries it: `before` and `after`
// samples of digital silence around the speech, then level, noise (the same SNR against the same
// speech, so the noise bed runs on at the same level; a clean line stays the G.711 idle line)
// and the G.711 round trip, exactly as render() does. `voiced` gets the span in the result.
// pauseScale stretches the pauses between chunks.
std::optional<std::vector<int16_t>> renderInLine(const Voice& voice,
                                                 const std::vector<std::string>& chunks, Way way,
                                                 double rate, const Condition& condition,
                                                 uint64_t seed, size_t before, size_t after,
                                                 VoicedSpan* voiced, double pauseScale = 1.0);

}  // namespace callgate::asrbench
