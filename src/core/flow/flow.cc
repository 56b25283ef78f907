#include "core/flow/flow.h"

#include <array>
#include <cstdint>
#include <exception>
#include <span>
#include <utility>

#include "core/flow/block_parser.h"
#include "core/flow/blocks_contact.h"
#include "core/flow/json_reader.h"

namespace callgate::flow {
namespace {

using detail::Json;

constexpr std::string_view kSupportedVersion = "2019-10-30";

constexpr std::array<std::pair<BlockType, std::string_view>, 18> kBlockTypes{{
    {BlockType::kMessageParticipant, "MessageParticipant"},
    {BlockType::kGetParticipantInput, "GetParticipantInput"},
    {BlockType::kUpdateContactAttributes, "UpdateContactAttributes"},
    {BlockType::kCompare, "Compare"},
    {BlockType::kInvokeLambdaFunction, "InvokeLambdaFunction"},
    {BlockType::kUpdateContactTargetQueue, "UpdateContactTargetQueue"},
    {BlockType::kTransferContactToQueue, "TransferContactToQueue"},
    {BlockType::kDisconnectParticipant, "DisconnectParticipant"},
    {BlockType::kLoop, "Loop"},
    // contact actions (blocks_contact.h)
    {BlockType::kMessageParticipantIteratively, "MessageParticipantIteratively"},
    {BlockType::kUpdateContactTextToSpeechVoice, "UpdateContactTextToSpeechVoice"},
    {BlockType::kUpdateContactData, "UpdateContactData"},
    {BlockType::kTagContact, "TagContact"},
    {BlockType::kUnTagContact, "UnTagContact"},
    {BlockType::kUpdateContactCallbackNumber, "UpdateContactCallbackNumber"},
    {BlockType::kDequeueContactAndTransferToQueue, "DequeueContactAndTransferToQueue"},
    {BlockType::kTransferParticipantToThirdParty, "TransferParticipantToThirdParty"},
    {BlockType::kCheckVoiceId, "CheckVoiceId"},
}};

// Connect actions that only set behaviour callgate has no use for: flow logs, call recording and
// analytics, event hooks (flows run on other events), routing priority/age, media streaming and
// Voice ID streaming (callgate streams no audio anywhere). They load as BlockType::kPassThrough,
// follow NextAction and are listed by Flow::warnings(). Adding a Type here is all it takes to
// accept another one.
constexpr std::array<std::string_view, 7> kPassThroughTypes{{
    "UpdateFlowLoggingBehavior",
    "UpdateContactRecordingBehavior",
    "UpdateContactRecordingAndAnalyticsBehavior",
    "UpdateContactEventHooks",
    "UpdateContactRoutingBehavior",
    // contact actions (blocks_contact.h)
    "UpdateContactMediaStreamingBehavior",
    "StartVoiceIdStream",
}};

Error flowError(std::string message) {
  return Error::invalidArgument("flow: " + std::move(message));
}

// nlohmann's messages start with "[json.exception.parse_error.101] "; keep the readable rest,
// which carries the line and column.
std::string parseErrorText(const std::exception& e) {
  std::string what = e.what();
  std::size_t close = what.find("] ");
  return close == std::string::npos ? what : what.substr(close + 2);
}

// FNV-1a, 64 bits: stable across builds and processes, unlike std::hash.
std::string fnv1aHex(std::string_view data) {
  std::uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : data) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = kHex[h & 0xf];
    h >>= 4;
  }
  return out;
}

Result<Json> parseJson(std::string_view text, std::string_view what) {
  if (text.size() > kMaxFlowJsonBytes) {
    return flowError(std::string(what) + " is larger than " + std::to_string(kMaxFlowJsonBytes) +
                     " bytes");
  }
  if (detail::jsonNestingDepth(text) > kMaxJsonDepth) {
    return flowError(std::string(what) + " is nested deeper than " + std::to_string(kMaxJsonDepth) +
                     " levels");
  }
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& e) {
    return Error::invalidArgument("malformed " + std::string(what) + ": " + parseErrorText(e));
  }
}

// True for the types whose success path is NextAction.
bool usesNextAction(BlockType type) {
  switch (type) {
    case BlockType::kMessageParticipant:
    case BlockType::kGetParticipantInput:
    case BlockType::kUpdateContactAttributes:
    case BlockType::kInvokeLambdaFunction:
    case BlockType::kUpdateContactTargetQueue:
    case BlockType::kPassThrough:
      return true;
    // contact actions (blocks_contact.h)
    case BlockType::kUpdateContactTextToSpeechVoice:
    case BlockType::kUpdateContactData:
    case BlockType::kTagContact:
    case BlockType::kUnTagContact:
    case BlockType::kUpdateContactCallbackNumber:
      return contact::usesNextAction(type);
    default:
      return false;
  }
}

}  // namespace

