// SpeechRecognizer: the ASR port. One call decodes one endpointed utterance of telephone audio
// against a grammar (core/speech/grammar.h) and returns the words heard with a confidence.
// Implementations (adapters/asr/) are thread-safe; recognize() blocks: call it on the worker
// pool, never on an Asio/media thread. Transcripts may be PINs: implementations never log them.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "core/speech/grammar.h"

namespace callgate::speech {

struct Recognition {
  std::string text;  // the decoded words, lower case, space separated ("five oh five seven");
                     // empty = nothing in the grammar was heard
  double confidence = 0.0;  // 0..1; how it is computed is the recognizer's (documented there)
  // The next most likely readings of the same audio, best first, at most kMaxAlternatives: each
  // one a different digit string (after spokenDigits()) from `text` and from every other entry.
  // Empty when the recognizer has none (or the grammar is not a digit grammar). SpeechTurn reads
  // them back after a "no" before it asks the caller to repeat.
  std::vector<std::string> alternatives;
};

inline constexpr int kMaxAlternatives = 4;

// The confidence of a digit reading with no rival in the decoder's N-best list. An empty list is
// not certainty (a pruned lattice holds one path whether or not it is right; the benchmark saw
// misheard ids with no alternative), so it is reported below any threshold an operator would
// trust and the reading goes to a read-back.
inline constexpr double kNoRivalConfidence = 0.5;

class SpeechRecognizer {
 public:
  virtual ~SpeechRecognizer() = default;
  // audio: 8 kHz mono 16-bit linear PCM (telephone audio as the media path decodes it).
  virtual Result<Recognition> recognize(std::span<const int16_t> audio, const Grammar& grammar) = 0;
};

}  // namespace callgate::speech
