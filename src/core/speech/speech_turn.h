// One speech-enabled input (a CollectDigits with speech on) as a pure dialog: the channel plays
// what a Listen says, recognises the caller's speech against its grammar, feeds back what it heard
// (or the keys, or the time-out), and repeats until a Finished tells it what to hand the Session
// (DigitsCollected{digits}, or InputTimedOut for nullopt). Recognition and timers stay in the
// channel; the dialog rules (confirmation turn, re-prompts, attempt limit) live here so every
// channel behaves the same.
//
// The rules: a spoken entry that is in range and confident is taken (never with confirmBelow 1,
// the default); one said with low confidence,
// one shorter than the expected minimum, or any one when the flow asks to always confirm is read
// back digit by digit ("I heard 1 2 3 4. If that is right, press 1 or say yes. ...") and taken on
// yes / key 1. A spoken yes counts only with confidence >= yesFrom (SpeechTurnOptions), and never
// when it is only the word "one" (the keypad answer spoken: in babble, "no" is heard as "one"
// more often than "yes" is): one below it (a "no" misheard as "yes" in noise is exactly that) is
// neither taken nor a no: the same
// digits are asked for by key ("To confirm 1 2 3 4, press 1. If not, press 2."), where key 1
// takes them, key 2 is a no, and speech still counts only as a yes that passes the bar, a no, or
// else as an answer to nothing; the keypad question uses no attempt. A no (spoken, or key 2) to a
// read-back offers the recognizer's next reading of the
// same utterance (Recognition::alternatives: in min..max, different digits, at most
// kMaxOfferedAlternatives per utterance) as "Sorry. Did you say 1 2 3 5? If so, press 1 or say
// yes. ..."; a yes takes it. These offers re-use the utterance and count no attempt. A no when no
// reading is left, any other answer or silence during a read-back, speech that is no number or
// longer than the maximum, all re-prompt ("Sorry, let's try again. " + the prompt) until
// maxAttempts utterances were heard, then give up (nullopt). Keys outside the read-back are the
// entry, exactly as without speech. Silence at the first prompt or a re-prompt is no input.
//
// Parts: a fixed-length entry read back in groups (min = max, 6 digits or more: digitGroups) is,
// after a no with no reading left, taken group by group instead of being asked for whole again
// (one utterance of 8 digits holds twice the chances of a miss of one of 4, and a caller whose
// read-back was half right need not say the right half again). With the rejected reading of the
// expected length at hand, each group of it is checked first ("Let's check it in parts. Were the
// first four digits 1 2 3 4? If so, press 1 or say yes. ..."); a yes takes that group, a no asks
// for it ("Please say the first four digits."), always read back, however sure the recogniser
// is ("I heard 1 2 3 4. ...", with its own alternatives and the same yes rules). The last group is
// not checked when every group before it was confirmed as read: the reading was wrong, so the last
// group is. Each group may be said maxAttempts - 1 times (so parts need maxAttempts >= 2); a group
// not taken by then gives up (nullopt). Keys while a group is asked for: as many as the group is
// long are the group, any other entry is the whole entry. Every group has the caller's yes (or
// keys), so the entry is still never taken unheard; Finished says "speech-confirmed". Each Listen
// of a group names it (Listen::partOffset, partLength), which a channel may log and a benchmark's
// caller needs.
//
// Re-prompts: a text prompt gets the apology in front; an SSML prompt gets it as the first words
// inside <speak>; a stored prompt (promptId) is replayed unchanged, since a recording cannot be
// edited and a separate apology would need a second action the Listen step does not have.
// Prompts are English, like the flows' own.
//
// Secrets: the turn never logs; it keeps only the digits awaiting confirmation (and the
// utterance's alternative readings not yet offered; in parts, the rejected reading and the groups
// taken so far), and drops them as soon as the entry is confirmed or given up on. Transcripts are
// never stored. (The read-back speaks the digits aloud; a flow that enables speech for a PIN has
// accepted that the caller says it.)
//
// Ownership and threads: a plain value owned by the channel's per-call state; not thread-safe
// (one call, one strand).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/flow/actions.h"
#include "core/speech/grammar.h"
#include "core/speech/recognizer.h"

