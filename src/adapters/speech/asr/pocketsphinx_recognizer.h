// PocketsphinxRecognizer: the SpeechRecognizer port over CMU pocketsphinx (en-us continuous
// model, 16 kHz). Telephone audio (8 kHz) is upsampled with speexdsp, then the whole endpointed
// utterance is decoded in one batch (ps_process_raw with full_utt, so cepstral mean
// normalisation uses the whole utterance) against the grammar's JSGF.
//
// Before a digit slot's decode, pauses longer than maxPauseMs inside the utterance are cut down to
// it (a caller reading digits one by one pauses as long as they speak, and the batch cepstral
// mean would take in as much silence as speech: digit-by-digit first pass in bench-asr 34 % ->
// 50 %, docs/PERFORMANCE.md). Yes/no answers and other grammars keep their audio as it came:
// one word has no pause to cut, and the yes/no confidence was calibrated on the whole audio. Then
// white noise (noiseBelowSpeechDb under the utterance's loud frames) is added over the whole
// 16 kHz band: TTS and codec audio has digital silence and nothing above 4 kHz, which the
// wideband model never saw; this alone moved the benchmark's first pass by ~20 points
// (docs/PERFORMANCE.md).
//
// Alternatives: after a digit-grammar decode, the word lattice's N-best list (ps_nbest, A*) is
// read, up to nbestDepth hypotheses; Recognition::alternatives are the first readings whose
// digits differ from the result's and each other's and whose length is in the grammar's range
// (Grammar::minDigits..maxDigits; the lattice forgets the grammar state, so some paths are not
// in the grammar), at most speech::kMaxAlternatives. `gap` is the per-frame path-score
// difference between the result's digits and the first alternative (0 when an alternative ranks
// above it; -1 when the lattice has none). A slot of several lengths is read length first (the
// lattice of such a grammar is large and its N-best list slow to read): decoded without the
// list, then against the length heard, with it, and against the slot's other lengths; the best
// reading of another length is an alternative too (first when it is the closer), and `gap` the
// smaller of the margin over the first alternative and over it. A pause check
// (Grammar::partialEntry) is read for its text alone, without the list.
//
// Confidence (0..1) of a digit result. Default, ConfidenceFrom::kNbestGap: one decode;
// 1 - exp(-gap / gapScale); speech::kNoRivalConfidence when there is no other reading at all
// (no alternative is not certainty). On the benchmark it separates right from wrong first
// results far better than the older second opinion (P(right scores above wrong) 0.90 vs 0.63)
// and saves the second decode.
// ConfidenceFrom::kSecondOpinion (kept for comparison): the utterance is decoded again against
// the free digit loop (speech::digitLoopGrammar()); closeness = exp(-margin / marginScale), where
// margin is how much better (per frame, in the decoder's log domain) the loop's path scored than
// the grammar's; confidence = 0.5 + 0.5 * closeness when both give the same digits, else
// 0.5 * closeness. A yes/no answer is decoded twice: against yesNoGrammar, then against only the
// other answer's words (speech::answerGrammar); its confidence is 1 - exp(-gap / yesNoGapScale),
// gap being how much better (per frame) the answer's path scored than the other answer's best
// (kNoRivalConfidence when that decode finds nothing; the N-best lattice of a one-word grammar
// rarely holds the rival, so it cannot be used here). A read-back's "yes" confirms an id, so it
// is trusted only by its margin over "no" (speech::SpeechTurn). Other
// grammars (a Lex bot's intents) get confidence 1 for any result. pocketsphinx's own lattice
// posterior (ps_get_prob) is always ~1 under a JSGF grammar, so it is not used.
//
// Frame rate: a digit entry said slowly (see PocketsphinxOptions::slowFrameRate) is decoded at a
// lower frame rate; and a digit entry is read at several warps of the frequency axis
// (PocketsphinxOptions::warps). pocketsphinx fixes both when a decoder starts, so each pooled
// decoder holds one ps_decoder_t per rate and warp (about 6 MB each before grammars).
//
// Ownership: owns a pool of decoders, created lazily up to maxDecoders and reused; each
// ps_decoder_t compiles a grammar once (ps_set_jsgf_string, by Grammar::name) and keeps it.
// Thread-safety: recognize() is thread-safe; at most maxDecoders decodes run at once, further
// callers wait for a free decoder. Never logs transcripts; pocketsphinx's own log is silenced.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "core/speech/recognizer.h"

