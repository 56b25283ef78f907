// PocketsphinxRecognizer: the SpeechRecognizer port over CMU pocketsphinx (en-us continuous
// model, 16 kHz). Telephone audio (8 kHz) is upsampled with speexdsp, then the whole endpointed
// utterance is decoded in one batch (ps_process_raw with full_utt, so cepstral mean
// normalisation uses the whole utterance) against the grammar's JSGF.
//
// Before decoding, white noise (noiseRms) is added over the whole 16 kHz band: TTS and codec
// audio has digital silence and nothing above 4 kHz, which the wideband model never saw; this
// alone moved the benchmark's first pass by ~20 points (docs/PERFORMANCE.md).
//
// Confidence (0..1): a digit utterance is decoded twice, against the requested grammar and
// against the free digit loop (speech::digitLoopGrammar()). closeness = exp(-margin /
// marginScale), where margin is how much better (per frame, in the decoder's log domain) the
// loop's path scored than the grammar's. When both readings give the same digits,
// confidence = 0.5 + 0.5 * closeness, else 0.5 * closeness. Grammars that are not digit
// grammars (yes/no) get one decode and confidence 1 for any result. pocketsphinx's own lattice
// posterior (ps_get_prob) is always ~1 under a JSGF grammar, so it is not used.
//
// Ownership: owns a pool of ps_decoder_t, created lazily up to maxDecoders and reused; each
// decoder compiles a grammar once (ps_set_jsgf_string, by Grammar::name) and keeps it.
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

#include "core/result.h"
#include "core/speech/recognizer.h"

namespace callgate::asr {

struct PocketsphinxOptions {
  std::string modelDir = "/usr/share/pocketsphinx/model/en-us/en-us";
  // The shipped dictionary of the grammar words (cmudict pronunciations plus variants); path
  // relative to the working directory (the repository root for `make run`), or absolute.
  std::string dictionary = "share/speech/digits.dict";
  int maxDecoders = 2;
  int resamplerQuality = 10;   // speex resampler quality 0..10
  int paddingMs = 0;           // silence added before and after the utterance
  double noiseRms = 10.0;      // white noise added at 16 kHz (RMS, 16-bit steps); 0 = none
  double silenceProbability = 1.0;  // pocketsphinx -silprob (its default 0.005)
  bool removeNoise = false;         // pocketsphinx -remove_noise (its default yes)
  bool secondOpinion = true;   // decode against the digit loop too, for the confidence
  double marginScale = 1.0;    // per-frame score margin (see above) that divides closeness by e
  // Extra pocketsphinx arguments as name/value pairs ({"-beam", "1e-60"}); tuning experiments.
  std::vector<std::pair<std::string, std::string>> extraArgs;
};

// One decode: what the confidence is made of (the benchmark reads it).
struct Decoding {
  std::string text;         // the grammar result, "" when nothing was recognised
  std::string secondText;   // the second-opinion result ("" when not run)
  double margin = 0.0;      // second-opinion path score minus grammar path score, per frame (>= 0)
  double confidence = 0.0;  // as recognize() reports it
};

class PocketsphinxRecognizer final : public speech::SpeechRecognizer {
 public:
  // kNotFound naming the file when the model directory (its mdef) or the dictionary is missing;
  // kInvalidArgument for maxDecoders < 1 or a resampler quality outside 0..10; kInternal when
  // pocketsphinx cannot start (the first decoder is created here, to fail early).
  static Result<std::unique_ptr<PocketsphinxRecognizer>> create(PocketsphinxOptions options);
  ~PocketsphinxRecognizer() override;
  PocketsphinxRecognizer(const PocketsphinxRecognizer&) = delete;
  PocketsphinxRecognizer& operator=(const PocketsphinxRecognizer&) = delete;

  Result<speech::Recognition> recognize(std::span<const int16_t> audio,
                                        const speech::Grammar& grammar) override;
  // The same decode with its parts. kInvalidArgument for a grammar pocketsphinx cannot compile.
  Result<Decoding> decode(std::span<const int16_t> audio, const speech::Grammar& grammar);

  int decodersCreated() const;

 private:
  struct Decoder;
  class Lease;
  explicit PocketsphinxRecognizer(PocketsphinxOptions options);
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
