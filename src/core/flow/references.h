// References (`$.Attributes.x`, `$.External.y`, `$.CustomerEndpoint.Address`, ...) and the
// parameter values that contain them: static text, one reference, or text with embedded
// references ("Hello $.External.firstName, welcome"). Parsed once when a flow loads, so an unknown
// path is a load error; rendered against a ContactState at run time, where a missing value reads
// as "". Thread-safety: immutable after parsing; ContactState is a plain value owned by a Session.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "core/flow/actions.h"
#include "core/flow/contact_settings.h"

namespace callgate::flow {

// What the last Amazon Lex interaction (ConnectParticipantWithLexBot) left for `$.Lex.*`. Empty
// until a bot block runs; each bot block replaces it entirely.
struct LexState {
  std::string intentName;        // $.Lex.IntentName
  std::string intentConfidence;  // $.Lex.IntentConfidence.Score, e.g. "0.87"; "" when unknown
  std::string sentimentLabel;    // $.Lex.SentimentResponse.Label (POSITIVE, NEGATIVE, ...)
  std::map<std::string, std::string> slots;              // $.Lex.Slots.<name>
  std::map<std::string, std::string> sessionAttributes;  // $.Lex.SessionAttributes.<key>

  bool operator==(const LexState&) const = default;
};

// The contact data that references read and the flow writes. Every field is part of a session
// snapshot (session_snapshot.cc), so a field added here must be added there too.
struct ContactState {
  CallInfo call;
  std::map<std::string, std::string> attributes;  // $.Attributes.*, set by UpdateContactAttributes
  std::map<std::string, std::string> external;    // $.External.*, the last function's result
  std::string storedCustomerInput;                // $.StoredCustomerInput
  std::string queue;                              // $.Queue.Name, set by UpdateContactTargetQueue
  std::string queueArn;  // $.Queue.ARN: the QueueId when it was an ARN, else ""
  // $.Customer.<field>: the customer profile GetCustomerProfile found ("FirstName",
  // "PhoneNumber", "Address.City", ...); replaced by each profile lookup.
  std::map<std::string, std::string> customer;
  LexState lex;  // $.Lex.*
  // $.FlowAttributes.<key>: set by UpdateFlowAttributes; visible only in the flow that set them
  // (a TransferToFlow starts with none; a module has its own).
  std::map<std::string, std::string> flowAttributes;
  // $.Modules.Input.<key>: the Input of the InvokeFlowModule that started the module running now
  // (empty outside a module; each module sees only its own).
  std::map<std::string, std::string> moduleInput;
  // $.Modules.ResultData.<key>: the ResultData of the last module this flow invoked (replaced by
  // each return; a TransferToFlow starts with none).
  std::map<std::string, std::string> moduleResult;
  std::string callbackNumber;  // $.CallbackNumber; UpdateContactCallbackNumber sets it
  ContactSettings contact;     // voice, name, tags, ...: the contact actions (blocks_contact.h)
};

enum class ReferenceKind {
  kAttribute,            // $.Attributes.<key>
  kExternal,             // $.External.<key>
  kStoredCustomerInput,  // $.StoredCustomerInput
  kCustomerAddress,      // $.CustomerEndpoint.Address
  kCustomerType,         // $.CustomerEndpoint.Type (always TELEPHONE_NUMBER)
  kSystemAddress,        // $.SystemEndpoint.Address
  kSystemType,           // $.SystemEndpoint.Type (always TELEPHONE_NUMBER)
  kContactId,            // $.ContactId
  kInitialContactId,     // $.InitialContactId (the contact id: callgate does not chain contacts)
  kChannel,              // $.Channel
  kLanguageCode,         // $.LanguageCode
  kQueueName,            // $.Queue.Name
  kQueueArn,             // $.Queue.ARN
  kCustomer,             // $.Customer.<field> (GetCustomerProfile)
  kLexIntentName,        // $.Lex.IntentName
  kLexIntentConfidence,  // $.Lex.IntentConfidence.Score
  kLexSentimentLabel,    // $.Lex.SentimentResponse.Label
  kLexSlot,              // $.Lex.Slots.<slot>
  kLexSessionAttribute,  // $.Lex.SessionAttributes.<key>
  kFlowAttribute,        // $.FlowAttributes.<key>
  kModuleInput,          // $.Modules.Input.<key>
  kModuleResult,         // $.Modules.ResultData.<key>
  kCallbackNumber,       // $.CallbackNumber (the caller's number until a flow sets another)
  kInitiationMethod,     // $.InitiationMethod (always INBOUND: callgate answers calls)
  // A documented reference callgate has no value for ($.Agent.*, $.PreviousContactId,
  // $.Queue.OutboundCallerId.*, $.MediaStreams.*): always "", Connect's rule for a missing value.
  kNotAvailable,
};

struct Reference {
  ReferenceKind kind = ReferenceKind::kContactId;
  // For the keyed kinds ($.Attributes, $.External, $.Customer, $.Lex.Slots, ...): the rest of the
  // path, which may contain dots ("a.b" for $.External.a.b).
  std::string key;
  std::string path;  // as written, e.g. "$.External.firstName"
};

// Parses a whole value that must be exactly one reference. Errors say "unknown reference '...'"
// or "'...' is not a reference".
Result<Reference> parseReference(std::string_view text);

// The value a reference reads; "" when it is not set.
std::string lookup(const ContactState& state, const Reference& reference);

// A parameter value: literal text with zero or more embedded references. A reference starts at
// "$." and runs over [A-Za-z0-9_-] segments joined by dots; a dot not followed by such a character
// ends it, so "Hello $.External.firstName." keeps its full stop.
class Template {
 public:
  struct Part {
    std::string literal;  // used when reference is empty
    std::optional<Reference> reference;
  };

  Template() = default;
  static Result<Template> parse(std::string_view text);
  static Template literal(std::string text);

  const std::string& source() const { return source_; }
  const std::vector<Part>& parts() const { return parts_; }
  bool isStatic() const;
  // The reference when the whole value is exactly one reference, else nullptr.
  const Reference* singleReference() const;

  // Substitutes the references. nullopt when the result would exceed maxBytes, which stops a flow
  // from growing a value without bound (x = "$.Attributes.x$.Attributes.x" in a loop).
  std::optional<std::string> render(const ContactState& state, std::size_t maxBytes) const;

 private:
  std::string source_;
  std::vector<Part> parts_;
};

}  // namespace callgate::flow
