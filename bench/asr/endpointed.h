// asr_bench --endpointer: the corpus as a call hears it. Each rendering (its level, noise and
// G.711 as conditions.h makes it) is put inside a stretch of its own line: 1.0 s before, given
// to speech::Endpointer::observe() as a prompt period would be, then the utterance and 1.5 s of
// line after (--line-after), fed in 20 ms frames as the media path does. The endpointer's first cut
// is decoded (what a call decodes), next to the whole rendering's first pass (as the default run
// decodes it). Per condition: missed starts, cuts that hold only noise, cuts that end before the
// speech's last voiced part (a pause taken for the end), cuts that begin after its first voiced
// part, no end within the 1.5 s, and the two first passes. Used by asr_bench only.
// Thread-safety: runEndpointed() runs `threads` workers over the items; call it once.
#pragma once

#include <string>
#include <vector>

#include "adapters/speech/asr/pocketsphinx_recognizer.h"
#include "bench/asr/conditions.h"
#include "bench/asr/report.h"
#include "core/speech/endpointer.h"
#include "core/speech/grammar.h"
#include "core/speech/speech_turn.h"

namespace callgate::asrbench {

struct EndpointedOptions {
  // The endpointer's own options: the shipped defaults, changed by the flags that measure
  // another gate, floor, level, end silence or pre-roll.
  speech::EndpointerOptions endpointer;
  int lineAfterMs = 1500;  // line fed after the utterance
  // What the channel tells the endpointer a whole entry needs (speech::Listen::minSpeechMs): this
  // much per digit of the item; 0: nothing (every utterance is complete at endSilenceMs).
  int msPerDigit = speech::kShortestMsPerDigit;
  // The pauses between digits or groups, times this (--pause-scale 2: a caller reading slowly
  // off a card, 0.6-1.2 s between digits, 1.0-1.5 s between groups).
  double pauseScale = 1.0;
  // The pause check's weight per further digit (speech::pauseCheckGrammar; --pause-weight).
  double pauseWeight = speech::kPauseCheckDigitWeight;
  int threads = 1;
  std::string details;  // TSV of every utterance, when not empty
};

// Decodes every item both ways and prints the per-condition table (markdown) and the totals.
// Returns the process's exit status.
int runEndpointed(asr::PocketsphinxRecognizer& rec, const std::vector<Item>& items,
                  const std::vector<Condition>& matrix, const EndpointedOptions& options);

}  // namespace callgate::asrbench