namespace callgate::speech {

// Alternative readings of one utterance offered after a "no" before the caller is asked again.
inline constexpr int kMaxOfferedAlternatives = 2;

// The least time one spoken digit of an entry takes, its share of the pauses included: the
// benchmark's fastest voices say digits in a row at 190-210 ms each, people at 250 and more.
// An utterance shorter than this per expected digit cannot hold the whole entry (Listen).
inline constexpr int kShortestMsPerDigit = 150;

struct SpeechTurnOptions {
  // Confidence below this gets a confirmation turn; 1 (the default): every spoken entry is read
  // back, so a misheard id is never taken without the caller's yes.
  double confirmBelow = 1.0;
  int maxAttempts = 3;  // speech attempts before giving up (the flow then sees no input)
  // A spoken yes to a read-back needs at least this confidence (the recogniser's yes/no margin,
  // calibrated on bench-asr: docs/SPEECH.md); below it the caller is asked for key 1.
  double yesFrom = 0.6;
  // A fixed-length entry of two groups or more rejected whole is taken group by group (see
  // "Parts" above); false: asked for whole again (the benchmark compares the two).
  bool parts = true;
};

// What the channel does next.
struct Listen {
  flow::PlayPrompt
      prompt;       // play it (keys and speech barge in); may be empty text (nothing to play)
  Grammar grammar;  // recognise speech against this
  bool confirming = false;  // true: one key answers (1 yes, 2 no); false: keys are the entry
  // The group of the entry this Listen asks for or reads back: digits [partOffset, partOffset +
  // partLength) of the entry; partLength 0: the whole entry.
  int partOffset = 0;
  int partLength = 0;
  // The shortest an utterance holding the whole answer can be (kShortestMsPerDigit per digit
  // the grammar needs; 0 for a read-back). With it the channel's endpointer takes no pause of a
  // shorter one for the end, and a longer one's pauses are checked for the whole answer before
  // they end it (Endpointer::expectSpeech), so a caller pausing between groups is not cut off.
  int minSpeechMs = 0;
};

struct Finished {
  std::optional<std::string> digits;  // nullopt: no usable input (the channel feeds InputTimedOut)
  std::string how;  // for logs only: "dtmf", "speech", "speech-confirmed", "no-input", "gave-up"
};

using TurnStep = std::variant<Listen, Finished>;

class SpeechTurn {
 public:
  // Expected length: collect.speech.minDigits..maxDigits, clamped to 1..kMaxSpokenDigits (max
  // not below min). options.maxAttempts below 1 counts as 1.
  SpeechTurn(const flow::CollectDigits& collect, SpeechTurnOptions options = {});

  TurnStep start();                           // Listen{collect.prompt, digitGrammar(min,max)}
  TurnStep heard(const Recognition& result);  // a decoded utterance (text may be empty)
  TurnStep keyed(const std::string& keys);    // a complete key entry (terminator stripped), or
                                              // while confirming the answer key
  TurnStep noInput();                         // the channel's time limit passed, nothing came
  int attempts() const;                       // speech attempts so far (logs)
  // Whether the current Listen asks for key 1 or 2 only (after an unsure spoken yes); speech is
  // still heard then, by the same rules (a benchmark's simulated caller presses the key).
  bool askingForKey() const;

  // Once finished, every call answers the same Finished again (a late event changes nothing).
  // Events before start() are taken as answers to the first prompt.

 private:
  enum class State { kListening, kConfirming, kKeyConfirming, kFinished };

