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

// The contact data that references read and the flow writes.
struct ContactState {
  CallInfo call;
  std::map<std::string, std::string> attributes;  // $.Attributes.*, set by UpdateContactAttributes
  std::map<std::string, std::string> external;    // $.External.*, the last function's result
  std::string storedCustomerInput;                // $.StoredCustomerInput
  std::string queue;                              // $.Queue.Name, set by UpdateContactTargetQueue
  LexState lex;                                   // $.Lex.*
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
  kLexIntentName,        // $.Lex.IntentName
  kLexIntentConfidence,  // $.Lex.IntentConfidence.Score
  kLexSentimentLabel,    // $.Lex.SentimentResponse.Label
  kLexSlot,              // $.Lex.Slots.<name>
  kLexSessionAttribute,  // $.Lex.SessionAttributes.<key>
};

struct Reference {
  ReferenceKind kind = ReferenceKind::kContactId;
  std::string key;   // for kAttribute, kExternal, kLexSlot, kLexSessionAttribute; may contain dots
                     // ("a.b" for $.External.a.b)
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
