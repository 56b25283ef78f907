#include "core/flow/block_parser.h"

#include <algorithm>
#include <span>

#include "core/flow/blocks_contact.h"
#include "core/flow/blocks_lex.h"
#include "core/flow/flow_control.h"
#include "core/flow/parameters.h"

namespace callgate::flow::detail {
namespace {

// Connect reserves these in Identifiers; callgate also refuses control characters.
constexpr std::string_view kReservedIdChars = "%:()\\/=$,;[]{}";
constexpr std::size_t kMaxShownIdBytes = 60;

// The error branches each type can take (or that Connect exports carry for it).
std::span<const std::string_view> allowedErrors(BlockType type) {
  static constexpr std::string_view kInputErrors[] = {
      "NoMatchingError", "NoMatchingCondition", "InputTimeLimitExceeded", "InvalidPhoneNumber"};
  static constexpr std::string_view kCompareErrors[] = {"NoMatchingCondition", "NoMatchingError"};
  static constexpr std::string_view kTransferErrors[] = {"NoMatchingError", "QueueAtCapacity"};
  static constexpr std::string_view kGeneric[] = {"NoMatchingError"};
  // flow control (flowcore)
  static constexpr std::string_view kConditionalErrors[] = {"NoMatchingCondition",
                                                            "NoMatchingError"};
  // Routing and data actions (blocks_routing.h).
  static constexpr std::string_view kMetricErrors[] = {"NoMatchingError", "NoMatchingCondition"};
  static constexpr std::string_view kProfileErrors[] = {"NoMatchingError", "NoneFoundError",
                                                        "MultipleFoundError"};
  static constexpr std::string_view kLexErrors[] = {"NoMatchingError", "NoMatchingCondition",
                                                    "InputTimeLimitExceeded"};
  switch (type) {
    case BlockType::kGetParticipantInput:
      return kInputErrors;
    case BlockType::kCompare:
      return kCompareErrors;
    case BlockType::kTransferContactToQueue:
      return kTransferErrors;
    case BlockType::kDisconnectParticipant:
      return {};
    // flow control (flowcore)
    case BlockType::kEndFlowExecution:
    case BlockType::kEndFlowModuleExecution:
      return {};
    case BlockType::kDistributeByPercentage:
    case BlockType::kWait:
    case BlockType::kInvokeFlowModule:
      return kConditionalErrors;
    // Routing and data actions (blocks_routing.h).
    case BlockType::kCheckMetricData:
      return kMetricErrors;
    case BlockType::kGetCustomerProfile:
      return kProfileErrors;
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
      return contact::allowedErrors(type);
    // Lex bots
    case BlockType::kConnectParticipantWithLexBot:
      return kLexErrors;
    default:
      return kGeneric;
  }
}

std::string shown(std::string_view id) {
  if (id.size() <= kMaxShownIdBytes) return std::string(id);
  return std::string(id.substr(0, kMaxShownIdBytes)) + "...";
}

// Why an Identifier is unusable, or "" when it is fine.
std::string identifierProblem(std::string_view id) {
  if (id.empty()) return "Identifier must not be empty";
  if (id.size() > kMaxIdentifierLength) return "Identifier is longer than 50 characters";
  for (char c : id) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return "Identifier contains a control character";
    if (kReservedIdChars.find(c) != std::string_view::npos) {
      return std::string("Identifier contains the reserved character '") + c + "'";
    }
  }
  return "";
}

Result<std::string> branchTarget(const ActionScope& scope, const Json& obj,
                                 std::string_view where) {
  auto it = obj.find("NextAction");
  if (it == obj.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
    return scope.error(std::string(where) + " needs a NextAction");
  }
  return it->get<std::string>();
}

Result<ConditionBranch> parseCondition(const ActionScope& scope, const Json& entry) {
  if (!entry.is_object()) return scope.error("each entry of Conditions must be an object");
  Result<std::string> target = branchTarget(scope, entry, "a condition");
  if (!target.ok()) return target.error();
  auto cond = entry.find("Condition");
  if (cond == entry.end() || !cond->is_object())
    return scope.error("a condition needs a Condition object");
  auto op = cond->find("Operator");
  if (op == cond->end() || !op->is_string()) return scope.error("a condition needs an Operator");
  std::optional<CompareOperator> parsed = parseCompareOperator(op->get_ref<const std::string&>());
  if (!parsed) return scope.error("unknown Operator '" + op->get<std::string>() + "'");
  auto operands = cond->find("Operands");
  if (operands == cond->end() || !operands->is_array() || operands->size() != 1 ||
      !(*operands)[0].is_string()) {
    return scope.error("Operator " + op->get<std::string>() +
                       " needs exactly one string in Operands");
  }
  const std::string& operand = (*operands)[0].get_ref<const std::string&>();
  if (operand.size() > kMaxStringParameterBytes)
    return scope.error("a condition operand is too long");
  if (isNumericOperator(*parsed) && !parseNumber(operand)) {
    return scope.error("operand '" + operand + "' of " + op->get<std::string>() +
                       " is not a number");
  }
  return ConditionBranch{*parsed, operand, Branch{std::move(target).value(), kNoBlock}};
}

Result<Transitions> parseTransitions(const ActionScope& scope, const Json& action, BlockType type,
                                     bool anyBranches) {
  Transitions out;
  auto it = action.find("Transitions");
  if (it == action.end() || it->is_null()) return out;
  if (!it->is_object()) return scope.error("Transitions must be an object");
  const Json& tr = *it;

  auto next = tr.find("NextAction");
  if (next != tr.end() && !next->is_null()) {
    if (!next->is_string()) return scope.error("NextAction must be a string");
    if (!next->get_ref<const std::string&>().empty())
      out.next = Branch{next->get<std::string>(), kNoBlock};
  }

  auto conditions = tr.find("Conditions");
  if (conditions != tr.end() && !conditions->is_null()) {
    if (!conditions->is_array()) return scope.error("Conditions must be an array");
    if (conditions->size() > kMaxEntriesPerAction) return scope.error("too many Conditions");
    for (const Json& entry : *conditions) {
      Result<ConditionBranch> c = parseCondition(scope, entry);
      if (!c.ok()) return c.error();
      out.conditions.push_back(std::move(c).value());
    }
  }

  auto errors = tr.find("Errors");
  if (errors != tr.end() && !errors->is_null()) {
    if (!errors->is_array()) return scope.error("Errors must be an array");
    if (errors->size() > kMaxEntriesPerAction) return scope.error("too many Errors");
    std::span<const std::string_view> allowed = allowedErrors(type);
    for (const Json& entry : *errors) {
      if (!entry.is_object()) return scope.error("each entry of Errors must be an object");
      auto et = entry.find("ErrorType");
      if (et == entry.end() || !et->is_string())
        return scope.error("an error branch needs an ErrorType");
      std::string errorType = et->get<std::string>();
      // What callgate cannot do keeps the branches it was exported with (only NoMatchingError is
      // ever taken).
      if (!anyBranches && std::find(allowed.begin(), allowed.end(), errorType) == allowed.end()) {
        std::string list;
        for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        return scope.error("ErrorType '" + errorType + "' is not valid here (expected " +
                           (list.empty() ? std::string("none") : list) + ")");
      }
      if (out.onError(errorType)) return scope.error("duplicate ErrorType '" + errorType + "'");
      Result<std::string> target = branchTarget(scope, entry, "error branch " + errorType);
      if (!target.ok()) return target.error();
      out.errors.push_back(ErrorBranch{errorType, Branch{std::move(target).value(), kNoBlock}});
    }
  }
  return out;
}

// Which conditions a type accepts, given its parsed parameters.
Status checkConditions(const ActionScope& scope, const Block& block) {
  const std::vector<ConditionBranch>& conditions = block.transitions.conditions;
  switch (block.type) {
    case BlockType::kCompare:
      return okStatus();
    case BlockType::kPassThrough:  // what callgate cannot do keeps them as exported; never taken
      if (std::get<PassThroughParams>(block.params).unavailable) return okStatus();
      if (!conditions.empty())
        return scope.error("Conditions are not supported by this action type");
      return okStatus();
    case BlockType::kGetParticipantInput: {
      const auto& p = std::get<GetParticipantInputParams>(block.params);
      if (p.storeInput && !conditions.empty()) {
        return scope.error("Conditions are not allowed when StoreInput is True");
      }
      for (const ConditionBranch& c : conditions) {
        bool oneKey = c.operand.size() == 1 && ((c.operand[0] >= '0' && c.operand[0] <= '9') ||
                                                c.operand[0] == '*' || c.operand[0] == '#');
        if (c.op != CompareOperator::kEquals || !oneKey) {
          return scope.error("conditions must be Equals on one key (0-9, * or #), not " +
                             std::string(compareOperatorName(c.op)) + " '" + c.operand + "'");
        }
      }
      return okStatus();
    }
    case BlockType::kLoop: {
      bool seenContinue = false;
      bool seenDone = false;
      for (const ConditionBranch& c : conditions) {
        bool& seen = c.operand == "ContinueLooping" ? seenContinue : seenDone;
        if (c.op != CompareOperator::kEquals ||
            (c.operand != "ContinueLooping" && c.operand != "DoneLooping")) {
          return scope.error("conditions must be Equals ContinueLooping or Equals DoneLooping");
        }
        if (seen) return scope.error("duplicate condition " + c.operand);
        seen = true;
      }
      if (!seenContinue || !seenDone) {
        return scope.error("needs both a ContinueLooping and a DoneLooping condition");
      }
      return okStatus();
    }
    // flow control (flowcore)
    case BlockType::kDistributeByPercentage:
    case BlockType::kWait:
    case BlockType::kInvokeFlowModule:
      return checkFlowControlConditions(scope, block);
    // Routing and data actions (blocks_routing.h).
    case BlockType::kCheckHoursOfOperation:
    case BlockType::kCheckMetricData:
      return checkRoutingConditions(scope, block);
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
      return contact::checkTransitions(scope, block);
    // Lex bots
    case BlockType::kConnectParticipantWithLexBot:
      return checkLexConditions(scope, block);
    default:
      if (!conditions.empty())
        return scope.error("Conditions are not supported by this action type");
      return okStatus();
  }
}

}  // namespace