namespace callgate::asr {

inline constexpr double kMinWarp = 0.8;
inline constexpr double kMaxWarp = 1.25;

// Where a digit result's confidence comes from (see above).
enum class ConfidenceFrom { kSecondOpinion, kNbestGap };

struct PocketsphinxOptions {
  std::string modelDir = "/usr/share/pocketsphinx/model/en-us/en-us";
  // The shipped dictionary of the grammar words (cmudict pronunciations plus variants); path
  // relative to the working directory (the repository root for `make run`), or absolute.
  std::string dictionary = "share/speech/digits.dict";
  // Where the pronunciations of other grammar words come from (speech::Grammar::words, e.g. a Lex
  // bot's utterances): read once, on the first grammar that needs a word the dictionary lacks.
  std::string wordDictionary = "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict";
  // A global MLLR transform of the model's means to the telephone channel (pocketsphinx -mllr),
  // made by bench/asr/adapt.sh with sphinxtrain on G.711 speech of voices the benchmark does not
  // use; same path rules as the dictionary. Empty: the model as Debian ships it.
  std::string mllr = "share/speech/telephone.mllr";
  int maxDecoders = 2;
  int resamplerQuality = 10;  // speex resampler quality 0..10
  int paddingMs = 0;          // silence added before and after the utterance
  // Pauses longer than this are shortened to it before decoding (see above); 0 keeps them.
  int maxPauseMs = 100;
  // White noise added at 16 kHz (see above), this many dB below the utterance's loud frames
  // (asr::noiseRmsFor): RMS 10 in 16-bit steps for speech whose loud frames are at -12.5 dBFS,
  // the benchmark's nominal level, so a quiet caller gets it as far below the speech as a loud
  // one (a fixed RMS cost a quiet human voice 3 of 12 entries). 0 = none.
  double noiseBelowSpeechDb = 57.8;
  double silenceProbability = 1.0;  // pocketsphinx -silprob (its default 0.005)
  bool removeNoise = false;         // pocketsphinx -remove_noise (its default yes)
  // Gaussians scored per codebook and frame (pocketsphinx -topn, its default 4; the en-us model
  // has 128 per codebook). 16 heard 3.2 points more of the benchmark's clean and 20 dB entries
  // right on the first pass than 4, for about 45 % more decoding CPU (docs/PERFORMANCE.md).
  int gaussians = 16;
  // Frames per second of audio (pocketsphinx -frate, the model's own 100). Fewer frames over the
  // same 25.6 ms windows read speech as if it were said faster: callers reading digits off a
  // card speak more slowly than the speech the model was trained on. See docs/PERFORMANCE.md
  // ("Fewer frames per second").
  int frameRate = 85;
  // A digit entry said slowly is decoded at slowFrameRate instead: one whose speech (pauses
  // shortened as above) takes slowFromMsPerDigit or more per digit the slot expects (a slot of
  // several lengths: the middle of its range for the pass that reads the length, then the length
  // heard; see decode()). A recorded human voice reading digits one by one took 716 ms a digit;
  // the synthetic voices of the benchmark rarely are that slow. A pause check
  // (Grammar::partialEntry) holds an unknown number of digits, so it stays at frameRate.
  // 0 never switches. See docs/PERFORMANCE.md ("A frame rate for slow speech").
  int slowFrameRate = 75;
  int slowFromMsPerDigit = 600;
  // Vocal tract length normalisation: a whole digit entry is read with the frequency axis warped
  // by each of these factors (pocketsphinx -warp_type inverse_linear: frequencies divided by the
  // factor, so above 1 a shorter vocal tract's formants move down towards the model's), and the
  // reading whose path scores best per frame is taken. The first factor is read with the N-best
  // list, the others without it; the winner, if another, is read again with it. Answers, pause
  // checks and other grammars are read as heard (1). Each factor other than 1 is one more
  // pocketsphinx instance per frame rate in every pooled decoder. Empty or {1}: no warping.
  // Within kMinWarp..kMaxWarp. See docs/PERFORMANCE.md ("Vocal tract length normalisation").
  std::vector<double> warps = {1.0, 1.2};
  // Another warp is taken only if its reading scores this much better per frame than the first
  // warp's: a prior for the first (the spectrum as heard). 0.1 to 0.5 gave the same figures on
  // the benchmark, 0 two synthetic entries fewer right (men's voices read warped).
  double warpMargin = 0.3;
  bool secondOpinion = true;  // kSecondOpinion: decode against the digit loop too
  double marginScale = 1.0;   // per-frame score margin (see above) that divides closeness by e
  // Hypotheses read from the lattice's N-best list for Recognition::alternatives (0 = none).
  int nbestDepth = 60;
  ConfidenceFrom confidence = ConfidenceFrom::kNbestGap;
  // kNbestGap: confidence = 1 - exp(-gap / gapScale); 5.7 puts the 0.6 threshold at a gap of
  // 5.22, just above every wrong first result of the benchmark (5.10, one entry in babble, since
  // the added noise follows the speech's level; 4.66 before; 4.06 at 100 frames a second, and
  // 2.11 before pauses were shortened, which removes frames that scored alike and so raises
  // every per-frame gap; docs/PERFORMANCE.md).
  double gapScale = 5.7;
  // A yes/no answer's confidence: 1 - exp(-gap / yesNoGapScale), gap its per-frame margin over
  // the other answer (see above). 1.4 puts SpeechTurn's yesFrom 0.6 at a gap of 1.28, twice the
  // largest gap of a "no" misheard as "yes" on bench-asr (0.61; docs/SPEECH.md).
  double yesNoGapScale = 1.4;
  // Extra pocketsphinx arguments as name/value pairs ({"-beam", "1e-60"}); tuning experiments.
  std::vector<std::pair<std::string, std::string>> extraArgs;
};

// One decode: what the confidence is made of (the benchmark reads it).
struct Decoding {
  std::string text;         // the grammar result, "" when nothing was recognised
  std::string secondText;   // the second-opinion result ("" when not run)
  double margin = 0.0;      // second-opinion path score minus grammar path score, per frame (>= 0)
  double confidence = 0.0;  // as recognize() reports it
  std::vector<std::string> alternatives;  // as Recognition::alternatives
  double gap = -1.0;   // per frame: best path score minus the first alternative's; -1 when none
  double score = 0.0;  // the result's path score per frame (log base of pocketsphinx's logmath)
  double snrDb = 0.0;  // yes/no answers: the utterance's rough signal-to-noise ratio
  int frameRate = 0;   // frames a second it was decoded at (0 when nothing was decoded)
  double warp = 1.0;   // the vocal tract warp it was read at (PocketsphinxOptions::warps)
};

class PocketsphinxRecognizer final : public speech::SpeechRecognizer {
 public:
  // kNotFound naming the file when the model directory (its mdef), the dictionary or the MLLR
  // transform is missing;
  // kInvalidArgument for maxDecoders < 1, a resampler quality outside 0..10, a frame rate
  // outside 50..200 or a warp outside kMinWarp..kMaxWarp; kInternal when pocketsphinx cannot start,
  // e.g. on a file that is not an MLLR transform (the first decoder is created here, to fail early;
  // the message names the model and the transform).
  static Result<std::unique_ptr<PocketsphinxRecognizer>> create(PocketsphinxOptions options);
  ~PocketsphinxRecognizer() override;
  PocketsphinxRecognizer(const PocketsphinxRecognizer&) = delete;
  PocketsphinxRecognizer& operator=(const PocketsphinxRecognizer&) = delete;

