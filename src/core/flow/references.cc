#include "core/flow/references.h"

#include <initializer_list>
#include <utility>

namespace callgate::flow {
namespace {

constexpr std::string_view kTelephoneNumber = "TELEPHONE_NUMBER";

bool isSegmentChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

// Length of the reference that starts at text[0] == '$' (text[1] == '.'), per the rule in the
// header. Returns 2 for a bare "$." so the caller can report it.
std::size_t scanReference(std::string_view text) {
  std::size_t i = 2;
  while (i < text.size() && isSegmentChar(text[i])) ++i;
  while (i + 1 < text.size() && text[i] == '.' && isSegmentChar(text[i + 1])) {
    ++i;
    while (i < text.size() && isSegmentChar(text[i])) ++i;
  }
  return i;
}

std::vector<std::string_view> splitSegments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = path.find('.', start);
    out.push_back(
        path.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return out;
}

// Classifies a scanned path ("$.a.b"). The path has already been cut by scanReference.
Result<Reference> classify(std::string_view path) {
  auto unknown = [&] {
    return Error::invalidArgument("unknown reference '" + std::string(path) + "'");
  };
  if (path.size() <= 2) return unknown();
  std::vector<std::string_view> segs = splitSegments(path.substr(2));
  Reference ref;
  ref.path = std::string(path);
  std::string_view root = segs[0];
  auto single = [&](ReferenceKind kind) -> Result<Reference> {
    if (segs.size() != 1) return unknown();
    ref.kind = kind;
    return ref;
  };
  auto keyed = [&](ReferenceKind kind) -> Result<Reference> {
    // "$.Attributes." + key: the key is everything after the root, dots included.
    if (segs.size() < 2) return unknown();
    ref.kind = kind;
    ref.key = std::string(path.substr(2 + root.size() + 1));
    return ref;
  };
  auto endpoint = [&](ReferenceKind address, ReferenceKind type) -> Result<Reference> {
    if (segs.size() != 2) return unknown();
    if (segs[1] == "Address")
      ref.kind = address;
    else if (segs[1] == "Type")
      ref.kind = type;
    else
      return unknown();
    return ref;
  };
  if (root == "Attributes") return keyed(ReferenceKind::kAttribute);
  if (root == "External") return keyed(ReferenceKind::kExternal);
  if (root == "StoredCustomerInput") return single(ReferenceKind::kStoredCustomerInput);
  if (root == "CustomerEndpoint")
    return endpoint(ReferenceKind::kCustomerAddress, ReferenceKind::kCustomerType);
  if (root == "SystemEndpoint")
    return endpoint(ReferenceKind::kSystemAddress, ReferenceKind::kSystemType);
  if (root == "ContactId") return single(ReferenceKind::kContactId);
  if (root == "InitialContactId") return single(ReferenceKind::kInitialContactId);
  if (root == "Channel") return single(ReferenceKind::kChannel);
  if (root == "LanguageCode") return single(ReferenceKind::kLanguageCode);
  auto is = [&](std::initializer_list<std::string_view> expected) {
    if (segs.size() != expected.size()) return false;
    std::size_t i = 0;
    for (std::string_view e : expected) {
      if (segs[i++] != e) return false;
    }
    return true;
  };
  auto as = [&](ReferenceKind kind) -> Result<Reference> {
    ref.kind = kind;
    return ref;
  };
  if (root == "Queue") {
    if (is({"Queue", "Name"})) return as(ReferenceKind::kQueueName);
    if (is({"Queue", "ARN"})) return as(ReferenceKind::kQueueArn);
    if (is({"Queue", "OutboundCallerId", "Name"}) || is({"Queue", "OutboundCallerId", "Address"}))
      return as(ReferenceKind::kNotAvailable);
    return unknown();
  }
  if (root == "Customer") return keyed(ReferenceKind::kCustomer);
  if (root == "FlowAttributes") return keyed(ReferenceKind::kFlowAttribute);
  if (root == "Modules") {
    if (segs.size() >= 3 && (segs[1] == "Input" || segs[1] == "ResultData")) {
      ref.kind = segs[1] == "Input" ? ReferenceKind::kModuleInput : ReferenceKind::kModuleResult;
      ref.key = std::string(path.substr(2 + root.size() + 1 + segs[1].size() + 1));
      return ref;
    }
    return unknown();
  }
  if (root == "CallbackNumber") return single(ReferenceKind::kCallbackNumber);
  if (root == "InitiationMethod") return single(ReferenceKind::kInitiationMethod);
  if (root == "PreviousContactId") return single(ReferenceKind::kNotAvailable);
  if (root == "Lex") {
    if (is({"Lex", "IntentName"})) return as(ReferenceKind::kLexIntentName);
    if (is({"Lex", "IntentConfidence", "Score"})) return as(ReferenceKind::kLexIntentConfidence);
    if (is({"Lex", "SentimentResponse", "Label"})) return as(ReferenceKind::kLexSentimentLabel);
    if (segs.size() >= 3 && (segs[1] == "Slots" || segs[1] == "SessionAttributes")) {
      ref.kind = segs[1] == "Slots" ? ReferenceKind::kLexSlot : ReferenceKind::kLexSessionAttribute;
      ref.key = std::string(path.substr(2 + root.size() + 1 + segs[1].size() + 1));
      return ref;
    }
    return unknown();
  }
  if (root == "Agent") {
    // No agent has the contact while callgate's flow runs.
    if (segs.size() == 2 && (segs[1] == "UserName" || segs[1] == "FirstName" ||
                             segs[1] == "LastName" || segs[1] == "ARN"))
      return as(ReferenceKind::kNotAvailable);
    return unknown();
  }
  if (root == "MediaStreams") {
    // $.MediaStreams.Customer.Audio.<field>: callgate streams no media to Kinesis.
    if (segs.size() == 4 && segs[1] == "Customer" && segs[2] == "Audio" &&
        (segs[3] == "StreamARN" || segs[3] == "StartTimestamp" || segs[3] == "StopTimestamp" ||
         segs[3] == "StartFragmentNumber"))
      return as(ReferenceKind::kNotAvailable);
    return unknown();
  }
  return unknown();
}

std::string valueOr(const std::map<std::string, std::string>& m, const std::string& key) {
  auto it = m.find(key);
  return it == m.end() ? std::string() : it->second;
}

}  // namespace

Result<Reference> parseReference(std::string_view text) {
  if (text.size() < 2 || text[0] != '$' || text[1] != '.') {
    return Error::invalidArgument("'" + std::string(text) + "' is not a reference");
  }
  std::size_t len = scanReference(text);
  if (len != text.size()) {
    // Either junk after a valid-looking path or a bad first segment: report the whole value.
    return Error::invalidArgument("unknown reference '" + std::string(text) + "'");
  }
  return classify(text);
}

std::string lookup(const ContactState& state, const Reference& reference) {
  switch (reference.kind) {
    case ReferenceKind::kAttribute:
      return valueOr(state.attributes, reference.key);
    case ReferenceKind::kExternal:
      return valueOr(state.external, reference.key);
    case ReferenceKind::kStoredCustomerInput:
      return state.storedCustomerInput;
    case ReferenceKind::kCustomerAddress:
      return state.call.customerAddress;
    case ReferenceKind::kCustomerType:
      return std::string(kTelephoneNumber);
    case ReferenceKind::kSystemAddress:
      return state.call.systemAddress;
    case ReferenceKind::kSystemType:
      return std::string(kTelephoneNumber);
    case ReferenceKind::kContactId:
      return state.call.contactId;
    case ReferenceKind::kInitialContactId:
      return state.call.contactId;
    case ReferenceKind::kChannel:
      return state.call.channel;
    case ReferenceKind::kLanguageCode:
      return state.call.languageCode;
    case ReferenceKind::kQueueName:
      return state.queue;
    case ReferenceKind::kQueueArn:
      return state.queueArn;
    case ReferenceKind::kCustomer:
      return valueOr(state.customer, reference.key);
    case ReferenceKind::kLexIntentName:
      return state.lex.intentName;
    case ReferenceKind::kLexIntentConfidence:
      return state.lex.intentConfidence;
    case ReferenceKind::kLexSentimentLabel:
      return state.lex.sentimentLabel;
    case ReferenceKind::kLexSlot:
      return valueOr(state.lex.slots, reference.key);
    case ReferenceKind::kLexSessionAttribute:
      return valueOr(state.lex.sessionAttributes, reference.key);
    case ReferenceKind::kFlowAttribute:
      return valueOr(state.flowAttributes, reference.key);
    case ReferenceKind::kModuleInput:
      return valueOr(state.moduleInput, reference.key);
    case ReferenceKind::kModuleResult:
      return valueOr(state.moduleResult, reference.key);
    case ReferenceKind::kCallbackNumber:
      return state.callbackNumber.empty() ? state.call.customerAddress : state.callbackNumber;
    case ReferenceKind::kInitiationMethod:
      return "INBOUND";
    case ReferenceKind::kNotAvailable:
      return {};
  }
  return {};
}

Result<Template> Template::parse(std::string_view text) {
  Template t;
  t.source_ = std::string(text);
  std::string literal;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '.') {
      std::size_t len = scanReference(text.substr(i));
      Result<Reference> ref = classify(text.substr(i, len));
      if (!ref.ok()) return ref.error();
      if (!literal.empty()) t.parts_.push_back(Part{std::move(literal), std::nullopt});
      literal.clear();
      t.parts_.push_back(Part{{}, std::move(ref).value()});
      i += len;
    } else {
      literal.push_back(text[i]);
      ++i;
    }
  }
  if (!literal.empty()) t.parts_.push_back(Part{std::move(literal), std::nullopt});
  return t;
}

Template Template::literal(std::string text) {
  Template t;
  t.source_ = text;
  if (!text.empty()) t.parts_.push_back(Part{std::move(text), std::nullopt});
  return t;
}

bool Template::isStatic() const {
  for (const Part& p : parts_) {
    if (p.reference) return false;
  }
  return true;
}

const Reference* Template::singleReference() const {
  if (parts_.size() == 1 && parts_[0].reference) return &*parts_[0].reference;
  return nullptr;
}

std::optional<std::string> Template::render(const ContactState& state, std::size_t maxBytes) const {
  std::string out;
  for (const Part& p : parts_) {
    if (p.reference) {
      std::string value = lookup(state, *p.reference);
      if (value.size() > maxBytes - out.size()) return std::nullopt;
      out += value;
    } else {
      if (p.literal.size() > maxBytes - out.size()) return std::nullopt;
      out += p.literal;
    }
  }
  return out;
}

}  // namespace callgate::flow
