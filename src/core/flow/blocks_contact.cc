#include "core/flow/blocks_contact.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <initializer_list>
#include <utility>

#include "core/customer.h"
#include "core/flow/blocks_contact_internal.h"
#include "core/flow/session.h"
#include "core/verdict.h"

namespace callgate::flow::contact {
namespace {

using detail::ActionScope;
using detail::Json;

using internal::applyVoice;
using internal::fail;
using internal::kNoMatchingError;
using internal::next;
using internal::paramsOf;
using internal::parseVoice;
using internal::renderVoice;
using internal::wrap;

constexpr std::string_view kMessagesInterrupted = "MessagesInterrupted";

// Text, SSML or PromptId of one entry of Messages (exactly one).
Result<Prompt> parseMessage(const ActionScope& scope, const Json& entry, std::size_t index) {
  const std::string where = "Messages[" + std::to_string(index) + "]";
  if (!entry.is_object()) return scope.error(where + " must be an object");
  if (entry.contains("Media"))
    return scope.error(where +
                       ".Media (audio from S3) is not supported; use Text, SSML or PromptId");
  if (Status s = scope.checkKeys(entry, {"Text", "SSML", "PromptId"}, where); !s.ok())
    return s.error();
  std::optional<Prompt> found;
  for (auto [key, kind] :
       {std::pair{"Text", Prompt::Kind::kText}, std::pair{"SSML", Prompt::Kind::kSsml},
        std::pair{"PromptId", Prompt::Kind::kPromptId}}) {
    Result<std::optional<std::string>> s = scope.optionalString(entry, key);
    if (!s.ok()) return s.error();
    if (!s->has_value()) continue;
    if (found) return scope.error(where + " must have exactly one of Text, SSML or PromptId");
    Result<Template> t = kind == Prompt::Kind::kPromptId ? scope.staticOrReference(key, **s)
                                                         : scope.dynamicValue(**s);
    if (!t.ok()) return t.error();
    found = Prompt{kind, std::move(t).value()};
  }
  if (!found) return scope.error(where + " needs one of Text, SSML or PromptId");
  return std::move(*found);
}

Result<BlockParams> parseIterative(const ActionScope& scope, const Json& params) {
  if (Status s = scope.checkKeys(params, {"Messages", "InterruptFrequencySeconds"}); !s.ok())
    return s.error();
  auto messages = params.find("Messages");
  if (messages == params.end()) return scope.error("missing required parameter Messages");
  if (!messages->is_array() || messages->empty())
    return scope.error("Messages must be a non-empty array");
  if (messages->size() > kMaxEntriesPerAction) {
    return scope.error("Messages has more than " + std::to_string(kMaxEntriesPerAction) +
                       " entries");
  }
  IterativeMessages out;
  for (std::size_t i = 0; i < messages->size(); ++i) {
    Result<Prompt> prompt = parseMessage(scope, (*messages)[i], i);
    if (!prompt.ok()) return prompt.error();
    out.messages.push_back(std::move(prompt).value());
  }
  Result<std::optional<int>> interrupt =
      scope.optionalInt(params, "InterruptFrequencySeconds", 1, kMaxInterruptSeconds);
  if (!interrupt.ok()) return interrupt.error();
  out.interruptSeconds = interrupt->value_or(0);
  return wrap(std::move(out));
}

Result<BlockParams> parseTextToSpeechVoice(const ActionScope& scope, const Json& params) {
  if (Status s =
          scope.checkKeys(params, {"TextToSpeechVoice", "TextToSpeechEngine", "TextToSpeechStyle"});
      !s.ok())
    return s.error();
  Result<std::optional<TextToSpeechVoice>> voice = parseVoice(scope, params, /*required=*/true);
  if (!voice.ok()) return voice.error();
  return wrap(std::move(**voice));
}

Result<BlockParams> parseContactData(const ActionScope& scope, const Json& params) {
  // Voice ID and Amazon Q keys are accepted (exports of the Set Voice ID block carry them) and
  // have no effect: docs/FLOWS.md says so.
  if (Status s = scope.checkKeys(
          params,
          {"TargetContact", "Name", "Description", "LanguageCode", "TextToSpeechVoice",
           "TextToSpeechEngine", "TextToSpeechStyle", "References", "CustomerId",
           "IsVoiceIdStreamingEnabled", "IsFraudDetectionEnabled", "IsVoiceAuthenticationEnabled",
           "VoiceAuthenticationThreshold", "VoiceAuthenticationResponseTime",
           "FraudDetectionThreshold", "FraudDetectionWatchlistId", "WisdomSessionArn"});
      !s.ok())
    return s.error();
  if (Status s = scope.checkTargetContact(params); !s.ok()) return s.error();
  ContactData out;
  for (auto [key, field] :
       {std::pair{"Name", &out.name}, std::pair{"Description", &out.description}}) {
    Result<std::optional<std::string>> v = scope.optionalString(params, key, /*allowEmpty=*/true);
    if (!v.ok()) return v.error();
    if (!v->has_value()) continue;
    Result<Template> t = scope.dynamicValue(**v);
    if (!t.ok()) return t.error();
    *field = std::move(t).value();
  }
  Result<std::optional<std::string>> language = scope.optionalString(params, "LanguageCode");
  if (!language.ok()) return language.error();
  if (language->has_value()) {
    Result<Template> t = scope.dynamicValue(**language);
    if (!t.ok()) return t.error();
    if (t->isStatic() && !isLanguageTag(**language))
      return scope.error("LanguageCode must be a language tag such as en-US, not '" + **language +
                         "'");
    out.languageCode = std::move(t).value();
  }
  Result<std::optional<TextToSpeechVoice>> voice = parseVoice(scope, params, /*required=*/false);
  if (!voice.ok()) return voice.error();
  out.voice = std::move(*voice);
  for (std::string_view key : {"References"}) {
    if (Result<const Json*> o = scope.optionalObject(params, key); !o.ok()) return o.error();
  }
  return wrap(std::move(out));
}

bool validTagKey(std::string_view key) {
  if (key.empty() || key.size() > kMaxTagKeyBytes || key.starts_with("aws:")) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("+-=._:/ @").find(c) != std::string_view::npos;
  });
}