ActionScope scopeOf(const Block& block) {
  return ActionScope("'" + block.id + "'", std::string(block.typeName()));
}

Result<Block> parseBlock(const Json& action, std::size_t position, const LoadOptions& options) {
  std::string positionLabel = "#" + std::to_string(position);
  if (!action.is_object())
    return Error::invalidArgument("action " + positionLabel + ": must be an object");

  auto typeIt = action.find("Type");
  bool hasType = typeIt != action.end() && typeIt->is_string();
  std::string typeName = hasType ? shown(typeIt->get_ref<const std::string&>()) : "no Type";

  auto idIt = action.find("Identifier");
  if (idIt == action.end() || !idIt->is_string()) {
    return ActionScope(positionLabel, typeName).error("missing Identifier");
  }
  const std::string& id = idIt->get_ref<const std::string&>();
  ActionScope scope("'" + shown(id) + "'", typeName);
  if (std::string problem = identifierProblem(id); !problem.empty()) return scope.error(problem);
  if (!hasType) return scope.error("missing Type");

  std::optional<BlockType> type = parseBlockType(typeIt->get_ref<const std::string&>());
  if (!type) return scope.error("unsupported action Type '" + typeName + "'");

  Block block;
  block.id = id;
  block.type = *type;

  static const Json kEmptyObject = Json::object();
  const Json* params = &kEmptyObject;
  auto paramsIt = action.find("Parameters");
  if (paramsIt != action.end() && !paramsIt->is_null()) {
    if (!paramsIt->is_object()) return scope.error("Parameters must be an object");
    params = &*paramsIt;
  }
  Result<BlockParams> parsed =
      parseParameters(scope, *type, typeIt->get_ref<const std::string&>(), *params, options);
  if (!parsed.ok()) return parsed.error();
  block.params = std::move(parsed).value();

  Result<Transitions> transitions = parseTransitions(
      scope, action, *type, isUnavailableType(typeIt->get_ref<const std::string&>()));
  if (!transitions.ok()) return transitions.error();
  block.transitions = std::move(transitions).value();

  if (Status s = checkConditions(scope, block); !s.ok()) return s.error();
  return block;
}

}  // namespace callgate::flow::detail
