// Endpointer: finds where one spoken utterance starts and ends in a stream of telephone audio
// (8 kHz mono 16-bit linear PCM), by energy, so the recognizer is given just the utterance and
// the channel knows when the caller started talking (barge-in) and when they stopped.
//
// How it decides (per 10 ms block, whatever the size of the frames fed):
// - A running noise floor (dBFS) follows the line's level while nobody is speaking: it falls
//   quickly to a quieter level and rises slowly (time constant ~1 s), so a steady or slowly
//   rising background is absorbed; it is frozen while speech is in progress. During the first
//   kLearnMs of audio the endpointer sees (fed or observed) the floor is the quietest block so
//   far: the line's level is learned from the call's first audio, not from a guess, so steady
//   noise louder than minLevelDbfs is background before the first input instead of "speech".
//   The line's typical level is tracked next to it (the median block of the first kLearnMs, then
//   an average of the block levels, ~1 s both ways); options.noiseFloor says which threshold
//   stands on which floor.
//   observe() learns from audio outside inputs (the greeting, prompts) without looking for speech.
//   A max-speech cut also lifts it to the quietest block heard during that "utterance" (audio that
//   never fell quieter than that for maxSpeechMs was background, not a caller).
// - A block is voiced when it is louder than both minLevelDbfs and floor + marginDb; once
//   speaking, a block counts as voiced down to 4 dB less (hysteresis), never below minLevelDbfs.
//   By default (NoiseFloor::kTypicalForEnd) the start stands on the quietest floor and the keep
//   threshold on the typical one, so the noise's louder moments do not keep an utterance open.
// - startMs of voiced blocks (gaps of up to 60 ms allowed), at least 30 ms of them periodic like
//   a voice (normalised autocorrelation >= minPeriodicity, 0.5, at a pitch of 60-400 Hz), start
//   speech; the utterance then begins preRollMs before the first of those voiced blocks (kept in
//   a ring buffer). Loud audio without a voice's periodicity (hiss, a fan, a burst of line
//   noise) never starts speech, so it does not barge in on a prompt; it becomes the floor.
// - endSilenceMs of unvoiced blocks end it (kSpeechEnded). With an expectation (expectSpeech):
//   incompleteSilenceMs while it holds less speech than a whole answer needs, and after that
//   endSilenceMs is a pause (kPause) the channel may end it at (endNow), or incompleteSilenceMs
//   ends it. maxSpeechMs after its start it is cut (kMaxSpeech). The utterance keeps at most 200 ms
//   of the trailing silence.
// After an end, further audio is ignored until takeUtterance() or reset().
//
// Memory: every buffer is sized at construction; feed() does not allocate. takeUtterance()
// returns a copy (one allocation per utterance).
// Pure (no I/O); not thread-safe: one per call, used on one thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace callgate::speech {

// Which running floor the thresholds stand on. Two are kept from the blocks heard while nobody
// speaks: the quietest (the quietest block of the first kLearnMs, then quickly down and slowly
// up: a low quantile of the line's levels) and the typical (the median block of the first
// kLearnMs, so a caller speaking in under half of it is still not the line; then an average of
// the block levels in dB, following both ways at the slow rate, ~1 s).
enum class NoiseFloor {
  // Both thresholds on the quietest floor. On a noisy line it sits several dB under the noise's
  // typical level, so while speaking (keep threshold floor + 8 dB) stray noise blocks still count
  // as voiced and the utterance does not end (babble: to maxSpeechMs).
  kQuietest,
  // Both on the typical floor: the noise's louder moments stay under the keep threshold, but
  // the start threshold (+ 12 dB) is above speech only ~10 dB over the noise, which is missed.
  kTypical,
  // The start on the quietest floor (a caller ~10 dB over the noise still starts), the end
  // (keep threshold) on the typical one (the noise's louder moments do not hold it open).
  kTypicalForEnd,
};