  Result<speech::Recognition> recognize(std::span<const int16_t> audio,
                                        const speech::Grammar& grammar) override;
  // The same decode with its parts. kInvalidArgument for a grammar pocketsphinx cannot compile
  // (also one with a word that neither dictionary knows).
  Result<Decoding> decode(std::span<const int16_t> audio, const speech::Grammar& grammar);
  // The 16 kHz samples a decode hands pocketsphinx for this 8 kHz audio (a digit slot's: pauses
  // shortened; upsampled, padded, with the added noise); empty when the resampler fails. For
  // tools that compute features the way decoding does (bench/asr's adaptation corpus).
  std::vector<int16_t> frontEnd(std::span<const int16_t> audio, bool digitSlot = true) const;
  // The frame rate decode() first uses for this grammar and front-end output (16 kHz samples).
  // A slot of several lengths is then decoded again at the rate of the length heard (decode()).
  int frameRateFor(const speech::Grammar& grammar, size_t wideSamples) const;

  int decodersCreated() const;

 private:
  struct Engine;
  struct Decoder;
  class Lease;
  explicit PocketsphinxRecognizer(PocketsphinxOptions options);
  // Whether the grammar's entries are read at the rate their pace calls for (a whole digit
  // entry, the slow rule on), and that rate for `digits` said in wideSamples of front-end audio.
  bool judgesPace(const speech::Grammar& grammar) const;
  int rateForPace(size_t wideSamples, double digits) const;
  Result<std::unique_ptr<Engine>> newEngine(int frameRate, double warp) const;
  Result<std::unique_ptr<Decoder>> newDecoder() const;
  Result<std::unique_ptr<Decoder>> acquire();
  void release(std::unique_ptr<Decoder> decoder);

  const PocketsphinxOptions options_;
  mutable std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<Decoder>> free_;
  int created_ = 0;
};

}  // namespace callgate::asr
