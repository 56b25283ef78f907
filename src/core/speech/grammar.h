// Speech grammars: the JSGF documents the recognizer decodes against, generated from the slot a
// flow expects (a digit string of bounded length, or a yes/no confirmation answer). Pure (std
// only); the recognizer adapter compiles them and caches the compiled form by Grammar::name.
//
// Form of digitGrammar's JSGF. Exact length is encoded by one rule per remaining length:
//   <nK> = <d> <nK-1> | double <d> <nK-2> | triple <d> <nK-3>;   (<d>: one digit word)
// pocketsphinx (sphinxbase 0.8 jsgf) expands every rule reference inline, so this tree grows
// like the tribonacci numbers (10609 paths for 16 digits; measured here: 9 ms to compile 8
// digits, 33 ms for 10). Above kMaxDoubleDigits digits the grammar therefore admits plain
// digits only (no double/triple), which keeps every grammar for 1..16 digits (and every range)
// under 15 ms to compile; the strings admitted are still exactly those of the allowed lengths.
// Thread-safety: plain functions over values.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace callgate::speech {

inline constexpr int kMaxSpokenDigits = 16;
// Longest slot whose grammar also admits "double"/"triple" (see above).
inline constexpr int kMaxDoubleDigits = 8;

struct Grammar {
  std::string name;  // stable cache key, e.g. "digits-4-4", "yes-no"; [a-z0-9-] only
  std::string jsgf;  // a complete JSGF document ("#JSGF V1.0; grammar ...; public <...> = ...;")
  // digitGrammar's: the lengths it admits (the recogniser keeps alternatives of these lengths);
  // 0 for every other grammar.
  int minDigits = 0;
  int maxDigits = 0;
  // Every word the JSGF uses, for grammars whose words go beyond the shipped digit dictionary
  // (intentGrammar's): a recogniser adds the pronunciations it lacks before compiling. Empty for
  // the digit and yes/no grammars.
  std::vector<std::string> words;
  // pauseCheckGrammar's: the audio may hold only part of the entry, so its length says nothing
  // of how fast the caller speaks (the recogniser's frame rate for slow speech).
  bool partialEntry = false;

  bool isDigitSlot() const { return maxDigits > 0; }
  // yesNoGrammar()'s: the recogniser scores its answer against the other answer's words.
  bool isYesNo() const { return name == kYesNoName; }

  static constexpr std::string_view kYesNoName = "yes-no";
};

// Digit strings of minDigits..maxDigits digits (1 <= min <= max <= kMaxSpokenDigits; values
// outside are clamped, and min > max is read as min = max): words zero, oh, one..nine, and
// "double"/"triple" before a digit counting as two/three digits (up to kMaxDoubleDigits), so the
// grammar admits exactly the strings of allowed length.
Grammar digitGrammar(int minDigits, int maxDigits);

// A slot of several lengths (digitGrammar(min, max), min < max) without `length`: the rival
// readings of another length, for a recogniser that read the entry's length first (so its
// confidence still weighs them). nullopt for a slot of one length, or a length outside it.
std::optional<Grammar> otherLengthsGrammar(const Grammar& slot, int length);

// Any number of digit words (1..kMaxSpokenDigits words, no double/triple): the free digit loop,
// used as the baseline of the benchmark and as the second opinion for confidence.
Grammar digitLoopGrammar();

// A pause in a spoken digit entry (Endpointer kPause) is checked by decoding the speech so far
// against pauseCheckGrammar(entry), digits 1..entry.maxDigits; the entry is whole there when the
// text holds at least entry.minDigits digits (entryIsWhole). The SIP channel and the benchmark
// both judge pauses this way.
// Every digit the check hears costs perDigitWeight (1e-18..1; JSGF weights on the digit words,
// "double" and "triple" counted as the digits they add), so that a breath, a noise or a digit
// heard twice in the pause does not make a partial entry look whole; a whole entry the check
// reads short only waits for incompleteSilenceMs. The shipped weight was chosen on the speech
// benchmark (docs/PERFORMANCE.md, "A pause checked with a price on every digit").
inline constexpr double kPauseCheckDigitWeight = 1e-15;
Grammar pauseCheckGrammar(const Grammar& entry, double perDigitWeight = kPauseCheckDigitWeight);
bool entryIsWhole(const Grammar& entry, std::string_view heard);

// Confirmation answers: yes, yeah, yep, correct, right, that's right / no, nope, wrong,
// incorrect (plus the digit words "one" and "two", the keypad answers spoken).
Grammar yesNoGrammar();

// One half of yesNoGrammar: only its yes words (yes = true) or only its no words. The recogniser
// decodes a yes/no answer again against the other half, so the answer's confidence is its
// margin over the best reading of the other answer, which the N-best lattice rarely holds.
Grammar answerGrammar(bool yes);

}  // namespace callgate::speech