std::string_view blockTypeName(BlockType type) {
  if (type == BlockType::kPassThrough) return "PassThrough";
  for (const auto& [t, name] : kBlockTypes) {
    if (t == type) return name;
  }
  return "Unknown";
}

std::optional<BlockType> parseBlockType(std::string_view name) {
  for (const auto& [t, n] : kBlockTypes) {
    if (n == name) return t;
  }
  for (std::string_view n : kPassThroughTypes) {
    if (n == name) return BlockType::kPassThrough;
  }
  return std::nullopt;
}

std::span<const std::string_view> passThroughTypeNames() { return kPassThroughTypes; }

std::string queueFromQueueId(std::string_view queueId) {
  std::size_t at = queueId.rfind("queue/");
  if (queueId.starts_with("arn:") && at != std::string_view::npos)
    return std::string(queueId.substr(at + 6));
  return std::string(queueId);
}

std::string functionNameFromArn(std::string_view arnOrName) {
  constexpr std::string_view kMarker = ":function:";
  std::size_t at = arnOrName.find(kMarker);
  if (!arnOrName.starts_with("arn:") || at == std::string_view::npos) return std::string(arnOrName);
  std::string_view rest = arnOrName.substr(at + kMarker.size());
  return std::string(rest.substr(0, rest.find(':')));  // drop a ":version" or ":alias" qualifier
}

// Builds a Flow from a parsed document. A class (not free functions) so it can fill Flow's
// private members; declared a friend in flow.h.
class FlowBuilder {
 public:
  static Result<std::shared_ptr<const Flow>> build(const Json& root, const LoadOptions& options) {
    std::shared_ptr<Flow> flow(new Flow());
    if (Status s = readActions(*flow, root, options); !s.ok()) return s.error();
    if (Status s = resolveBranches(*flow); !s.ok()) return s.error();
    const std::string& start = root.at("StartAction").get_ref<const std::string&>();
    flow->start_ = flow->indexOf(start);
    if (flow->start_ == kNoBlock)
      return flowError("StartAction '" + start + "' does not name an action");
    collectWarnings(*flow);
    flow->fingerprint_ = fnv1aHex(root.at("Version").dump() + "\n" + root.at("StartAction").dump() +
                                  "\n" + root.at("Actions").dump());
    return std::shared_ptr<const Flow>(std::move(flow));
  }

 private:
  static Status readActions(Flow& flow, const Json& root, const LoadOptions& options) {
    if (!root.is_object()) return flowError("the document must be a JSON object");
    auto version = root.find("Version");
    if (version == root.end()) return flowError("missing Version");
    if (!version->is_string() || version->get_ref<const std::string&>() != kSupportedVersion) {
      return flowError("unsupported Version " + version->dump() + " (only \"2019-10-30\")");
    }
    auto start = root.find("StartAction");
    if (start == root.end() || !start->is_string() ||
        start->get_ref<const std::string&>().empty()) {
      return flowError("missing StartAction");
    }
    auto actions = root.find("Actions");
    if (actions == root.end() || !actions->is_array()) return flowError("missing Actions array");
    if (actions->empty()) return flowError("Actions is empty");
    if (actions->size() > kMaxActions) {
      return flowError(std::to_string(actions->size()) + " actions; at most " +
                       std::to_string(kMaxActions) + " are allowed");
    }
    for (std::size_t i = 0; i < actions->size(); ++i) {
      Result<Block> block = detail::parseBlock((*actions)[i], i + 1, options);
      if (!block.ok()) return block.error();
      if (auto it = flow.index_.find(block->id); it != flow.index_.end()) {
        return detail::scopeOf(*block).error("duplicate Identifier (also action #" +
                                             std::to_string(it->second + 1) + ")");
      }
      flow.index_.emplace(block->id, flow.blocks_.size());
      flow.blocks_.push_back(std::move(block).value());
    }
    return okStatus();
  }

  static Status resolve(const Flow& flow, const Block& block, Branch& branch,
                        const std::string& where) {
    branch.index = flow.indexOf(branch.target);
    if (branch.index != kNoBlock) return okStatus();
    return detail::scopeOf(block).error("dangling NextAction '" + branch.target + "'" + where +
                                        ": no action has that Identifier");
  }

