// The contact actions: Connect flow-language actions that change the contact or hand it on and
// need no outside data (MessageParticipantIteratively, UpdateContactTextToSpeechVoice,
// UpdateContactData, TagContact, UnTagContact, UpdateContactCallbackNumber,
// DequeueContactAndTransferToQueue, TransferParticipantToThirdParty, CheckVoiceId), plus
// GetParticipantInput's PhoneNumberValidation. Their parameters are parsed here when a flow loads
// and run here when a Session enters them; the loader and the Session only dispatch
// (parameters.cc, block_parser.cc, session_blocks.cc). docs/FLOWS.md says what each does.
//
// Thread-safety: Params are immutable once loaded and shared by every session of the flow; the
// run functions change only the ContactState and counters they are given.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/result.h"
#include "core/flow/actions.h"
#include "core/flow/json_reader.h"
#include "core/flow/model.h"
#include "core/flow/references.h"

namespace callgate::flow::contact {

// ---- Parameters, one struct per action type ----

// MessageParticipantIteratively: the Messages, played in order, over and over.
struct IterativeMessages {
  std::vector<Prompt> messages;
  int interruptSeconds = 0;  // InterruptFrequencySeconds; 0 = never interrupted
};

// UpdateContactTextToSpeechVoice (and the same keys of UpdateContactData). Each is static or
// dynamic; a static value is checked (and its case made canonical) when the flow loads, a dynamic
// one when the block runs (a value that is not a voice name, engine or style takes the Error
// branch).
struct TextToSpeechVoice {
  Template voice;   // a voice name: letters only
  Template engine;  // standard, neural, generative, long-form; "" = the default
  Template style;   // None, Conversational, Newscaster; "" = the default
};

// UpdateContactData: only what is set changes.
struct ContactData {
  std::optional<Template> name;
  std::optional<Template> description;
  std::optional<Template> languageCode;  // static (checked at load) or dynamic (when run)
  std::optional<TextToSpeechVoice> voice;
};

// TagContact.
struct Tags {
  NamedTemplates tags;
};

// UnTagContact.
struct TagKeys {
  std::vector<std::string> keys;
};

// UpdateContactCallbackNumber: always one reference (Connect refuses a static number).
struct CallbackNumber {
  Reference number;
};

// DequeueContactAndTransferToQueue.
struct DequeueToQueue {
  Template queue;  // QueueId: static (already cut from an ARN) or one reference
};

// TransferParticipantToThirdParty.
struct ThirdParty {
  Template number;           // ThirdPartyPhoneNumber: static or dynamic
  Template timeoutSeconds;   // ThirdPartyConnectionTimeLimitSeconds: static or one reference
  bool continueFlow = true;  // ContinueFlowExecution as written (callgate always hands over)
  Template dtmfDigits;       // ThirdPartyDTMFDigits: static or one reference
  Template callerIdNumber;   // CallerId.Number: static or one reference
  Template callerIdName;     // CallerId.Name: static or dynamic
};

// CheckVoiceId: callgate has no voiceprints; the answer comes from its own verdict.
struct CheckVoiceId {
  enum class Option { kEnrollmentStatus, kVoiceAuthentication, kFraudDetection };
  Option option = Option::kVoiceAuthentication;
};

struct Params {
  std::variant<IterativeMessages, TextToSpeechVoice, ContactData, Tags, TagKeys, CallbackNumber,
               DequeueToQueue, ThirdParty, CheckVoiceId>
      value;
};

// ---- Loading ----

// The Connect limits these actions are held to.
inline constexpr int kMaxThirdPartyTimeoutSeconds = 600;
inline constexpr int kDefaultThirdPartyTimeoutSeconds = 30;
inline constexpr std::size_t kMaxDtmfDigits = 50;
inline constexpr std::size_t kMaxTagKeyBytes = 128;
inline constexpr std::size_t kMaxTagValueBytes = 256;
inline constexpr int kMaxInterruptSeconds = 3600;
inline constexpr std::size_t kMaxVoiceNameBytes = 40;
// Longest phone number a PhoneNumberValidation input collects (E.164 has at most 15 digits).
inline constexpr int kMaxPhoneDigits = 15;

// Parses the Parameters of a contact action type into ContactParams. Unknown keys are load
// errors, and so are documented keys whose behaviour callgate cannot give (a Chime voice
// connector, an agent queue, a related contact).
Result<BlockParams> parseParameters(const detail::ActionScope& scope, BlockType type,
                                    const detail::Json& parameters);

// The error branches a contact type may have.
std::span<const std::string_view> allowedErrors(BlockType type);

// Conditions and error branches that depend on the parsed parameters (MessagesInterrupted,
// CheckVoiceId's statuses, TransferParticipantToThirdParty's errors only with
// ContinueFlowExecution True).
Status checkTransitions(const detail::ActionScope& scope, const Block& block);

// A one-line summary for `flow diagram`.
std::string summary(const Block& block);

// True for the types whose success path is NextAction (flow warnings).
bool usesNextAction(BlockType type);

// GetParticipantInput's InputValidation.PhoneNumberValidation:
// {"NumberFormat": "Local" | "E164", "CountryCode": "US"} (CountryCode required for Local).
Result<PhoneNumberValidation> parsePhoneNumberValidation(const detail::ActionScope& scope,
                                                         const detail::Json& object);
// The keyed digits as an E.164 number, or nullopt when they are not a valid number in that
// format (Local: a national number of CountryCode, no '+'; E164: the whole number with its
// country code, keyed without the '+' since a keypad has none).
std::optional<std::string> validatePhoneInput(const PhoneNumberValidation& rule,
                                              std::string_view digits);

// ---- Running ----

// What entering (or answering) a contact block decided; the Session turns it into its own move.
struct Step {
  enum class Kind {
    kNext,       // follow NextAction
    kError,      // take error branch `name`
    kCondition,  // take the condition whose operand matches `name` (else NoMatchingCondition)
    kWait,       // hand `action` to the channel and wait for its answer
    kAgain,      // enter the same block again (the next message)
    kEnd,        // terminal `action`
  };
  Kind kind = Kind::kNext;
  std::string name;
  std::optional<Action> action;
};

// `counters` are the session's per-block counters (the Loop counters):
// MessageParticipantIteratively keeps the message it is at there.
Step enter(const Block& block, ContactState& state, std::map<std::string, int>& counters);
// The channel action of a waiting contact block (a message of MessageParticipantIteratively);
// nullopt when it cannot be rendered or the block does not wait.
std::optional<Action> describe(const Block& block, const ContactState& state,
                               const std::map<std::string, int>& counters);
// How a waiting contact block is left on `event`; nullopt when the event does not answer it.
std::optional<Step> answer(const Block& block, ContactState& state, const Event& event,
                           std::map<std::string, int>& counters);
// Whether `value` is a counter a snapshot may hold for `block`.
bool validCounter(const Block& block, long long value);

// ContactSettings in a session snapshot, and back (an absent member is the default).
nlohmann::json settingsToJson(const ContactSettings& settings);
Result<ContactSettings> settingsFromJson(const nlohmann::json& json);

}  // namespace callgate::flow::contact