Result<BlockParams> parseTags(const ActionScope& scope, const Json& params) {
  if (Status s = scope.checkKeys(params, {"Tags"}); !s.ok()) return s.error();
  Result<const Json*> tags = scope.optionalObject(params, "Tags");
  if (!tags.ok()) return tags.error();
  if (!*tags || (*tags)->empty()) return scope.error("Tags must set at least one tag");
  if ((*tags)->size() > kMaxEntriesPerAction) return scope.error("too many Tags");
  Tags out;
  for (auto it = (*tags)->begin(); it != (*tags)->end(); ++it) {
    if (!validTagKey(it.key())) {
      return scope.error("tag key '" + it.key() +
                         "' must be 1 to 128 letters, digits or + - = . _ : / @ and not start "
                         "with aws:");
    }
    if (!it->is_string()) return scope.error("Tags." + it.key() + " must be a string");
    Result<Template> t = scope.dynamicValue(it->get_ref<const std::string&>());
    if (!t.ok()) return t.error();
    out.tags.emplace_back(it.key(), std::move(t).value());
  }
  return wrap(std::move(out));
}

Result<BlockParams> parseUnTag(const ActionScope& scope, const Json& params) {
  if (Status s = scope.checkKeys(params, {"TagKeys"}); !s.ok()) return s.error();
  auto keys = params.find("TagKeys");
  if (keys == params.end() || !keys->is_array() || keys->empty())
    return scope.error("TagKeys must be a non-empty array of tag keys");
  if (keys->size() > kMaxEntriesPerAction) return scope.error("too many TagKeys");
  TagKeys out;
  for (const Json& k : *keys) {
    if (!k.is_string() || !validTagKey(k.get_ref<const std::string&>()))
      return scope.error("TagKeys entries must be tag keys (static strings)");
    out.keys.push_back(k.get<std::string>());
  }
  return wrap(std::move(out));
}

