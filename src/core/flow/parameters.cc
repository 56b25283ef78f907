#include "core/flow/parameters.h"

#include <algorithm>
#include <span>
#include <string>

#include "core/flow/blocks_contact.h"
#include "core/flow/blocks_lex.h"
#include "core/flow/flow_control.h"

namespace callgate::flow::detail {
namespace {

// Connect documents only "a valid integer larger than zero"; the cap keeps seconds-to-
// milliseconds arithmetic in the channels far from overflow, at Connect's longest wait (7 days).
constexpr int kMaxInputTimeoutSeconds = 604800;
constexpr int kDefaultInputTimeoutSeconds = 5;
constexpr int kMaxStoredDigits = 64;
constexpr int kMaxTerminatorLength = 5;
constexpr int kMinInvokeTimeoutSeconds = 1;
constexpr int kMaxInvokeTimeoutSeconds = 8;
constexpr int kDefaultInvokeTimeoutSeconds = 3;
constexpr std::size_t kMaxKeyBytes = 128;
// Longest entry a caller may say: the recogniser's digit grammar grows with it, and nobody reads
// out more than a long account number in one breath.
constexpr int kMaxSpokenDigits = 16;

bool isDtmfKey(char c) { return (c >= '0' && c <= '9') || c == '*' || c == '#'; }

// Text, SSML or PromptId. `required` is false for GetParticipantInput, whose prompt is optional.
Result<Prompt> parsePrompt(const ActionScope& scope, const Json& params, bool required) {
  if (params.contains("Media"))
    return scope.error("Media (audio from S3) is not supported; use Text, SSML or PromptId");
  struct Candidate {
    const char* key;
    Prompt::Kind kind;
  };
  const Candidate candidates[] = {{"Text", Prompt::Kind::kText},
                                  {"SSML", Prompt::Kind::kSsml},
                                  {"PromptId", Prompt::Kind::kPromptId}};
  std::optional<Prompt> found;
  for (const Candidate& c : candidates) {
    Result<std::optional<std::string>> s = scope.optionalString(params, c.key);
    if (!s.ok()) return s.error();
    if (!s->has_value()) continue;
    if (found) return scope.error("exactly one of Text, SSML or PromptId is allowed");
    Result<Template> t = c.kind == Prompt::Kind::kPromptId ? scope.staticOrReference(c.key, **s)
                                                           : scope.dynamicValue(**s);
    if (!t.ok()) return t.error();
    found = Prompt{c.kind, std::move(t).value()};
  }
  if (found) return std::move(*found);
  if (required) return scope.error("missing required parameter: one of Text, SSML or PromptId");
  return Prompt{Prompt::Kind::kText, Template()};
}

// An object of string keys to dynamic string values (attributes, function parameters).
Result<NamedTemplates> parseNamedValues(const ActionScope& scope, const Json& object,
                                        std::string_view what) {
  if (object.size() > kMaxEntriesPerAction) {
    return scope.error(std::string(what) + " has more than " +
                       std::to_string(kMaxEntriesPerAction) + " entries");
  }
  NamedTemplates out;
  for (auto it = object.begin(); it != object.end(); ++it) {
    const std::string& key = it.key();
    if (key.empty() || key.size() > kMaxKeyBytes) {
      return scope.error(std::string(what) + " key '" + key + "' must be 1 to " +
                         std::to_string(kMaxKeyBytes) + " bytes");
    }
    // Numbers and booleans as tools write them (5, true) stand for their text, as in Connect.
    if (!it->is_string() && !it->is_number() && !it->is_boolean())
      return scope.error(std::string(what) + "." + key + " must be a string");
    const std::string text = it->is_string() ? it->get<std::string>() : it->dump();
    if (text.size() > kMaxStringParameterBytes)
      return scope.error(std::string(what) + "." + key + " is too long");
    Result<Template> t = scope.dynamicValue(text);
    if (!t.ok()) return t.error();
    out.emplace_back(key, std::move(t).value());
  }
  return out;
}

Result<BlockParams> parseMessage(const ActionScope& scope, const Json& params) {
  // SkipWhenDTMFBufferEnabled (the editor's "skip when keys were typed ahead") changes nothing:
  // callgate always plays a MessageParticipant prompt whole.
  if (Status s = scope.checkKeys(
          params, {"Text", "SSML", "PromptId", "Media", "SkipWhenDTMFBufferEnabled"});
      !s.ok())
    return s.error();
  if (auto skip = scope.optionalBool(params, "SkipWhenDTMFBufferEnabled"); !skip.ok())
    return skip.error();
  Result<Prompt> prompt = parsePrompt(scope, params, /*required=*/true);
  if (!prompt.ok()) return prompt.error();
  return BlockParams(MessageParticipantParams{std::move(prompt).value()});
}

// SpeechInput (callgate's own GetParticipantInput parameter): {"Enabled": "True",
// "MinimumLength": "8", "MaximumLength": "8", "Confirm": "Auto" | "Always"}. `dtmfMax` is the
// block's key limit (1 for a menu), which the spoken length may not exceed.
Result<SpeechOptions> parseSpeech(const ActionScope& scope, const Json& params, int dtmfMax) {
  SpeechOptions speech;
  Result<const Json*> object = scope.optionalObject(params, "SpeechInput");
  if (!object.ok()) return object.error();
  if (!*object) return speech;
  const Json& o = **object;
  for (auto it = o.begin(); it != o.end(); ++it) {
    const std::string& key = it.key();
    if (key != "Enabled" && key != "MinimumLength" && key != "MaximumLength" && key != "Confirm")
      return scope.error("SpeechInput." + key +
                         " is not known (Enabled, MinimumLength, MaximumLength, Confirm)");
  }
  Result<std::optional<bool>> enabled = scope.optionalBool(o, "Enabled");
  if (!enabled.ok()) return enabled.error();
  speech.enabled = enabled->value_or(false);
  const int cap = std::min(dtmfMax, kMaxSpokenDigits);
  Result<std::optional<int>> maxLength = scope.optionalInt(o, "MaximumLength", 1, cap);
  if (!maxLength.ok()) {
    return scope.error("SpeechInput.MaximumLength must be 1 to " + std::to_string(cap) +
                       " (the input's MaximumLength, and at most " +
                       std::to_string(kMaxSpokenDigits) + " spoken digits)");
  }
  if (!maxLength->has_value() && dtmfMax > kMaxSpokenDigits && speech.enabled) {
    return scope.error("SpeechInput.MaximumLength is required when the input allows more than " +
                       std::to_string(kMaxSpokenDigits) + " digits");
  }
  speech.maxDigits = maxLength->value_or(cap);
  Result<std::optional<int>> minLength = scope.optionalInt(o, "MinimumLength", 1, speech.maxDigits);
  if (!minLength.ok()) {
    return scope.error("SpeechInput.MinimumLength must be 1 to " +
                       std::to_string(speech.maxDigits) + " (SpeechInput.MaximumLength)");
  }
  speech.minDigits = minLength->value_or(1);
  Result<std::optional<std::string>> confirm = scope.optionalString(o, "Confirm");
  if (!confirm.ok()) return confirm.error();
  if (confirm->has_value()) {
    if (**confirm != "Auto" && **confirm != "Always")
      return scope.error("SpeechInput.Confirm must be Auto or Always, not '" + **confirm + "'");
    speech.alwaysConfirm = **confirm == "Always";
  }
  return speech;
}

Result<BlockParams> parseInput(const ActionScope& scope, const Json& params) {
  // InputTimeoutSeconds: the name older Connect documentation gives InputTimeLimitSeconds.
  if (Status s =
          scope.checkKeys(params, {"Text", "SSML", "PromptId", "Media", "InputTimeLimitSeconds",
                                   "InputTimeoutSeconds", "StoreInput", "InputValidation",
                                   "InputEncryption", "DTMFConfiguration", "SpeechInput"});
      !s.ok())
    return s.error();
  GetParticipantInputParams p;
  Result<Prompt> prompt = parsePrompt(scope, params, /*required=*/false);
  if (!prompt.ok()) return prompt.error();
  p.prompt = std::move(prompt).value();

  Result<std::optional<bool>> store = scope.optionalBool(params, "StoreInput");
  if (!store.ok()) return store.error();
  p.storeInput = store->value_or(false);

  const char* timeoutKey =
      params.contains("InputTimeLimitSeconds") ? "InputTimeLimitSeconds" : "InputTimeoutSeconds";
  Result<std::optional<int>> timeout =
      scope.optionalInt(params, timeoutKey, 1, kMaxInputTimeoutSeconds);
  if (!timeout.ok()) return timeout.error();
  p.timeoutSeconds = timeout->value_or(kDefaultInputTimeoutSeconds);

  if (params.contains("InputEncryption")) return scope.error("InputEncryption is not supported");

  Result<const Json*> validation = scope.optionalObject(params, "InputValidation");
  if (!validation.ok()) return validation.error();
  if (!p.storeInput) {
    if (*validation) return scope.error("InputValidation is only allowed when StoreInput is True");
    p.maxDigits = 1;
    Result<SpeechOptions> speech = parseSpeech(scope, params, p.maxDigits);
    if (!speech.ok()) return speech.error();
    p.speech = *speech;
    return BlockParams(std::move(p));
  }

  if (!*validation)
    return scope.error("missing required parameter InputValidation (StoreInput is True)");
  Result<const Json*> custom = scope.optionalObject(**validation, "CustomValidation");
  if (!custom.ok()) return custom.error();
  if (Status s = scope.checkKeys(**validation, {"PhoneNumberValidation", "CustomValidation"},
                                 "InputValidation");
      !s.ok())
    return s.error();
  if (auto phone = (*validation)->find("PhoneNumberValidation"); phone != (*validation)->end()) {
    // contact actions (blocks_contact.h): the entry must be a phone number.
    if (*custom) return scope.error("give PhoneNumberValidation or CustomValidation, not both");
    Result<PhoneNumberValidation> rule = contact::parsePhoneNumberValidation(scope, *phone);
    if (!rule.ok()) return rule.error();
    p.phone = std::move(rule).value();
    p.maxDigits = contact::kMaxPhoneDigits;
  } else {
    if (!*custom) return scope.error("missing required parameter InputValidation.CustomValidation");
    if (Status s = scope.checkKeys(**custom, {"MaximumLength"}, "InputValidation.CustomValidation");
        !s.ok())
      return s.error();
    Result<std::optional<int>> maxLength =
        scope.optionalInt(**custom, "MaximumLength", 1, kMaxStoredDigits);
    if (!maxLength.ok()) return maxLength.error();
    if (!maxLength->has_value()) {
      return scope.error(
          "missing required parameter InputValidation.CustomValidation.MaximumLength");
    }
    p.maxDigits = **maxLength;
  }

  // Connect ends stored input with '#' unless the flow sets another sequence.
  p.terminator = "#";
  Result<const Json*> dtmf = scope.optionalObject(params, "DTMFConfiguration");
  if (!dtmf.ok()) return dtmf.error();
  if (*dtmf) {
    if (Status s = scope.checkKeys(**dtmf, {"InputTerminationSequence", "DisableCancelKey"},
                                   "DTMFConfiguration");
        !s.ok())
      return s.error();
    Result<std::optional<std::string>> seq =
        scope.optionalString(**dtmf, "InputTerminationSequence");
    if (!seq.ok()) return seq.error();
    if (seq->has_value()) {
      const std::string& s = **seq;
      bool valid = static_cast<int>(s.size()) <= kMaxTerminatorLength;
      for (char c : s) valid = valid && isDtmfKey(c);
      if (!valid) {
        return scope.error(
            "DTMFConfiguration.InputTerminationSequence must be 1 to 5 of 0-9 * #, not '" + s +
            "'");
      }
      p.terminator = s;
    }
    Result<std::optional<bool>> disableCancel = scope.optionalBool(**dtmf, "DisableCancelKey");
    if (!disableCancel.ok()) return disableCancel.error();
  }
  Result<SpeechOptions> speech = parseSpeech(scope, params, p.maxDigits);
  if (!speech.ok()) return speech.error();
  p.speech = *speech;
  return BlockParams(std::move(p));
}

Result<BlockParams> parseAttributes(const ActionScope& scope, const Json& params) {
  if (Status s = scope.checkKeys(params, {"Attributes", "TargetContact"}); !s.ok())
    return s.error();
  if (Status s = scope.checkTargetContact(params); !s.ok()) return s.error();
  Result<const Json*> attrs = scope.optionalObject(params, "Attributes");
  if (!attrs.ok()) return attrs.error();
  if (!*attrs) return scope.error("missing required parameter Attributes");
  if ((*attrs)->empty()) return scope.error("Attributes must set at least one attribute");
  Result<NamedTemplates> values = parseNamedValues(scope, **attrs, "Attributes");
  if (!values.ok()) return values.error();
  return BlockParams(UpdateContactAttributesParams{std::move(values).value()});
}

Result<BlockParams> parseCompare(const ActionScope& scope, const Json& params) {
  if (Status s = scope.checkKeys(params, {"ComparisonValue"}); !s.ok()) return s.error();
  Result<std::string> value = scope.requiredString(params, "ComparisonValue");
  if (!value.ok()) return value.error();
  Result<Reference> ref = parseReference(*value);
  if (!ref.ok()) {
    if (value->starts_with("$.")) return scope.error(ref.error().message());
    return scope.error("ComparisonValue must be a single reference such as $.Attributes.x, not '" +
                       *value + "'");
  }
  return BlockParams(CompareParams{std::move(ref).value()});
}

Result<BlockParams> parseInvoke(const ActionScope& scope, const Json& params,
                                const LoadOptions& options) {
  if (Status s = scope.checkKeys(
          params, {"LambdaFunctionARN", "InvocationTimeLimitSeconds", "LambdaInvocationAttributes",
                   "InvocationType", "ResponseValidation"});
      !s.ok())
    return s.error();
  InvokeLambdaFunctionParams p;
  Result<std::string> arn = scope.requiredString(params, "LambdaFunctionARN");
  if (!arn.ok()) return arn.error();
  p.arn = *arn;
  Result<Template> arnTemplate = scope.dynamicValue(*arn);
  if (!arnTemplate.ok()) return arnTemplate.error();
  if (!arnTemplate->isStatic()) {
    // "$.Attributes.lambdaArn" or "arn:...:function:$.Attributes.name": only known per call, so
    // the channel resolves what it renders to (an unknown one takes the Error branch).
    p.dynamicArn = std::move(arnTemplate).value();
  } else {
    std::optional<std::string> resolved = options.resolveFunction
                                              ? options.resolveFunction(p.arn)
                                              : std::optional(functionNameFromArn(p.arn));
    if (!resolved || resolved->empty()) return scope.error("unknown function '" + p.arn + "'");
    p.function = std::move(*resolved);
  }

  Result<std::optional<int>> timeout = scope.optionalInt(
      params, "InvocationTimeLimitSeconds", kMinInvokeTimeoutSeconds, kMaxInvokeTimeoutSeconds);
  if (!timeout.ok()) return timeout.error();
  p.timeoutSeconds = timeout->value_or(kDefaultInvokeTimeoutSeconds);

  Result<const Json*> attrs = scope.optionalObject(params, "LambdaInvocationAttributes");
  if (!attrs.ok()) return attrs.error();
  if (*attrs) {
    Result<NamedTemplates> values = parseNamedValues(scope, **attrs, "LambdaInvocationAttributes");
    if (!values.ok()) return values.error();
    p.parameters = std::move(values).value();
  }

  Result<std::optional<std::string>> invocationType =
      scope.optionalString(params, "InvocationType");
  if (!invocationType.ok()) return invocationType.error();
  if (invocationType->has_value() && **invocationType != "SYNCHRONOUS") {
    return scope.error("InvocationType '" + **invocationType +
                       "' is not supported (only SYNCHRONOUS)");
  }
  Result<const Json*> responseValidation = scope.optionalObject(params, "ResponseValidation");
  if (!responseValidation.ok()) return responseValidation.error();
  if (*responseValidation) {
    if (Status s = scope.checkKeys(**responseValidation, {"ResponseType"}, "ResponseValidation");
        !s.ok())
      return s.error();
    Result<std::optional<std::string>> rt =
        scope.optionalString(**responseValidation, "ResponseType");
    if (!rt.ok()) return rt.error();
    if (rt->has_value() && **rt != "STRING_MAP" && **rt != "JSON") {
      return scope.error("ResponseValidation.ResponseType must be STRING_MAP or JSON");
    }
    p.jsonResponse = rt->has_value() && **rt == "JSON";
  }
  return BlockParams(std::move(p));
}

Result<BlockParams> parseSetQueue(const ActionScope& scope, const Json& params) {
  if (Status s = scope.checkKeys(params, {"QueueId", "AgentId"}); !s.ok()) return s.error();
  if (params.contains("AgentId"))
    return scope.error("AgentId (agent queues) is not supported; use QueueId");
  Result<std::string> id = scope.requiredString(params, "QueueId");
  if (!id.ok()) return id.error();
  Result<Template> t = scope.staticOrReference("QueueId", *id);
  if (!t.ok()) return t.error();
  if (t->isStatic()) {
    std::string queue = queueFromQueueId(*id);
    if (queue.empty()) return scope.error("QueueId '" + *id + "' names no queue");
    return BlockParams(UpdateContactTargetQueueParams{Template::literal(std::move(queue))});
  }
  return BlockParams(UpdateContactTargetQueueParams{std::move(t).value()});
}

Result<BlockParams> parseLoop(const ActionScope& scope, const Json& params) {
  if (Status s = scope.checkKeys(params, {"LoopCount"}); !s.ok()) return s.error();
  Result<std::optional<int>> count = scope.optionalInt(params, "LoopCount", 0, kMaxLoopCount);
  if (!count.ok()) return count.error();
  if (!count->has_value()) return scope.error("missing required parameter LoopCount");
  return BlockParams(LoopParams{**count});
}

// Parameters nobody reads are still held to the limits every action has, so an ignored action
// cannot carry more than a read one: strings of at most kMaxStringParameterBytes, keys of at most
// kMaxKeyBytes, at most kMaxEntriesPerAction entries per object or array. The recursion is bounded
// by kMaxJsonDepth, checked before the document was parsed.
Status checkSizes(const ActionScope& scope, const Json& value, const std::string& path) {
  if (value.is_string()) {
    if (value.get_ref<const std::string&>().size() <= kMaxStringParameterBytes) return okStatus();
    return scope.error(path + " is longer than " + std::to_string(kMaxStringParameterBytes) +
                       " bytes");
  }
  if (!value.is_object() && !value.is_array()) return okStatus();
  if (value.size() > kMaxEntriesPerAction) {
    return scope.error(path + " has more than " + std::to_string(kMaxEntriesPerAction) +
                       " entries");
  }
  if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      if (Status s = checkSizes(scope, value[i], path + "[" + std::to_string(i) + "]"); !s.ok())
        return s;
    }
    return okStatus();
  }
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (it.key().size() > kMaxKeyBytes) {
      return scope.error(path + " has a key longer than " + std::to_string(kMaxKeyBytes) +
                         " bytes");
    }
    if (Status s = checkSizes(scope, *it, path + "." + it.key()); !s.ok()) return s;
  }
  return okStatus();
}