  TurnStep finish(std::optional<std::string> digits, std::string how);
  TurnStep confirm(std::string digits, std::string text);
  TurnStep answered(const Recognition& result);  // speech during a read-back
  TurnStep taken(std::string digits);            // confirmed digits: the entry, or a group of it
  TurnStep rejected();  // a no to a read-back: the next alternative, parts, or a re-prompt
  TurnStep retry();
  void keepAlternatives(const std::vector<std::string>& texts, const std::string& best);
  Listen listen(flow::PlayPrompt prompt, Grammar grammar, bool confirming) const;
  Listen listenForEntry(flow::PlayPrompt prompt) const;
  // Parts (see the rules above).
  bool inParts() const { return part_ >= 0; }
  int partOffset() const;
  int partLength() const;
  TurnStep nextPart(std::string_view intro);      // check or ask for group part_, or finish
  TurnStep askPart(std::string_view before);      // ask the caller to say group part_
  TurnStep heardPart(const Recognition& result);  // an utterance while group part_ is asked for

  flow::PlayPrompt prompt_;
  int minDigits_;
  int maxDigits_;
  bool alwaysConfirm_;
  SpeechTurnOptions options_;
  State state_ = State::kListening;
  int attempts_ = 0;
  std::string pending_;                    // digits awaiting a yes, only while confirming
  std::vector<std::string> alternatives_;  // the utterance's readings still to offer, next at back
  std::string reading_;      // the last whole-entry utterance's best reading, until parts begin
  std::vector<int> groups_;  // the entry's groups when it can be taken in parts, else empty
  int part_ = -1;            // the group being taken; -1: the whole entry
  std::string taken_;        // the groups confirmed so far
  std::string rejected_;     // the rejected reading whose groups are checked (may be empty)
  bool checking_ = false;    // the read-back is a check of rejected_'s group
  bool resaid_ = false;      // a group was said again (then the last group is checked too)
  int partTries_ = 0;        // utterances of the current group
  Finished result_;
};

// The read-back of a confirmation turn: "I heard 1 2 3 4, 5 6 7 8. If that is right, press 1 or
// say yes. If not, press 2 or say no." Digits are spaced so text-to-speech says each one, and
// grouped (digitGroups) with a comma between groups, where speech pauses, as people read numbers
// out: a caller checks "1 2 3 4, 5 6 7 8" far more surely than eight digits in one breath.
std::string readBackText(const std::string& digits);

// The group lengths a number of `length` digits is read in: up to 5 digits as one group, longer
// ones in groups of 3 and 4 (threes first, as many fours as fit): 6 -> 3 3, 7 -> 3 4, 8 -> 4 4,
// 10 -> 3 3 4, 12 -> 4 4 4.
std::vector<int> digitGroups(int length);

// `digits` as read out: each digit a word, groups separated by ", " ("1 2 3 4, 5 6 7 8").
std::string spacedDigits(const std::string& digits);

// The question by key after an unsure spoken yes: "To confirm 1 2 3 4, press 1. If not, press 2."
std::string keyConfirmText(const std::string& digits);

// The check of a group of a rejected reading: "Were the first four digits 1 2 3 4? If so, press 1
// or say yes. If not, press 2 or say no." `index` of `count` groups: the first, the next ones,
// the last.
std::string partCheckText(const std::string& digits, int index, int count);

// The request for a group: "Please say the first four digits."
std::string partAskText(int length, int index, int count);

// The read-back of an alternative after a no: "Sorry. Did you say 1 2 3 4? If so, press 1 or
// say yes. If not, press 2 or say no."
std::string alternativeText(const std::string& digits);

// The prompt of a re-prompt (see the rules above). When the prompt does not mention the keys
// ("keypad", "press", "enter", "type", "dial"), the apology also offers them: "Sorry, let's try
// again. You can also use your keypad." A caller the recogniser keeps missing learns the way
// that always works before the last try, not after it.
flow::PlayPrompt sorryPrompt(const flow::PlayPrompt& original);

}  // namespace callgate::speech
