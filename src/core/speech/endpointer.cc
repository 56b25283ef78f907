#include "core/speech/endpointer.h"

#include <algorithm>
#include <cmath>

namespace callgate::speech {

namespace {

constexpr size_t kSampleRate = 8000;
constexpr size_t kBlock = 80;               // 10 ms: the unit of every decision
constexpr size_t kMaxTrailing = 1600;       // 200 ms of trailing silence kept
constexpr size_t kCandidateGapMs = 60;      // a dip this long inside a start is still a start
constexpr size_t kCandidateSlackMs = 1000;  // a start spread over longer than this is noise
constexpr double kHysteresisDb = 4;
constexpr double kFloorFall = 0.3;     // per block, towards a quieter level
constexpr double kFloorRise = 0.01;    // per block, towards a louder one (~1 s)
constexpr double kSilenceDbfs = -100;  // the level of digital silence
constexpr double kFullScale = 32768.0 * 32768.0;
// Periodicity (voicing): normalised autocorrelation over the last kPitchWindow samples, at lags
// of a voice's pitch (60–400 Hz at 8 kHz). A vowel scores 0.7–0.95, hiss, a fan or a breath
// near 0.1–0.3.
constexpr size_t kPitchWindow = 240;             // 30 ms: two periods of a 60 Hz voice
constexpr size_t kMinLag = 20;                   // 400 Hz
constexpr size_t kMaxLag = 133;                  // 60 Hz
constexpr size_t kPeriodicToStart = 3 * kBlock;  // 30 ms of periodic blocks in a start

size_t samplesFor(int ms, int minimumMs) {
  return static_cast<size_t>(std::max(ms, minimumMs)) * kSampleRate / 1000;
}

}  // namespace

Endpointer::Endpointer(EndpointerOptions options)
    : options_(options),
      startSamples_(samplesFor(options.startMs, 10)),
      endSilenceSamples_(samplesFor(options.endSilenceMs, 10)),
      incompleteSilenceSamples_(
          std::max(samplesFor(options.incompleteSilenceMs, 10), endSilenceSamples_)),
      maxSpeechSamples_(std::max(samplesFor(options.maxSpeechMs, 10), startSamples_)),
      preRollSamples_(samplesFor(options.preRollMs, 0)),
      maxCandidateSamples_(startSamples_ + kCandidateSlackMs * kSampleRate / 1000),
      maxGapSamples_(kCandidateGapMs * kSampleRate / 1000),
      floorDb_(options.minLevelDbfs - options.marginDb),
      typicalDb_(floorDb_) {
  options_.minPeriodicity = std::clamp(options_.minPeriodicity, 0.0, 1.0);
  ring_.assign(preRollSamples_ + maxCandidateSamples_ + kBlock, 0);
  utterance_.reserve(preRollSamples_ + std::max(maxSpeechSamples_, maxCandidateSamples_) +
                     2 * kBlock);
}

bool Endpointer::speaking() const { return state_ == State::kSpeaking; }

Endpointer::Event Endpointer::feed(std::span<const int16_t> frame) {
  Event result = Event::kNone;
  const int pausesBefore = pauses_;
  for (const int16_t sample : frame) {
    if (state_ == State::kEnded) break;
    push(sample);
    if (blockFill_ < kBlock) continue;
    const Event event = endOfBlock();
    if (event != Event::kNone) result = event;  // an end outranks the start it implies
  }
  // A pause is reported only if it lasts to the end of the frame: one that speech cleared later
  // in the frame leaves nothing to check (utteranceSoFar() is empty) and is not counted.
  if (result == Event::kPause && !paused_) {
    pauses_ = pausesBefore;
    return Event::kNone;
  }
  return result;
}

void Endpointer::push(int16_t sample) {
  const double x = sample;
  blockEnergy_ += x * x;
  ++blockFill_;
  if (state_ == State::kSpeaking) {
    utterance_.push_back(sample);  // within the reserved capacity: maxSpeech ends it first
    ++speechSamples_;
    return;
  }
  ring_[ringNext_] = sample;
  ringNext_ = (ringNext_ + 1) % ring_.size();
  ringCount_ = std::min(ringCount_ + 1, ring_.size());
  if (state_ == State::kCandidate) ++candidateSamples_;
}

void Endpointer::observe(std::span<const int16_t> frame) {
  if (state_ != State::kWaiting) return;
  for (const int16_t sample : frame) {
    const double x = sample;
    blockEnergy_ += x * x;
    if (++blockFill_ < kBlock) continue;
    trackFloor(takeBlockLevel());
  }
}

double Endpointer::takeBlockLevel() {
  const double meanSquare = blockEnergy_ / static_cast<double>(blockFill_);
  blockEnergy_ = 0;
  blockFill_ = 0;
  return meanSquare > 0 ? std::max(kSilenceDbfs, 10 * std::log10(meanSquare / kFullScale))
                        : kSilenceDbfs;
}

// Not speaking: the floor follows the line, quickly down, slowly up. While it is still learning
// the line (the first kLearnMs) it is the quietest block heard: steady noise is the line at
// once, and a caller who speaks early is not (the pauses between words are quieter). The typical
// level is learned and tracked next to it (NoiseFloor, endpointer.h): the median block while
// learning, then an average at the slow rate both ways, since a fast fall would pull it to the
// noise's quiet moments again.
void Endpointer::trackFloor(double level) {
  if (learnedBlocks_ < learnLevels_.size()) {
    // Kept sorted: the median of what was heard so far is the typical level at every block.
    const auto end = learnLevels_.begin() + static_cast<std::ptrdiff_t>(learnedBlocks_);
    const auto at = std::upper_bound(learnLevels_.begin(), end, level);
    std::move_backward(at, end, end + 1);
    *at = level;
    typicalDb_ = learnLevels_[learnedBlocks_ / 2];
    floorDb_ = learnedBlocks_++ == 0 ? level : std::min(floorDb_, level);
    return;
  }
  floorDb_ += (level < floorDb_ ? kFloorFall : kFloorRise) * (level - floorDb_);
  typicalDb_ += kFloorRise * (level - typicalDb_);
}

double Endpointer::startFloor() const {
  return options_.noiseFloor == NoiseFloor::kTypical ? typicalDb_ : floorDb_;
}

double Endpointer::keepFloor() const {
  return options_.noiseFloor == NoiseFloor::kQuietest ? floorDb_ : typicalDb_;
}

Endpointer::Event Endpointer::endOfBlock() {
  const double level = takeBlockLevel();
  const double startThreshold = std::max(options_.minLevelDbfs, startFloor() + options_.marginDb);

  if (state_ == State::kSpeaking) {
    const double keepThreshold =
        std::max(options_.minLevelDbfs, keepFloor() + options_.marginDb - kHysteresisDb);
    speechMinDb_ = std::min(speechMinDb_, level);
    silenceRun_ = level > keepThreshold ? 0 : silenceRun_ + kBlock;
    if (silenceRun_ == 0) paused_ = false;
    if (silenceRun_ >= incompleteSilenceSamples_ ||
        (silenceRun_ >= endSilenceSamples_ && expectedSamples_ == 0)) {
      finish(silenceRun_);
      return Event::kSpeechEnded;
    }
    // An answer expected: after enough speech, the end silence is a pause the channel judges.
    if (silenceRun_ >= endSilenceSamples_ && !paused_ &&
        speechSamples_ - silenceRun_ >= expectedSamples_) {
      paused_ = true;
      ++pauses_;
      return Event::kPause;
    }
    if (speechSamples_ >= maxSpeechSamples_) {
      // Nothing quieter than speechMinDb_ came for the whole maximum: that was the background.
      floorDb_ = std::max(floorDb_, speechMinDb_);
      typicalDb_ = std::max(typicalDb_, speechMinDb_);
      finish(silenceRun_);
      return Event::kMaxSpeech;
    }
    return Event::kNone;
  }

  const bool voiced = level > startThreshold;
  trackFloor(level);

  if (state_ == State::kWaiting) {
    if (!voiced) return Event::kNone;
    state_ = State::kCandidate;
    candidateSamples_ = kBlock;  // the block just measured is already in the ring
    candidateVoiced_ = 0;
    candidateGap_ = 0;
    candidatePeriodic_ = 0;
  }
  if (voiced) {
    candidateVoiced_ += kBlock;
    candidateGap_ = 0;
    // Measured only until the start has enough: the autocorrelation is the costly part.
    if (options_.minPeriodicity > 0 && candidatePeriodic_ < kPeriodicToStart &&
        lastWindowIsPeriodic()) {
      candidatePeriodic_ += kBlock;
    }
  } else {
    candidateGap_ += kBlock;
  }
  if (candidateGap_ > maxGapSamples_ || candidateSamples_ > maxCandidateSamples_) {
    state_ = State::kWaiting;  // a click or a burst of noise, not the start of speech
    return Event::kNone;
  }
  // Loud is not enough: a start holds a voice's periodicity too (vowels; "six" starts with a
  // hiss, but its vowel follows within the slack), so a burst of line noise or a fan switched
  // on does not barge in on a prompt.
  const bool periodicEnough =
      options_.minPeriodicity <= 0 || candidatePeriodic_ >= kPeriodicToStart;
  if (candidateVoiced_ < startSamples_ || !periodicEnough) {
    return Event::kNone;
  }
  startSpeech();
  speechMinDb_ = level;
  return Event::kSpeechStarted;
}

bool Endpointer::lastWindowIsPeriodic() {
  const size_t n = std::min(ringCount_, kPitchWindow);
  if (n < 2 * kMinLag) return false;
  double mean = 0;
  size_t filled = 0;
  forLastSamples(n, [&](int16_t sample) {
    pitchWindow_[filled++] = sample;
    mean += sample;
  });
  mean /= static_cast<double>(n);
  for (size_t k = 0; k < n; ++k) pitchWindow_[k] -= static_cast<float>(mean);
  double best = 0;
  for (size_t lag = kMinLag; lag <= std::min(kMaxLag, n / 2); ++lag) {
    double cross = 0;
    double head = 0;
    double tail = 0;
    for (size_t i = 0; i + lag < n; ++i) {
      const double a = pitchWindow_[i];
      const double b = pitchWindow_[i + lag];
      cross += a * b;
      head += a * a;
      tail += b * b;
    }
    if (head > 0 && tail > 0) best = std::max(best, cross / std::sqrt(head * tail));
  }
  return best >= options_.minPeriodicity;
}

void Endpointer::startSpeech() {
  utterance_.clear();
  forLastSamples(std::min(ringCount_, preRollSamples_ + candidateSamples_),
                 [this](int16_t sample) { utterance_.push_back(sample); });
  ringCount_ = 0;
  speechSamples_ = candidateSamples_;
  silenceRun_ = candidateGap_;
  state_ = State::kSpeaking;
}

void Endpointer::finish(size_t trailingSilence) {
  const size_t trailing = std::min(trailingSilence, utterance_.size());
  utterance_.resize(utterance_.size() - trailing + std::min(trailing, kMaxTrailing));
  state_ = State::kEnded;
}

std::vector<int16_t> Endpointer::takeUtterance() {
  if (state_ != State::kEnded) return {};
  std::vector<int16_t> out(utterance_.begin(), utterance_.end());
  reset();
  return out;
}

void Endpointer::reset() {
  state_ = State::kWaiting;
  blockEnergy_ = 0;
  blockFill_ = 0;
  ringNext_ = 0;
  ringCount_ = 0;
  candidateSamples_ = candidateVoiced_ = candidateGap_ = candidatePeriodic_ = 0;
  utterance_.clear();
  speechSamples_ = 0;
  silenceRun_ = 0;
  expectedSamples_ = 0;
  paused_ = false;
  pauses_ = 0;
}

void Endpointer::expectSpeech(int ms) { expectedSamples_ = samplesFor(ms, 0); }

std::vector<int16_t> Endpointer::utteranceSoFar() const {
  if (state_ != State::kSpeaking || !paused_) return {};
  return utterance_;
}

std::vector<int16_t> Endpointer::endNow() {
  if (state_ != State::kSpeaking || !paused_) return {};
  finish(silenceRun_);
  return takeUtterance();
}

}  // namespace callgate::speech
