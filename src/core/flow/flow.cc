#include "core/flow/flow.h"

#include <array>
#include <cstdint>
#include <exception>
#include <set>
#include <span>
#include <utility>

#include "common/hash.h"
#include "core/flow/block_parser.h"
#include "core/flow/blocks_contact.h"
#include "core/flow/json_reader.h"

namespace callgate::flow {
namespace {

using detail::Json;

constexpr std::string_view kSupportedVersion = "2019-10-30";

constexpr std::array<std::pair<BlockType, std::string_view>, 30> kBlockTypes{{
    {BlockType::kMessageParticipant, "MessageParticipant"},
    {BlockType::kGetParticipantInput, "GetParticipantInput"},
    {BlockType::kUpdateContactAttributes, "UpdateContactAttributes"},
    {BlockType::kCompare, "Compare"},
    {BlockType::kInvokeLambdaFunction, "InvokeLambdaFunction"},
    {BlockType::kUpdateContactTargetQueue, "UpdateContactTargetQueue"},
    {BlockType::kTransferContactToQueue, "TransferContactToQueue"},
    {BlockType::kDisconnectParticipant, "DisconnectParticipant"},
    {BlockType::kLoop, "Loop"},
    // flow control (flowcore: flow_control.cc)
    {BlockType::kEndFlowExecution, "EndFlowExecution"},
    {BlockType::kTransferToFlow, "TransferToFlow"},
    {BlockType::kInvokeFlowModule, "InvokeFlowModule"},
    {BlockType::kEndFlowModuleExecution, "EndFlowModuleExecution"},
    {BlockType::kDistributeByPercentage, "DistributeByPercentage"},
    {BlockType::kWait, "Wait"},
    {BlockType::kUpdateFlowAttributes, "UpdateFlowAttributes"},
    // Routing and data actions (blocks_routing.h).
    {BlockType::kCheckHoursOfOperation, "CheckHoursOfOperation"},
    {BlockType::kCheckMetricData, "CheckMetricData"},
    {BlockType::kGetCustomerProfile, "GetCustomerProfile"},
    {BlockType::kCreateCallbackContact, "CreateCallbackContact"},
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
    // Lex bots
    {BlockType::kConnectParticipantWithLexBot, "ConnectParticipantWithLexBot"},
}};

// Connect actions that only set behaviour callgate has no use for: flow logs, call recording and
// analytics, event hooks (flows run on other events), routing priority/age, media streaming and
// Voice ID streaming (callgate streams no audio anywhere). They load as BlockType::kPassThrough,
// follow NextAction and are listed by Flow::warnings(). Adding a Type here is all it takes to
// accept another one. Also here: an Amazon Q in Connect session (CreateWisdomSession; callgate
// has no Amazon Q, and nothing it runs reads $.Wisdom) and linking the contact to a customer
// profile for the agent's screen (AssociateContactToCustomerProfile; callgate's profiles are its
// customer store, looked up whenever a flow asks).
constexpr std::array<std::string_view, 12> kPassThroughTypes{{
    "UpdateFlowLoggingBehavior",
    "UpdateContactRecordingBehavior",
    "UpdateContactRecordingAndAnalyticsBehavior",
    "UpdateContactEventHooks",
    "UpdateContactRoutingBehavior",
    // contact actions (blocks_contact.h)
    "UpdateContactMediaStreamingBehavior",
    "StartVoiceIdStream",
    "CreateWisdomSession",
    "AssociateContactToCustomerProfile",
    // The actions callgate cannot carry out on a voice call (kUnavailableTypes below).
    "ShowView",
    "CreateTask",
    "TransferContactToAgent",
}};
// Of those, the ones that do something callgate cannot do, so a call always takes their
// NoMatchingError branch: a view on the agent's screen (ShowView; callgate has no agent
// workspace, and Connect supports it on chat only), a task contact (CreateTask; callgate has no
// task routing), and a transfer to the agent of a transfer-to-agent flow (TransferContactToAgent;
// callgate's own agents are reached by queue). Their conditions are never taken.
constexpr std::array<std::string_view, 3> kUnavailableTypes{{
    "ShowView",
    "CreateTask",
    "TransferContactToAgent",
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
    // flow control (flowcore)
    case BlockType::kInvokeFlowModule:
    case BlockType::kUpdateFlowAttributes:
    // Routing and data actions (blocks_routing.h); CheckMetricData's NextAction is its "no".
    case BlockType::kCheckMetricData:
    case BlockType::kGetCustomerProfile:
    case BlockType::kCreateCallbackContact:
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

bool isUnavailableType(std::string_view name) {
  return std::find(kUnavailableTypes.begin(), kUnavailableTypes.end(), name) !=
         kUnavailableTypes.end();
}

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
// private members; declared a friend in flow.h. With `all` set it goes on after an error and
// collects every one (Flow::check); without, it stops at the first (Flow::load).
class FlowBuilder {
 public:
  static Result<std::shared_ptr<const Flow>> build(const Json& root, const LoadOptions& options,
                                                   FlowInfo info, std::vector<Error>* all) {
    std::shared_ptr<Flow> flow(new Flow());
    flow->info_ = std::move(info);
    flow->library_ = options.library;
    std::size_t before = all ? all->size() : 0;
    std::set<std::string, std::less<>> failed;  // Identifiers of actions that did not parse
    if (Status s = readActions(*flow, root, options, all, failed); !s.ok()) return s.error();
    if (Status s = resolveBranches(*flow, all, failed); !s.ok()) return s.error();
    const std::string& start = root.at("StartAction").get_ref<const std::string&>();
    flow->start_ = flow->indexOf(start);
    if (flow->start_ == kNoBlock && !failed.count(start)) {
      Error e = flowError("StartAction '" + start + "' does not name an action");
      if (!all) return e;
      all->push_back(std::move(e));
    }
    if (all && all->size() > before) return firstOf(*all, before);
    collectWarnings(*flow);
    flow->fingerprint_ = fnv1aHex(root.at("Version").dump() + "\n" + root.at("StartAction").dump() +
                                  "\n" + root.at("Actions").dump());
    return std::shared_ptr<const Flow>(std::move(flow));
  }

 private:
  static Error firstOf(const std::vector<Error>& all, std::size_t from) {
    return all.size() > from ? all[from] : flowError("invalid flow");
  }

  // Records `e` and goes on (check), or returns it (load).
  static Status report(std::vector<Error>* all, Error e) {
    if (!all) return e;
    all->push_back(std::move(e));
    return okStatus();
  }

  static Status readActions(Flow& flow, const Json& root, const LoadOptions& options,
                            std::vector<Error>* all, std::set<std::string, std::less<>>& failed) {
    if (!root.is_object()) return flowError("the document must be a JSON object");
    auto version = root.find("Version");
    if (version == root.end()) {
      if (Status s = report(all, flowError("missing Version")); !s.ok()) return s;
    } else if (!version->is_string() ||
               version->get_ref<const std::string&>() != kSupportedVersion) {
      Error e = flowError("unsupported Version " + version->dump() + " (only \"2019-10-30\")");
      if (Status s = report(all, std::move(e)); !s.ok()) return s;
    }
    auto start = root.find("StartAction");
    if (start == root.end() || !start->is_string() ||
        start->get_ref<const std::string&>().empty()) {
      if (!all) return flowError("missing StartAction");
      all->push_back(flowError("missing StartAction"));
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
      if (!block.ok()) {
        const Json& action = (*actions)[i];
        if (action.is_object() && action.contains("Identifier") &&
            action.at("Identifier").is_string())
          failed.insert(action.at("Identifier").get<std::string>());
        if (Status s = report(all, block.error()); !s.ok()) return s;
        continue;
      }
      if (auto it = flow.index_.find(block->id); it != flow.index_.end()) {
        Error e = detail::scopeOf(*block).error("duplicate Identifier (also action #" +
                                                std::to_string(it->second + 1) + ")");
        if (Status s = report(all, std::move(e)); !s.ok()) return s;
        continue;
      }
      flow.index_.emplace(block->id, flow.blocks_.size());
      flow.blocks_.push_back(std::move(block).value());
    }
    if (all && (start == root.end() || !start->is_string() || version == root.end())) {
      return firstOf(*all, 0);
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

  static Status resolveBranches(Flow& flow, std::vector<Error>* all,
                                const std::set<std::string, std::less<>>& failed) {
    // A branch to an action that failed to parse is not a second error.
    auto check = [&](Status s) -> Status {
      if (s.ok()) return s;
      return report(all, s.error());
    };
    for (Block& block : flow.blocks_) {
      Transitions& t = block.transitions;
      if (t.next && !failed.count(t.next->target)) {
        if (Status s = check(resolve(flow, block, *t.next, "")); !s.ok()) return s;
      }
      for (ConditionBranch& c : t.conditions) {
        if (failed.count(c.next.target)) continue;
        std::string where =
            " in condition " + std::string(compareOperatorName(c.op)) + " '" + c.operand + "'";
        if (Status s = check(resolve(flow, block, c.next, where)); !s.ok()) return s;
      }
      for (ErrorBranch& e : t.errors) {
        if (failed.count(e.next.target)) continue;
        if (Status s = check(resolve(flow, block, e.next, " in error branch " + e.errorType));
            !s.ok())
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
      if (b.type == BlockType::kPassThrough) {
        warn(std::get<PassThroughParams>(b.params).unavailable
                 ? "callgate cannot do this on a voice call; it always takes NoMatchingError"
                 : "has no effect in callgate (accepted for compatibility)");
      }
      if (!reached[i]) warn("unreachable from StartAction");
      if (b.type == BlockType::kEndFlowModuleExecution && !flow.info_.isModule())
        warn(
            "EndFlowModuleExecution in a flow that is not a module; a call here ends with a "
            "flow error unless the flow runs as a module");
      if (b.type == BlockType::kWait)
        warn("Wait does not pause a voice call here; it takes its Error branch");
      // A menu (GetParticipantInput without StoreInput) leaves by its conditions and errors.
      bool menu = b.type == BlockType::kGetParticipantInput &&
                  !std::get<GetParticipantInputParams>(b.params).storeInput;
      if (usesNextAction(b.type) && !menu && !b.transitions.next) {
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

namespace {

std::string stringField(const Json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The flow document inside `root` and what the wrapper says about it. The wrappers are Connect's
// API shapes: DescribeContactFlow {"ContactFlow": {Arn, Id, Name, Type, Content}},
// DescribeContactFlowModule {"ContactFlowModule": {...}}, and the bare {Name, Type, Content} that
// CreateContactFlow takes (and Terraform/CloudFormation write). Content is the flow as a string.
Result<Json> unwrap(Json root, FlowInfo& info) {
  const Json* wrapper = nullptr;
  bool module = false;
  if (root.is_object() && root.contains("ContactFlow")) {
    wrapper = &root.at("ContactFlow");
  } else if (root.is_object() && root.contains("ContactFlowModule")) {
    wrapper = &root.at("ContactFlowModule");
    module = true;
  } else if (root.is_object() && root.contains("Content") && !root.contains("Actions")) {
    wrapper = &root;
  }
  if (wrapper == nullptr) return root;
  std::string what = module             ? "ContactFlowModule"
                     : wrapper == &root ? std::string("the wrapper")
                                        : std::string("ContactFlow");
  if (!wrapper->is_object() || !wrapper->contains("Content") ||
      !(wrapper->at("Content").is_string() || wrapper->at("Content").is_object())) {
    return flowError(what + " must be an object with the flow as a string in Content");
  }
  if (std::string name = stringField(*wrapper, "Name"); !name.empty()) info.name = name;
  if (std::string type = stringField(*wrapper, "Type"); !type.empty()) info.type = type;
  if (module) info.type = "MODULE";
  info.arn = stringField(*wrapper, "Arn");
  if (info.arn.empty()) info.arn = stringField(*wrapper, "ARN");
  info.id = stringField(*wrapper, "Id");
  if (info.id.empty() && !info.arn.empty()) info.id = info.arn.substr(info.arn.rfind('/') + 1);
  const Json& content = wrapper->at("Content");
  if (content.is_object()) return content;
  std::string label = (what == "the wrapper" ? std::string("Content") : what + ".Content");
  return parseJson(content.get_ref<const std::string&>(), label + " JSON");
}

Result<std::shared_ptr<const Flow>> loadOrCheck(std::string_view json, const LoadOptions& options,
                                                std::vector<Error>* all) {
  // The parsing boundary: nothing may escape, whatever the input or the resolver does.
  try {
    Result<Json> root = parseJson(json, "flow JSON");
    if (!root.ok()) return root.error();
    FlowInfo info;
    info.name = options.name;
    Result<Json> doc = unwrap(std::move(root).value(), info);
    if (!doc.ok()) return doc.error();
    // A module's content says so in its Settings (inputs, outputs, branches) even unwrapped.
    if (doc->is_object() && doc->contains("Settings") && info.type == "CONTACT_FLOW")
      info.type = "MODULE";
    return FlowBuilder::build(*doc, options, std::move(info), all);
  } catch (const std::exception& e) {
    return Error::internal(std::string("flow: unexpected error while loading: ") + e.what());
  } catch (...) {  // a resolver may throw anything
    return Error::internal("flow: unexpected error while loading");
  }
}

}  // namespace

Result<std::shared_ptr<const Flow>> Flow::load(std::string_view json, const LoadOptions& options) {
  return loadOrCheck(json, options, nullptr);
}

std::vector<Error> Flow::check(std::string_view json, const LoadOptions& options) {
  std::vector<Error> all;
  Result<std::shared_ptr<const Flow>> flow = loadOrCheck(json, options, &all);
  if (!flow.ok() && all.empty()) all.push_back(flow.error());
  if (!flow.ok() && !all.empty()) {
    // An error that stopped the build early (a malformed document) is not in the list yet.
    bool listed = false;
    for (const Error& e : all) listed = listed || e.message() == flow.error().message();
    if (!listed) all.insert(all.begin(), flow.error());
  }
  return all;
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