Result<BlockParams> parseDequeue(const ActionScope& scope, const Json& params) {
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
    return wrap(DequeueToQueue{Template::literal(std::move(queue))});
  }
  return wrap(DequeueToQueue{std::move(t).value()});
}

Result<BlockParams> parseCheckVoiceId(const ActionScope& scope, const Json& params) {
  if (Status s = scope.checkKeys(params, {"CheckVoiceIdOption"}); !s.ok()) return s.error();
  Result<std::string> option = scope.requiredString(params, "CheckVoiceIdOption");
  if (!option.ok()) return option.error();
  CheckVoiceId out;
  if (*option == "enrollmentStatus") {
    out.option = CheckVoiceId::Option::kEnrollmentStatus;
  } else if (*option == "voiceAuthentication") {
    out.option = CheckVoiceId::Option::kVoiceAuthentication;
  } else if (*option == "fraudDetection") {
    out.option = CheckVoiceId::Option::kFraudDetection;
  } else {
    return scope.error(
        "CheckVoiceIdOption must be enrollmentStatus, voiceAuthentication or fraudDetection, not "
        "'" +
        *option + "'");
  }
  return wrap(out);
}

// The statuses CheckVoiceId can answer for an option (its condition operands).
std::span<const std::string_view> voiceIdStatuses(CheckVoiceId::Option option) {
  static constexpr std::string_view kEnrollment[] = {"Enrolled", "NotEnrolled", "OptedOut"};
  static constexpr std::string_view kAuthentication[] = {"Authenticated", "NotAuthenticated",
                                                         "Inconclusive", "NotEnrolled", "OptedOut"};
  static constexpr std::string_view kFraud[] = {"HighRisk", "LowRisk", "Inconclusive"};
  switch (option) {
    case CheckVoiceId::Option::kEnrollmentStatus:
      return kEnrollment;
    case CheckVoiceId::Option::kVoiceAuthentication:
      return kAuthentication;
    case CheckVoiceId::Option::kFraudDetection:
      return kFraud;
  }
  return {};
}

std::optional<PlayPrompt> renderMessage(const Prompt& prompt, const ContactState& state) {
  std::optional<std::string> content = prompt.content.render(state, kMaxValueBytes);
  if (!content) return std::nullopt;
  PlayPrompt out;
  if (prompt.kind == Prompt::Kind::kPromptId) {
    out.promptId = std::move(*content);
  } else {
    out.text = std::move(*content);
    out.ssml = prompt.kind == Prompt::Kind::kSsml;
  }
  return out;
}

Step enterCheckVoiceId(const Block& block, const ContactState& state) {
  std::string status;
  switch (paramsOf<CheckVoiceId>(block).option) {
    case CheckVoiceId::Option::kEnrollmentStatus:
      status = "NotEnrolled";  // callgate keeps no voiceprints
      break;
    case CheckVoiceId::Option::kVoiceAuthentication:
      // callgate's own verdict (set by the flow from its functions' answers) stands in for the
      // voiceprint match; anything short of it is Inconclusive, never a positive answer.
      status = isAuthenticated(state.attributes) ? "Authenticated" : "Inconclusive";
      break;
    case CheckVoiceId::Option::kFraudDetection:
      status = "Inconclusive";  // no watchlist to compare against
      break;
  }
  return Step{Step::Kind::kCondition, status, std::nullopt};
}

}  // namespace

// ---- Loading ----

