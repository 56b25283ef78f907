// LexBot: a locally defined stand-in for an Amazon Lex bot, which ConnectParticipantWithLexBot
// blocks talk to instead of the Lex service. A bot is a set of intents, each with sample
// utterances ("check my balance", "pay {Amount} dollars") and typed slots; match() finds the intent
// (and slot values) that a caller's words or keys mean. The words come from wherever the channel
// got them: the console simulator's typed line, Twilio's SpeechResult, or the SIP recogniser
// decoding against a grammar built from the same utterances (core/speech/intent_grammar.h).
//
// Bot files (JSON, see docs/FLOWS.md "Lex bots"): callgate's own small format
//   {"name": "Bank", "intents": [{"name": "CheckBalance", "utterances": ["check my balance"],
//     "dtmf": "1", "slots": [{"name": "Account", "type": "AMAZON.Number"}]}],
//    "slotTypes": [{"name": "Kind", "values": [{"value": "savings", "synonyms": ["saving"]}]}]}
// or an exported Lex V2 bot locale in one file: intents with sampleUtterances [{"utterance"}],
// slots with slotTypeName, slotTypes with slotTypeValues [{"sampleValue": {"value"},
// "synonyms": [{"value"}]}] and valueSelectionSetting.resolutionStrategy, optionally inside
// botLocales [{"localeId", ...}] (en_US preferred) or a CloudFormation "Properties" object; keys
// are read in camelCase or PascalCase. Slot types: AMAZON.Number, AMAZON.AlphaNumeric (digits
// only here), AMAZON.Confirmation (Yes/No) and custom types with values; any other type is a load
// error, never ignored.
//
// Matching (match()): the words are normalised (lower case; punctuation dropped; fillers such as
// "uh", "um", "please" dropped) and compared with every utterance. A number slot takes digits said
// or keyed ("one two three", "123", "twenty one"); a custom slot takes one of its values or
// synonyms and resolves to the value (or, with OriginalValue resolution, to the words said). A
// match of the whole input has confidence 1; an utterance found inside a longer input ("uh yes I
// want to check my balance today") has confidence = the share of the input it covers, and counts
// only from kMinPartialConfidence. No match: nullopt (the block reports Lex's FallbackIntent).
// Keys (matchKeys()): an intent's "dtmf" key, else the keyed digits as words.
//
// Ownership: immutable once parsed; shared (std::shared_ptr<const LexBot>) by flows, blocks and
// actions. Thread-safety: const methods only; safe from any thread.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "core/flow/actions.h"

namespace callgate::flow {

// The intent name a bot reports when nothing matched, as Lex V2 does.
inline constexpr std::string_view kFallbackIntent = "FallbackIntent";
inline constexpr double kMinPartialConfidence = 0.5;
// Bounds that keep a bot file and one match cheap.
inline constexpr std::size_t kMaxLexIntents = 100;
inline constexpr std::size_t kMaxLexUtterancesPerIntent = 200;
inline constexpr std::size_t kMaxLexUtteranceWords = 24;
inline constexpr std::size_t kMaxLexSlotValues = 500;
inline constexpr std::size_t kMaxLexInputWords = 48;
inline constexpr std::size_t kMaxLexSpokenDigits = 16;

struct LexSlotValue {
  std::string value;                              // what the slot resolves to
  std::vector<std::vector<std::string>> phrases;  // the value and its synonyms, normalised words
};

struct LexSlotType {
  enum class Kind { kNumber, kValues };
  std::string name;  // "AMAZON.Number" or the custom type's name
  Kind kind = Kind::kValues;
  bool originalValue = false;  // resolve to the words said instead of the value
  std::vector<LexSlotValue> values;
};

// One word of an utterance, or a slot ({Name}).
struct LexToken {
  std::string word;      // normalised; empty for a slot
  std::size_t slot = 0;  // index into LexIntent::slots when word is empty
  bool isSlot() const { return word.empty(); }
};

struct LexIntentSlot {
  std::string name;
  std::size_t type = 0;  // index into LexBot::slotTypes()
};

struct LexIntent {
  std::string name;
  std::vector<LexIntentSlot> slots;
  std::vector<std::vector<LexToken>> utterances;
  std::string dtmf;  // keys that choose this intent outright ("" = none)
};

struct LexMatch {
  std::string intent;
  std::map<std::string, std::string> slots;  // every slot of the intent; "" when not said
  double confidence = 0.0;
};

class LexBot {
 public:
  // Parses a bot file (either format above). `fallbackName` names the bot when the file does not.
  static Result<std::shared_ptr<const LexBot>> parse(std::string_view json,
                                                     std::string_view fallbackName);

  const std::string& name() const { return name_; }
  const std::vector<LexIntent>& intents() const { return intents_; }
  const std::vector<LexSlotType>& slotTypes() const { return slotTypes_; }
  const LexIntent* findIntent(std::string_view name) const;

  // The best intent for the words, or nullopt.
  std::optional<LexMatch> match(std::string_view text) const;
  // Keys pressed instead of speaking (terminator already stripped).
  std::optional<LexMatch> matchKeys(std::string_view keys) const;
  // True when `keys` already choose an intent by its dtmf keys and nothing longer could be meant
  // (no other intent's keys start with them, and no utterance is a lone number slot the caller
  // may be keying): a channel ends the entry without waiting for '#' or the time limit.
  bool keysChooseIntent(std::string_view keys) const;

  // The normalised words of a text, as match() sees them.
  static std::vector<std::string> normalise(std::string_view text);

 private:
  friend class LexBotBuilder;
  LexBot() = default;

  std::optional<std::string> slotValue(const LexSlotType& type,
                                       const std::vector<std::string>& words, std::size_t from,
                                       std::size_t to) const;

  std::string name_;
  std::vector<LexIntent> intents_;
  std::vector<LexSlotType> slotTypes_;
};

// The event a RecognizeIntent gets for words (typed, or a speech transcript) or keys: the match, or
// kFallbackIntent with confidence 0. `how` is copied into the event for logs.
IntentRecognized intentFromWords(const LexBot& bot, std::string_view words, std::string how);
IntentRecognized intentFromKeys(const LexBot& bot, std::string_view keys);

}  // namespace callgate::flow