struct EndpointerOptions {
  int startMs = 100;  // this much voiced audio starts speech
  // This much silence after speech ends the utterance. 1000, not 800: at 800 a 500-750 ms pause
  // between groups of digits ended a third of clean grouped utterances early, the words' quiet
  // edges lengthening the pause (asr_bench --endpointer: endpointed first pass 34.4 -> 39.6 %,
  // cut early 49 -> 14 of 288; docs/PERFORMANCE.md, 2026-12-06).
  int endSilenceMs = 1000;
  // With an expectation (expectSpeech), the silence that ends an utterance too short for it, or
  // one whose pauses the channel did not end (kPause). A caller reading a long number off a card
  // pauses between groups or digits for longer than a second; an IVR that ends the entry there
  // reads back half of it (VoiceXML's incompletetimeout against its completetimeout).
  // asr_bench --endpointer --pause-scale 2 (pauses 0.6-1.2 s between digits, 1.0-1.5 s between
  // groups), 150 ms per digit expected and each pause checked by a decode: endpointed first pass
  // 23.3 -> 59.0 % of 288 (grouped 1.0 -> 69.8 %, digit by digit 3.1 -> 41.7 %); at the corpus's
  // own pauses 62.2 -> 62.8 %; no utterance lost (docs/PERFORMANCE.md, 2026-12-06).
  int incompleteSilenceMs = 2000;
  int maxSpeechMs = 12000;  // a longer utterance is cut here (ends with reason kMaxSpeech)
  // Audio kept from before the detected start. 500, not 300: a first digit's soft onset (or
  // one under the noise) is voiced too late to start speech, and 300 ms did not reach back to
  // it (asr_bench --endpointer: late start 22 -> 13 of 288, endpointed first pass 60.1 -> 62.2 %,
  // clean and 20 dB 76.4 -> 78.2 %; 400 ms: 61.5 %, 800 ms: 62.2 %; docs/PERFORMANCE.md).
  int preRollMs = 500;
  // Never call anything quieter than this speech. -45, not -40: a caller 20 dB under the
  // benchmark voices' level lost the quiet edges of words at -40, so pauses grew into an end and
  // starts came late (asr_bench --endpointer, clean -20 dB: cut early 10 -> 0, late start
  // 11 -> 3 of 36, endpointed first pass 52.8 -> 75.0 %; no noisy condition moved; -50 gave the
  // same; docs/PERFORMANCE.md, 2026-12-06). Hiss and hum above it still never start speech:
  // they lack a voice's periodicity and become the floor.
  double minLevelDbfs = -45;
  double marginDb = 12;  // speech is this far above the running noise floor
  // A start needs 30 ms of blocks at least this periodic (normalised autocorrelation at a
  // 60-400 Hz pitch; a vowel scores 0.7-0.95, hiss 0.1-0.3). 0: loudness alone starts speech
  // (no voicing check, as before 2026-12-06), kept to measure the gate against.
  double minPeriodicity = 0.5;
  // kTypicalForEnd, not kQuietest: on the quietest floor babble 10-20 dB under the caller held
  // 53 of 72 utterances open past 1.5 s (to maxSpeechMs, 12 s, mostly); on the typical floor the
  // start is too high for speech 10 dB over noise (missed 1 -> 30 of 288). kTypicalForEnd:
  // no end 63 -> 4 of 288, missed unchanged, endpointed first pass 39.2 -> 42.4 % (asr_bench
  // --endpointer --floor, docs/PERFORMANCE.md, 2026-12-06).
  NoiseFloor noiseFloor = NoiseFloor::kTypicalForEnd;
};

// Energy endpointer over 8 kHz 16-bit frames (any size; the media path gives 160 samples).
class Endpointer {
 public:
  // kPause: only with an expectation (expectSpeech): endSilenceMs of silence after the expected
  // amount of speech. The utterance goes on (audio is still taken in); the channel may check what
  // was said so far (utteranceSoFar()) and endNow() if it is whole; otherwise speech resumes, or
  // incompleteSilenceMs of silence ends it (kSpeechEnded).
  enum class Event { kNone, kSpeechStarted, kPause, kSpeechEnded, kMaxSpeech };

  // Options out of range are clamped (times to >= 10 ms, incompleteSilenceMs to >= endSilenceMs,
  // maxSpeechMs to >= startMs, minPeriodicity to [0, 1]).
  explicit Endpointer(EndpointerOptions options = {});