Result<BlockParams> parseParameters(const ActionScope& scope, BlockType type, const Json& params) {
  switch (type) {
    case BlockType::kMessageParticipantIteratively:
      return parseIterative(scope, params);
    case BlockType::kUpdateContactTextToSpeechVoice:
      return parseTextToSpeechVoice(scope, params);
    case BlockType::kUpdateContactData:
      return parseContactData(scope, params);
    case BlockType::kTagContact:
      return parseTags(scope, params);
    case BlockType::kUnTagContact:
      return parseUnTag(scope, params);
    case BlockType::kUpdateContactCallbackNumber:
      return internal::parseCallbackNumber(scope, params);
    case BlockType::kDequeueContactAndTransferToQueue:
      return parseDequeue(scope, params);
    case BlockType::kTransferParticipantToThirdParty:
      return internal::parseThirdParty(scope, params);
    case BlockType::kCheckVoiceId:
      return parseCheckVoiceId(scope, params);
    default:
      return scope.error("internal: not a contact action type");
  }
}

std::span<const std::string_view> allowedErrors(BlockType type) {
  static constexpr std::string_view kGeneric[] = {"NoMatchingError"};
  static constexpr std::string_view kCallback[] = {"InvalidCallbackNumber",
                                                   "CallbackNumberNotDialable", "NoMatchingError"};
  static constexpr std::string_view kQueue[] = {"QueueAtCapacity", "NoMatchingError"};
  static constexpr std::string_view kThirdParty[] = {"CallFailed", "ConnectionTimeLimitExceeded",
                                                     "NoMatchingError"};
  static constexpr std::string_view kConditional[] = {"NoMatchingCondition", "NoMatchingError"};
  switch (type) {
    case BlockType::kUpdateContactCallbackNumber:
      return kCallback;
    case BlockType::kDequeueContactAndTransferToQueue:
      return kQueue;
    case BlockType::kTransferParticipantToThirdParty:
      return kThirdParty;
    case BlockType::kCheckVoiceId:
      return kConditional;
    default:
      return kGeneric;
  }
}

Status checkTransitions(const ActionScope& scope, const Block& block) {
  const std::vector<ConditionBranch>& conditions = block.transitions.conditions;
  std::span<const std::string_view> operands;
  static constexpr std::string_view kInterrupted[] = {kMessagesInterrupted};
  switch (block.type) {
    case BlockType::kMessageParticipantIteratively:
      operands = kInterrupted;
      break;
    case BlockType::kCheckVoiceId:
      operands = voiceIdStatuses(paramsOf<CheckVoiceId>(block).option);
      break;
    case BlockType::kTransferParticipantToThirdParty:
      if (!paramsOf<ThirdParty>(block).continueFlow &&
          (block.transitions.onError("CallFailed") ||
           block.transitions.onError("ConnectionTimeLimitExceeded"))) {
        return scope.error(
            "CallFailed and ConnectionTimeLimitExceeded need ContinueFlowExecution True");
      }
      break;
    default:
      break;
  }
  for (const ConditionBranch& c : conditions) {
    if (operands.empty()) return scope.error("Conditions are not supported by this action type");
    bool known = std::find(operands.begin(), operands.end(), c.operand) != operands.end();
    if (c.op != CompareOperator::kEquals || !known) {
      std::string list;
      for (std::string_view o : operands) list += (list.empty() ? "" : ", ") + std::string(o);
      return scope.error("conditions must be Equals one of " + list + ", not " +
                         std::string(compareOperatorName(c.op)) + " '" + c.operand + "'");
    }
  }
  return okStatus();
}

std::string summary(const Block& block) {
  switch (block.type) {
    case BlockType::kMessageParticipantIteratively: {
      const auto& p = paramsOf<IterativeMessages>(block);
      std::string out = std::to_string(p.messages.size()) + " messages in a loop";
      if (p.interruptSeconds > 0) out += ", interrupted";
      return out;
    }
    case BlockType::kUpdateContactTextToSpeechVoice:
      return "voice " + paramsOf<TextToSpeechVoice>(block).voice.source();
    case BlockType::kUpdateContactData:
      return "contact data";
    case BlockType::kTagContact:
      return std::to_string(paramsOf<Tags>(block).tags.size()) + " tags";
    case BlockType::kUnTagContact:
      return "remove " + std::to_string(paramsOf<TagKeys>(block).keys.size()) + " tags";
    case BlockType::kUpdateContactCallbackNumber:
      return "callback number " + paramsOf<CallbackNumber>(block).number.path;
    case BlockType::kDequeueContactAndTransferToQueue:
      return "transfer to queue " + paramsOf<DequeueToQueue>(block).queue.source();
    case BlockType::kTransferParticipantToThirdParty:
      return "transfer to " + paramsOf<ThirdParty>(block).number.source();
    case BlockType::kCheckVoiceId:
      return "voice ID (callgate's verdict)";
    default:
      return "";
  }
}