Result<BlockParams> parsePassThrough(const ActionScope& scope, std::string_view typeName,
                                     const Json& params) {
  std::span<const std::string_view> names = passThroughTypeNames();
  auto name = std::find(names.begin(), names.end(), typeName);
  if (name == names.end()) return scope.error("internal: not a pass-through action type");
  if (Status s = checkSizes(scope, params, "Parameters"); !s.ok()) return s.error();
  // The table's view: valid for the Flow's life.
  return BlockParams(PassThroughParams{*name, isUnavailableType(*name)});
}

// A family parser's own parameter type as the BlockParams alternative.
template <class Params>
Result<BlockParams> wrap(Result<Params> parsed) {
  if (!parsed.ok()) return parsed.error();
  return BlockParams(std::move(parsed).value());
}

}  // namespace

Result<BlockParams> parseParameters(const ActionScope& scope, BlockType type,
                                    std::string_view typeName, const Json& parameters,
                                    const LoadOptions& options) {
  switch (type) {
    case BlockType::kMessageParticipant:
      return parseMessage(scope, parameters);
    case BlockType::kGetParticipantInput:
      return parseInput(scope, parameters);
    case BlockType::kUpdateContactAttributes:
      return parseAttributes(scope, parameters);
    case BlockType::kCompare:
      return parseCompare(scope, parameters);
    case BlockType::kInvokeLambdaFunction:
      return parseInvoke(scope, parameters, options);
    case BlockType::kUpdateContactTargetQueue:
      return parseSetQueue(scope, parameters);
    case BlockType::kTransferContactToQueue:
      if (Status s = scope.checkKeys(parameters, {}); !s.ok()) return s.error();
      return BlockParams(TransferContactToQueueParams{});
    case BlockType::kDisconnectParticipant:
      if (Status s = scope.checkKeys(parameters, {}); !s.ok()) return s.error();
      return BlockParams(DisconnectParticipantParams{});
    case BlockType::kLoop:
      return parseLoop(scope, parameters);
    case BlockType::kPassThrough:
      return parsePassThrough(scope, typeName, parameters);
    // flow control (flowcore: flow_control.cc)
    case BlockType::kEndFlowExecution:
    case BlockType::kTransferToFlow:
    case BlockType::kInvokeFlowModule:
    case BlockType::kEndFlowModuleExecution:
    case BlockType::kDistributeByPercentage:
    case BlockType::kWait:
    case BlockType::kUpdateFlowAttributes:
      return parseFlowControl(scope, type, parameters);
    // Routing and data actions (blocks_routing.h).
    case BlockType::kCheckHoursOfOperation:
      return wrap(parseCheckHoursOfOperation(scope, parameters));
    case BlockType::kCheckMetricData:
      return wrap(parseCheckMetricData(scope, parameters));
    case BlockType::kGetCustomerProfile:
      return wrap(parseGetCustomerProfile(scope, parameters));
    case BlockType::kCreateCallbackContact:
      return wrap(parseCreateCallbackContact(scope, parameters));
    // contact actions (blocks_contact.h)
    case BlockType::kMessageParticipantIteratively:
    case BlockType::kUpdateContactTextToSpeechVoice:
    case BlockType::kUpdateContactData:
    case BlockType::kTagContact:
    case BlockType::kUnTagContact:
    case BlockType::kUpdateContactCallbackNumber:
    case BlockType::kDequeueContactAndTransferToQueue:
    case BlockType::kTransferParticipantToThirdParty:
    case BlockType::kCheckVoiceId:
      return contact::parseParameters(scope, type, parameters);
    // Lex bots
    case BlockType::kConnectParticipantWithLexBot:
      return parseLexBotParameters(scope, parameters, options);
  }
  return scope.error("internal: unhandled action type");
}

// For the action families in their own files.
Result<Prompt> parsePromptParameter(const ActionScope& scope, const Json& params, bool required) {
  return parsePrompt(scope, params, required);
}

Result<NamedTemplates> parseNamedValuesParameter(const ActionScope& scope, const Json& object,
                                                 std::string_view what) {
  return parseNamedValues(scope, object, what);
}

}  // namespace callgate::flow::detail
