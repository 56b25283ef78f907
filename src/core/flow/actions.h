// The vocabulary between a flow Session and a channel (console simulator, SIP, Twilio): the call
// the session runs for, the Actions the session asks the channel to perform, and the Events the
// channel feeds back. All plain values with no behaviour beyond naming, so any channel can copy,
// store or log them. Thread-safety: plain values.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

namespace callgate::flow {

class LexBot;  // core/flow/lex_bot.h

// What the channel knows about the call when it starts a session. `$.ContactId`,
// `$.CustomerEndpoint.Address`, `$.SystemEndpoint.Address`, `$.Channel` and `$.LanguageCode` read
// it.
struct CallInfo {
  std::string contactId;
  std::string customerAddress;  // the caller's number (ANI) as the channel got it
  std::string systemAddress;    // the number that was dialled
  std::string channel = "VOICE";
  std::string languageCode = "en-US";
};

// ---- Actions (session -> channel) ----

// Speak `text` (plain text or SSML) or play the stored prompt `promptId`; answer PromptPlayed.
struct PlayPrompt {
  std::string text;
  bool ssml = false;
  std::string promptId;
};

// Whether the caller may say the entry instead of keying it (GetParticipantInput's SpeechInput).
// Off unless the flow enables it per input: a spoken PIN can be overheard. A channel that cannot
// recognise speech simply takes keys.
struct SpeechOptions {
  bool enabled = false;
  int minDigits = 1;  // the spoken entry's expected length (recogniser grammar)
  int maxDigits = 1;
  bool alwaysConfirm = false;  // read every spoken entry back, not only unsure ones
};

// Play `prompt`, then collect DTMF digits (or, with speech enabled, spoken digits); answer
// DigitsCollected (without the terminator) or, when nothing usable came within timeoutSeconds,
// InputTimedOut.
struct CollectDigits {
  PlayPrompt prompt;
  int maxDigits = 1;
  std::string terminator;  // "" = none, else e.g. "#"
  int timeoutSeconds = 5;  // time to the first digit
  bool storeInput = false;
  SpeechOptions speech;
};

// Run a built-in function; answer FunctionCompleted with its string map or FunctionFailed.
struct InvokeFunction {
  std::string function;
  std::map<std::string, std::string> parameters;
  int timeoutSeconds = 3;
  bool jsonResponse = false;  // ResponseValidation JSON: a nested answer is allowed
};

// Terminal: hand the call to `queue` with the contact attributes attached.
struct TransferToQueue {
  std::string queue;
  std::map<std::string, std::string> attributes;
};

// Terminal: hand the call to a phone number outside the contact center (Connect's
// TransferParticipantToThirdParty). A blind transfer: the flow does not resume when the third
// party hangs up. The third party is not an agent, so channels do not send it the verdict;
// `attributes` are for logs and the simulator.
struct TransferToNumber {
  std::string number;  // E.164
  std::map<std::string, std::string> attributes;
  int timeoutSeconds = 30;     // ring time before the transfer counts as failed
  std::string callerIdNumber;  // "" = the channel's default (usually the caller's number)
  std::string callerIdName;
  std::string dtmfDigits;  // sent once the third party answers: 0-9 * # and ',' (a pause)
};

// Terminal: hang up. `why` is what channels act on (a flow error is logged as one and, on the
// simulator, fails the run); `reason` is the same for people: "flow ended", "caller hung up",
// "call transferred" (an event after a transfer) or "flow error: <what went wrong>".
struct Disconnect {
  enum class Why {
    kFlowEnded,     // a DisconnectParticipant block
    kCallerHungUp,  // the channel reported CallerHungUp
    kTransferred,   // an event came after the call was transferred
    kFlowError,     // the flow (or the channel's events) went wrong; reason says how
  };
  Why why = Why::kFlowEnded;
  std::string reason;
  std::map<std::string, std::string> attributes;

  bool flowError() const { return why == Why::kFlowError; }
};

// "flow-ended", "caller-hung-up", "transferred", "flow-error": for snapshots and logs.
std::string_view whyName(Disconnect::Why why);

// Play `prompt`, then listen for what the caller wants, said (or keyed), and recognise it against
// `bot`'s intents (a ConnectParticipantWithLexBot block); answer IntentRecognized (intent
// kFallbackIntent when nothing matched; see intentFromWords/intentFromKeys in lex_bot.h) or
// InputTimedOut when nothing came within timeoutSeconds. Keys end with '#' or a pause of
// timeoutSeconds.
struct RecognizeIntent {
  PlayPrompt prompt;
  std::shared_ptr<const LexBot> bot;  // never null in an action a session returns
  int timeoutSeconds = 5;
};

using Action = std::variant<PlayPrompt, CollectDigits, InvokeFunction, TransferToQueue, Disconnect,
                            // contact actions (blocks_contact.h)
                            TransferToNumber,
                            // Lex bots
                            RecognizeIntent>;

// ---- Events (channel -> session) ----

struct PromptPlayed {};
struct DigitsCollected {
  std::string digits;
};
struct InputTimedOut {};
struct FunctionCompleted {
  std::map<std::string, std::string> result;
};
struct FunctionFailed {
  std::string reason;
};
struct CallerHungUp {};
// What the caller meant, for a RecognizeIntent.
struct IntentRecognized {
  std::string intent;                        // kFallbackIntent when nothing matched
  std::map<std::string, std::string> slots;  // the intent's slots; "" when not said
  double confidence = 0.0;                   // 0..1
  std::string how;                           // for logs only: "speech", "text", "dtmf"
};

using Event = std::variant<PromptPlayed, DigitsCollected, InputTimedOut, FunctionCompleted,
                           FunctionFailed, CallerHungUp,
                           // Lex bots
                           IntentRecognized>;

// "PlayPrompt", "Disconnect", ...: for logs and error messages.
std::string_view actionName(const Action& action);
// "PromptPlayed", "CallerHungUp", ...
std::string_view eventName(const Event& event);
// True for TransferToQueue, TransferToNumber and Disconnect: the channel ends the session after
// performing them.
bool isTerminal(const Action& action);

}  // namespace callgate::flow