bool usesNextAction(BlockType type) {
  switch (type) {
    // Not MessageParticipantIteratively: without an interruption it never leaves.
    case BlockType::kUpdateContactTextToSpeechVoice:
    case BlockType::kUpdateContactData:
    case BlockType::kTagContact:
    case BlockType::kUnTagContact:
    case BlockType::kUpdateContactCallbackNumber:
      return true;
    default:
      return false;
  }
}

// ---- Running ----

Step enter(const Block& block, ContactState& state, std::map<std::string, int>& counters) {
  switch (block.type) {
    case BlockType::kMessageParticipantIteratively: {
      std::optional<Action> action = describe(block, state, counters);
      if (!action) {
        counters.erase(block.id);
        return fail(std::string(kNoMatchingError));
      }
      return Step{Step::Kind::kWait, "", std::move(action)};
    }
    case BlockType::kUpdateContactTextToSpeechVoice: {
      auto voice = renderVoice(paramsOf<TextToSpeechVoice>(block), state);
      if (!voice) return fail(std::string(kNoMatchingError));
      applyVoice(std::move(*voice), state);
      return next();
    }
    case BlockType::kUpdateContactData: {
      const ContactData& p = paramsOf<ContactData>(block);
      // All or none, as UpdateContactAttributes: render before changing anything.
      std::optional<std::string> name =
          p.name ? p.name->render(state, kMaxValueBytes) : std::optional(state.contact.name);
      std::optional<std::string> description = p.description
                                                   ? p.description->render(state, kMaxValueBytes)
                                                   : std::optional(state.contact.description);
      std::optional<std::string> language =
          p.languageCode ? p.languageCode->render(state, kMaxValueBytes) : std::nullopt;
      std::optional<std::array<std::string, 3>> voice =
          p.voice ? renderVoice(*p.voice, state) : std::nullopt;
      if (!name || !description || (p.languageCode && (!language || !isLanguageTag(*language))) ||
          (p.voice && !voice))
        return fail(std::string(kNoMatchingError));
      state.contact.name = std::move(*name);
      state.contact.description = std::move(*description);
      if (language) {
        state.contact.languageCode = *language;
        state.call.languageCode = std::move(*language);  // $.LanguageCode
      }
      if (voice) applyVoice(std::move(*voice), state);
      return next();
    }
    case BlockType::kTagContact: {
      std::map<std::string, std::string> rendered;
      for (const auto& [key, value] : paramsOf<Tags>(block).tags) {
        std::optional<std::string> v = value.render(state, kMaxTagValueBytes);
        if (!v) return fail(std::string(kNoMatchingError));
        rendered[key] = std::move(*v);
      }
      for (auto& [key, value] : rendered) state.contact.tags[key] = std::move(value);
      return next();
    }
    case BlockType::kUnTagContact:
      for (const std::string& key : paramsOf<TagKeys>(block).keys) state.contact.tags.erase(key);
      return next();
    case BlockType::kUpdateContactCallbackNumber:
      return internal::enterCallbackNumber(block, state);
    case BlockType::kDequeueContactAndTransferToQueue: {
      std::optional<std::string> id =
          paramsOf<DequeueToQueue>(block).queue.render(state, kMaxValueBytes);
      std::string queue = id ? queueFromQueueId(*id) : std::string();
      if (queue.empty()) return fail(std::string(kNoMatchingError));
      state.queue = queue;
      return Step{Step::Kind::kEnd, "", Action(TransferToQueue{queue, state.attributes})};
    }
    case BlockType::kTransferParticipantToThirdParty:
      return internal::enterThirdParty(block, state);
    case BlockType::kCheckVoiceId:
      return enterCheckVoiceId(block, state);
    default:
      return fail(std::string(kNoMatchingError));
  }
}