  // Consumes `frame`; returns what happened in it. A frame long enough to hold both a start and
  // an end reports the end (the start is implied). A pause is reported only if the frame ends in
  // it: speech resumed within the frame cancels it.
  Event feed(std::span<const int16_t> frame);
  bool speaking() const;
  // After kSpeechEnded/kMaxSpeech: pre-roll + speech + at most ~200 ms of the trailing silence,
  // and the endpointer waits for the next utterance. Before an end: empty, nothing changes.
  std::vector<int16_t> takeUtterance();
  void reset();  // back to waiting, buffers cleared, noise floor kept, no expectation
  // The next utterance is an answer of at least `ms` of speech (from its start to its last
  // voiced block). Shorter, it is incomplete: only incompleteSilenceMs of silence ends it. Once
  // that long, endSilenceMs of silence is a pause (kPause), not the end: the length of speech
  // cannot tell a whole entry from a slow caller's first digits, so the channel decides (endNow)
  // or incompleteSilenceMs ends it. For that utterance only: takeUtterance() and reset() clear
  // it. 0 (the default): endSilenceMs ends every utterance, and there are no pauses.
  void expectSpeech(int ms);
  // In a pause (kPause reported, no speech since): the utterance so far (a copy); else empty.
  std::vector<int16_t> utteranceSoFar() const;
  // Pauses reported in this utterance; a channel's check names the pause it was made for.
  int pauses() const { return pauses_; }
  bool paused() const { return paused_; }
  // In a pause: ends the utterance there and takes it (as takeUtterance() after an end);
  // otherwise empty, nothing changes.
  std::vector<int16_t> endNow();
  // Audio outside an input (nobody is listening for speech): only the noise floor learns from
  // it. Call it only while not speaking (between utterances); it changes nothing else.
  void observe(std::span<const int16_t> frame);

  static constexpr int kLearnMs = 300;  // fast learning of the floor at the start

  // The running noise floor the start threshold stands on, in dBFS (for logs and tests).
  double noiseFloorDbfs() const { return startFloor(); }

 private:
  enum class State { kWaiting, kCandidate, kSpeaking, kEnded };

  void push(int16_t sample);
  Event endOfBlock();
  double takeBlockLevel();
  void trackFloor(double level);
  double startFloor() const;  // the floor each threshold stands on (NoiseFloor)
  double keepFloor() const;
  void startSpeech();
  // Calls f(sample) for the last n samples in the ring, oldest first (n <= ringCount_).
  template <class F>
  void forLastSamples(size_t n, F&& f) const {
    size_t at = (ringNext_ + ring_.size() - n) % ring_.size();
    for (size_t k = 0; k < n; ++k) {
      f(ring_[at]);
      at = at + 1 == ring_.size() ? 0 : at + 1;
    }
  }
  // Whether the most recent audio in the ring has a voice's periodicity (a pitch of 60–400 Hz).
  bool lastWindowIsPeriodic();
  void finish(size_t trailingSilence);

  EndpointerOptions options_;
  size_t startSamples_;
  size_t endSilenceSamples_;
  size_t incompleteSilenceSamples_;
  size_t maxSpeechSamples_;
  size_t preRollSamples_;
  size_t maxCandidateSamples_;
  size_t maxGapSamples_;

  State state_ = State::kWaiting;
  double floorDb_;            // the quietest floor
  double typicalDb_;          // the typical floor
  double speechMinDb_ = 0;    // quietest block since speech started
  size_t learnedBlocks_ = 0;  // blocks the floor has learned from (up to kLearnMs)
  // The levels of the blocks learned from so far, in ascending order (the typical floor's median).
  std::array<double, kLearnMs / 10> learnLevels_{};

  // The block being measured.
  double blockEnergy_ = 0;
  size_t blockFill_ = 0;

  // Ring of the most recent audio while not speaking (pre-roll + the candidate).
  std::vector<int16_t> ring_;
  size_t ringNext_ = 0;
  size_t ringCount_ = 0;

  size_t candidateSamples_ = 0;  // since the candidate's first voiced block began
  size_t candidateVoiced_ = 0;
  size_t candidateGap_ = 0;
  size_t candidatePeriodic_ = 0;  // of the candidate's voiced samples, those in periodic blocks
  std::array<float, 240> pitchWindow_{};  // scratch for lastWindowIsPeriodic()

  std::vector<int16_t> utterance_;  // capacity reserved at construction
  size_t speechSamples_ = 0;        // since speech began (not counting the pre-roll)
  size_t silenceRun_ = 0;           // trailing unvoiced samples
  size_t expectedSamples_ = 0;      // expectSpeech()
  bool paused_ = false;             // kPause reported, no voiced block since
  int pauses_ = 0;                  // kPause reported in this utterance
};

}  // namespace callgate::speech