  static Status resolveBranches(Flow& flow) {
    for (Block& block : flow.blocks_) {
      Transitions& t = block.transitions;
      if (t.next) {
        if (Status s = resolve(flow, block, *t.next, ""); !s.ok()) return s;
      }
      for (ConditionBranch& c : t.conditions) {
        std::string where =
            " in condition " + std::string(compareOperatorName(c.op)) + " '" + c.operand + "'";
        if (Status s = resolve(flow, block, c.next, where); !s.ok()) return s;
      }
      for (ErrorBranch& e : t.errors) {
        if (Status s = resolve(flow, block, e.next, " in error branch " + e.errorType); !s.ok())
          return s;
      }
    }
    return okStatus();
  }

  static void collectWarnings(Flow& flow) {
    std::vector<bool> reached(flow.blocks_.size(), false);
    std::vector<std::size_t> todo{flow.start_};
    reached[flow.start_] = true;
    auto visit = [&](const Branch& b) {
      if (!reached[b.index]) {
        reached[b.index] = true;
        todo.push_back(b.index);
      }
    };
    while (!todo.empty()) {
      const Transitions& t = flow.blocks_[todo.back()].transitions;
      todo.pop_back();
      if (t.next) visit(*t.next);
      for (const ConditionBranch& c : t.conditions) visit(c.next);
      for (const ErrorBranch& e : t.errors) visit(e.next);
    }
    for (std::size_t i = 0; i < flow.blocks_.size(); ++i) {
      const Block& b = flow.blocks_[i];
      auto warn = [&](const std::string& m) {
        flow.warnings_.push_back(detail::scopeOf(b).error(m).message());
      };
      // Never skipped silently: `flow check` lists every action that does nothing here.
      if (b.type == BlockType::kPassThrough)
        warn("has no effect in callgate (accepted for compatibility)");
      if (!reached[i]) warn("unreachable from StartAction");
      if (usesNextAction(b.type) && !b.transitions.next) {
        warn("no NextAction; a call that gets here ends with a flow error");
      }
      bool noMatchingError = b.transitions.onError("NoMatchingError") == nullptr;
      bool noMatchingCondition = b.transitions.onError("NoMatchingCondition") == nullptr;
      if ((b.type == BlockType::kGetParticipantInput ||
           b.type == BlockType::kInvokeLambdaFunction) &&
          noMatchingError) {
        warn("no NoMatchingError branch; a failure here ends the call with a flow error");
      }
      bool conditional = b.type == BlockType::kCompare ||
                         (b.type == BlockType::kGetParticipantInput &&
                          !std::get<GetParticipantInputParams>(b.params).storeInput);
      if (conditional && noMatchingCondition) {
        warn("no NoMatchingCondition branch; an unmatched value ends the call with a flow error");
      }
    }
  }
};

Result<std::shared_ptr<const Flow>> Flow::load(std::string_view json, const LoadOptions& options) {
  // The parsing boundary: nothing may escape, whatever the input or the resolver does.
  try {
    Result<Json> root = parseJson(json, "flow JSON");
    if (!root.ok()) return root.error();
    if (root->is_object() && root->contains("ContactFlow")) {
      const Json& wrapper = root->at("ContactFlow");
      if (!wrapper.is_object() || !wrapper.contains("Content") ||
          !wrapper.at("Content").is_string()) {
        return flowError("ContactFlow must be an object with the flow as a string in Content");
      }
      const std::string& content = wrapper.at("Content").get_ref<const std::string&>();
      Result<Json> inner = parseJson(content, "ContactFlow.Content JSON");
      if (!inner.ok()) return inner.error();
      return FlowBuilder::build(*inner, options);
    }
    return FlowBuilder::build(*root, options);
  } catch (const std::exception& e) {
    return Error::internal(std::string("flow: unexpected error while loading: ") + e.what());
  } catch (...) {  // a resolver may throw anything
    return Error::internal("flow: unexpected error while loading");
  }
}

std::size_t Flow::indexOf(std::string_view id) const {
  auto it = index_.find(id);
  return it == index_.end() ? kNoBlock : it->second;
}

const Block* Flow::find(std::string_view id) const {
  std::size_t i = indexOf(id);
  return i == kNoBlock ? nullptr : &blocks_[i];
}

}  // namespace callgate::flow