std::optional<Action> describe(const Block& block, const ContactState& state,
                               const std::map<std::string, int>& counters) {
  if (block.type != BlockType::kMessageParticipantIteratively) return std::nullopt;
  const IterativeMessages& p = paramsOf<IterativeMessages>(block);
  auto it = counters.find(block.id);
  std::size_t index = it == counters.end() ? 0 : static_cast<std::size_t>(it->second);
  if (index >= p.messages.size()) return std::nullopt;
  std::optional<PlayPrompt> prompt = renderMessage(p.messages[index], state);
  if (!prompt) return std::nullopt;
  return Action(std::move(*prompt));
}

std::optional<Step> answer(const Block& block, ContactState& /*state*/, const Event& event,
                           std::map<std::string, int>& counters) {
  if (block.type != BlockType::kMessageParticipantIteratively ||
      !std::holds_alternative<PromptPlayed>(event))
    return std::nullopt;
  const IterativeMessages& p = paramsOf<IterativeMessages>(block);
  int& index = counters[block.id];
  ++index;
  if (static_cast<std::size_t>(index) < p.messages.size()) return Step{Step::Kind::kAgain, "", {}};
  counters.erase(block.id);  // the next pass, or a later visit, starts at the first message
  // callgate has no queue to hold the caller in and no clock in the session: one pass of the
  // messages stands for the interruption interval (docs/FLOWS.md).
  if (p.interruptSeconds == 0) return Step{Step::Kind::kAgain, "", {}};
  for (const ConditionBranch& c : block.transitions.conditions) {
    if (c.operand == kMessagesInterrupted)
      return Step{Step::Kind::kCondition, std::string(kMessagesInterrupted), std::nullopt};
  }
  return next();
}

bool validCounter(const Block& block, long long value) {
  if (block.type != BlockType::kMessageParticipantIteratively) return false;
  return value >= 0 &&
         static_cast<std::size_t>(value) < paramsOf<IterativeMessages>(block).messages.size();
}

nlohmann::json settingsToJson(const ContactSettings& s) {
  nlohmann::json tags = nlohmann::json::object();
  for (const auto& [k, v] : s.tags) tags[k] = v;
  return {{"ttsVoice", s.ttsVoice},       {"ttsEngine", s.ttsEngine},
          {"ttsStyle", s.ttsStyle},       {"name", s.name},
          {"description", s.description}, {"languageCode", s.languageCode},
          {"tags", std::move(tags)}};
}

Result<ContactSettings> settingsFromJson(const nlohmann::json& json) {
  auto bad = [](const std::string& what) {
    return Error::invalidArgument("session snapshot: contact." + what);
  };
  ContactSettings out;
  if (!json.is_object()) return bad("must be an object");
  for (auto [key, field] :
       {std::pair{"ttsVoice", &out.ttsVoice}, std::pair{"ttsEngine", &out.ttsEngine},
        std::pair{"ttsStyle", &out.ttsStyle}, std::pair{"name", &out.name},
        std::pair{"description", &out.description}, std::pair{"languageCode", &out.languageCode}}) {
    auto it = json.find(key);
    if (it == json.end()) continue;
    if (!it->is_string()) return bad(std::string(key) + " must be a string");
    *field = it->get<std::string>();
  }
  if (auto it = json.find("tags"); it != json.end()) {
    if (!it->is_object()) return bad("tags must be an object");
    for (auto t = it->begin(); t != it->end(); ++t) {
      if (!t->is_string()) return bad("tags." + t.key() + " must be a string");
      out.tags[t.key()] = t->get<std::string>();
    }
  }
  return out;
}

}  // namespace callgate::flow::contact
