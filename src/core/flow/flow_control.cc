// The flow control actions: loading (detail::parseFlowControl) and running
// (Session::enterFlowControl). What they do follows Connect's flow language reference:
// - EndFlowExecution ends the flow; on an inbound voice call nothing follows, so the call ends.
// - TransferToFlow continues at another flow's start; flow attributes and Loop counters do not
//   carry over (they belong to a flow), contact attributes and everything else do.
// - InvokeFlowModule runs a module (a flow of Type MODULE) with its Input as $.Modules.Input and,
//   when the module reaches EndFlowModuleExecution, continues at the condition named by the
//   return's Result (NoMatchingCondition when the block has conditions but none of that name), or
//   at NextAction when the return names none; the return's ResultData becomes the caller's
//   $.Modules.ResultData. The reference documents only FlowModuleId and an empty return; Input,
//   Result and ResultData are the keys the editor writes for modules with inputs, outputs and
//   custom branches. The module sees and changes the same contact (attributes, $.External,
//   queue) but has its own flow attributes and input.
// - DistributeByPercentage draws 1..100 and evaluates its NumberLessThan conditions.
// - Wait does not pause a voice call without Connect's "keep running" options, which the flow
//   language does not carry, so it takes its Error branch as Connect documents for voice.
// - UpdateFlowAttributes sets $.FlowAttributes, all or none.
#include "core/flow/flow_control.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "common/hash.h"
#include "core/flow/parameters.h"
#include "core/flow/session.h"

namespace callgate::flow {
namespace detail {
namespace {

constexpr int kMaxWaitSeconds = 604800;  // Connect's documented maximum (seven days)
constexpr std::size_t kMaxKeyBytes = 128;

Result<Template> parseFlowId(const ActionScope& scope, const Json& params, const char* key) {
  Result<std::string> id = scope.requiredString(params, key);
  if (!id.ok()) return id.error();
  return scope.staticOrReference(key, *id);
}

// An optional {key: dynamic value} object (a module's Input, its ResultData).
Result<NamedTemplates> optionalNamedValues(const ActionScope& scope, const Json& params,
                                           std::string_view key) {
  Result<const Json*> object = scope.optionalObject(params, key);
  if (!object.ok()) return object.error();
  if (!*object) return NamedTemplates{};
  return parseNamedValuesParameter(scope, **object, key);
}

Result<BlockParams> parseInvokeModule(const ActionScope& scope, const Json& params) {
  if (Status s = scope.checkKeys(params, {"FlowModuleId", "Input"}); !s.ok()) return s.error();
  InvokeFlowModuleParams p;
  Result<Template> module = parseFlowId(scope, params, "FlowModuleId");
  if (!module.ok()) return module.error();
  p.module = std::move(module).value();
  Result<NamedTemplates> input = optionalNamedValues(scope, params, "Input");
  if (!input.ok()) return input.error();
  p.input = std::move(input).value();
  return BlockParams(std::move(p));
}

Result<BlockParams> parseModuleReturn(const ActionScope& scope, const Json& params) {
  if (Status s = scope.checkKeys(params, {"Result", "ResultData"}); !s.ok()) return s.error();
  EndFlowModuleExecutionParams p;
  Result<std::optional<std::string>> result = scope.optionalString(params, "Result");
  if (!result.ok()) return result.error();
  if (result->has_value()) {
    if ((*result)->size() > kMaxKeyBytes || (*result)->starts_with("$."))
      return scope.error("Result must be a branch name of at most " + std::to_string(kMaxKeyBytes) +
                         " bytes, set statically");
    p.result = **result;
  }
  Result<NamedTemplates> data = optionalNamedValues(scope, params, "ResultData");
  if (!data.ok()) return data.error();
  p.resultData = std::move(data).value();
  return BlockParams(std::move(p));
}

Result<BlockParams> parseWait(const ActionScope& scope, const Json& params) {
  if (Status s = scope.checkKeys(params, {"TimeoutSeconds", "Events"}); !s.ok()) return s.error();
  WaitParams p;
  auto timeout = params.find("TimeoutSeconds");
  if (timeout == params.end() || timeout->is_null())
    return scope.error("missing required parameter TimeoutSeconds");
  if (timeout->is_string() && timeout->get_ref<const std::string&>().starts_with("$.")) {
    Result<Template> t =
        scope.staticOrReference("TimeoutSeconds", timeout->get_ref<const std::string&>());
    if (!t.ok()) return t.error();
    p.timeout = std::move(t).value();
  } else {
    Result<std::optional<int>> seconds =
        scope.optionalInt(params, "TimeoutSeconds", 1, kMaxWaitSeconds);
    if (!seconds.ok()) return seconds.error();
    p.timeout = Template::literal(std::to_string(**seconds));
  }
  auto events = params.find("Events");
  if (events != params.end() && !events->is_null()) {
    if (!events->is_array() || events->size() > kMaxEntriesPerAction)
      return scope.error("Events must be a list of event names");
    for (const Json& e : *events) {
      if (!e.is_string() || e.get_ref<const std::string&>().empty() ||
          e.get_ref<const std::string&>().size() > kMaxKeyBytes)
        return scope.error("Events must be a list of event names");
      p.events.push_back(e.get<std::string>());
    }
  }
  return BlockParams(std::move(p));
}

// FlowAttributes: {"key": {"Value": "dynamic text"}} as Connect exports it; a plain string value
// is read the same way.
Result<BlockParams> parseFlowAttributes(const ActionScope& scope, const Json& params) {
  if (Status s = scope.checkKeys(params, {"FlowAttributes"}); !s.ok()) return s.error();
  Result<const Json*> attrs = scope.optionalObject(params, "FlowAttributes");
  if (!attrs.ok()) return attrs.error();
  if (!*attrs) return scope.error("missing required parameter FlowAttributes");
  if ((*attrs)->empty()) return scope.error("FlowAttributes must set at least one attribute");
  if ((*attrs)->size() > kMaxEntriesPerAction) {
    return scope.error("FlowAttributes has more than " + std::to_string(kMaxEntriesPerAction) +
                       " entries");
  }
  UpdateFlowAttributesParams p;
  for (auto it = (*attrs)->begin(); it != (*attrs)->end(); ++it) {
    const std::string& key = it.key();
    if (key.empty() || key.size() > kMaxKeyBytes) {
      return scope.error("FlowAttributes key '" + key + "' must be 1 to " +
                         std::to_string(kMaxKeyBytes) + " bytes");
    }
    std::string text;
    if (it->is_string()) {
      text = it->get<std::string>();
    } else if (it->is_object()) {
      std::string path = "FlowAttributes." + key;
      if (Status s = scope.checkKeys(*it, {"Value"}, path); !s.ok()) return s.error();
      auto value = it->find("Value");
      if (value == it->end() || !value->is_string())
        return scope.error(path + ".Value must be a string");
      text = value->get<std::string>();
    } else {
      return scope.error("FlowAttributes." + key + " must be {\"Value\": \"...\"}");
    }
    if (text.size() > kMaxStringParameterBytes)
      return scope.error("FlowAttributes." + key + " is too long");
    Result<Template> t = scope.dynamicValue(text);
    if (!t.ok()) return t.error();
    p.attributes.emplace_back(key, std::move(t).value());
  }
  return BlockParams(std::move(p));
}

}  // namespace

Result<BlockParams> parseFlowControl(const ActionScope& scope, BlockType type,
                                     const Json& parameters) {
  switch (type) {
    case BlockType::kEndFlowExecution:
      if (Status s = scope.checkKeys(parameters, {}); !s.ok()) return s.error();
      return BlockParams(EndFlowExecutionParams{});
    case BlockType::kTransferToFlow: {
      if (Status s = scope.checkKeys(parameters, {"ContactFlowId"}); !s.ok()) return s.error();
      Result<Template> flow = parseFlowId(scope, parameters, "ContactFlowId");
      if (!flow.ok()) return flow.error();
      return BlockParams(TransferToFlowParams{std::move(flow).value()});
    }
    case BlockType::kInvokeFlowModule:
      return parseInvokeModule(scope, parameters);
    case BlockType::kEndFlowModuleExecution:
      return parseModuleReturn(scope, parameters);
    case BlockType::kDistributeByPercentage:
      if (Status s = scope.checkKeys(parameters, {}); !s.ok()) return s.error();
      return BlockParams(DistributeByPercentageParams{});
    case BlockType::kWait:
      return parseWait(scope, parameters);
    case BlockType::kUpdateFlowAttributes:
      return parseFlowAttributes(scope, parameters);
    default:
      return scope.error("internal: not a flow control action");
  }
}

Status checkFlowControlConditions(const ActionScope& scope, const Block& block) {
  const std::vector<ConditionBranch>& conditions = block.transitions.conditions;
  switch (block.type) {
    case BlockType::kDistributeByPercentage:
      for (const ConditionBranch& c : conditions) {
        std::optional<double> n = parseNumber(c.operand);
        if (c.op != CompareOperator::kNumberLessThan || !n || *n < 1 || *n > 100) {
          return scope.error("conditions must be NumberLessThan a number from 1 to 100, not " +
                             std::string(compareOperatorName(c.op)) + " '" + c.operand + "'");
        }
      }
      return okStatus();
    case BlockType::kWait:
    case BlockType::kInvokeFlowModule:
      for (const ConditionBranch& c : conditions) {
        if (c.op != CompareOperator::kEquals)
          return scope.error("conditions must be Equals, not " +
                             std::string(compareOperatorName(c.op)));
      }
      return okStatus();
    default:
      if (!conditions.empty())
        return scope.error("Conditions are not supported by this action type");
      return okStatus();
  }
}

int percentageDraw(std::string_view contactId, std::string_view actionId, int step) {
  const std::string stepText = std::to_string(step);
  std::uint64_t h = kFnv1aOffset;
  // Each field ends with a 0xff byte (never in UTF-8), so "ab"+"c" and "a"+"bc" differ.
  for (std::string_view field : {contactId, actionId, std::string_view(stepText)}) {
    h = fnv1a(fnv1a(h, field), "\xff");
  }
  return static_cast<int>(h % 100) + 1;
}

}  // namespace detail

Session::Move Session::jumpTo(const Block& from, std::string outcome,
                              std::shared_ptr<const Flow> to) {
  record(from, std::move(outcome));
  flow_ = std::move(to);
  loops_.clear();
  state_.flowAttributes.clear();
  state_.moduleResult.clear();
  jump_ = Branch{flow_->startBlock().id, flow_->startIndex()};
  return Move{"start of " + flow_->info().name, &jump_, /*recorded=*/true};
}

std::variant<Action, Session::Move> Session::enterFlowControl(std::size_t index) {
  const Block& block = flow_->blocks()[index];
  auto findFlow = [&](const Template& ref) -> std::shared_ptr<const Flow> {
    std::optional<std::string> id = ref.render(state_, kMaxValueBytes);
    if (!id || id->empty() || !library_) return nullptr;
    return library_->find(*id);
  };
  switch (block.type) {
    case BlockType::kEndFlowExecution:
      record(block, "end");
      return finish(Disconnect{Disconnect::Why::kFlowEnded, "flow ended", state_.attributes},
                    Disconnect::Why::kFlowEnded, "flow ended");

    case BlockType::kTransferToFlow: {
      // Connect: the Error branch when the flow is not a valid flow of a transferable type.
      std::shared_ptr<const Flow> target =
          findFlow(std::get<TransferToFlowParams>(block.params).flow);
      if (!target || target->info().isModule()) return error(block, "NoMatchingError");
      frames_.clear();  // a transfer leaves any module for good
      state_.moduleInput.clear();
      std::string outcome = "transfer:" + target->info().name;  // before target is moved from
      return jumpTo(block, std::move(outcome), std::move(target));
    }

    case BlockType::kInvokeFlowModule: {
      const auto& params = std::get<InvokeFlowModuleParams>(block.params);
      std::shared_ptr<const Flow> module = findFlow(params.module);
      if (!module || !module->info().isModule() || frames_.size() >= kMaxModuleDepth)
        return error(block, "NoMatchingError");
      std::optional<std::map<std::string, std::string>> input = renderAll(params.input, state_);
      if (!input) return error(block, "NoMatchingError");
      frames_.push_back(Frame{flow_, index, state_.flowAttributes, loops_,
                              std::exchange(state_.moduleInput, std::move(*input))});
      std::string outcome = "module:" + module->info().name;  // before module is moved from
      return jumpTo(block, std::move(outcome), std::move(module));
    }

    case BlockType::kEndFlowModuleExecution: {
      if (frames_.empty()) {
        record(block, "flow-error");
        return fail(&block, "returns from a module, but the call is not in one");
      }
      // ResultData is read in the module, before its flow attributes and input go.
      const auto& params = std::get<EndFlowModuleExecutionParams>(block.params);
      std::optional<std::map<std::string, std::string>> result =
          renderAll(params.resultData, state_);
      // Copied: `block` belongs to the module, which the call is about to leave.
      const std::string branch = params.result;
      record(block, branch.empty() ? std::string("return") : "return:" + branch);
      Frame frame = std::move(frames_.back());
      frames_.pop_back();
      flow_ = std::move(frame.flow);
      state_.flowAttributes = std::move(frame.flowAttributes);
      state_.moduleInput = std::move(frame.moduleInput);
      loops_ = std::move(frame.loops);
      const Block& invoke = flow_->blocks()[frame.invoke];
      auto invokeError = [&](const std::string& type) -> std::variant<Action, Move> {
        Move m = error(invoke, type);
        if (!m.branch) return fail(&invoke, "has no " + type + " branch");
        m.recorded = true;
        return m;
      };
      if (!result) {
        state_.moduleResult.clear();
        return invokeError("NoMatchingError");
      }
      state_.moduleResult = std::move(*result);
      // A named result takes the invoking block's condition of that name; a module that names
      // none (or one the block does not branch on, when it has no conditions) returns by
      // NextAction, the block's Success branch.
      if (!branch.empty() && !invoke.transitions.conditions.empty()) {
        for (const ConditionBranch& c : invoke.transitions.conditions) {
          if (evaluateCondition(c.op, branch, c.operand))
            return Move{"condition:" + c.operand, &c.next, /*recorded=*/true};
        }
        return invokeError("NoMatchingCondition");
      }
      if (!invoke.transitions.next) return fail(&invoke, "has no NextAction");
      return Move{"return", &*invoke.transitions.next, /*recorded=*/true};
    }

    case BlockType::kDistributeByPercentage: {
      int draw = detail::percentageDraw(state_.call.contactId, block.id, totalSteps_);
      for (const ConditionBranch& c : block.transitions.conditions) {
        if (evaluateCondition(c.op, std::to_string(draw), c.operand))
          return Move{"condition:" + c.operand, &c.next};
      }
      return error(block, "NoMatchingCondition");
    }

    case BlockType::kWait:
      return error(block, "NoMatchingError");

    case BlockType::kUpdateFlowAttributes: {
      std::map<std::string, std::string> values;
      for (const auto& [key, value] :
           std::get<UpdateFlowAttributesParams>(block.params).attributes) {
        std::optional<std::string> rendered = value.render(state_, kMaxValueBytes);
        if (!rendered) return error(block, "NoMatchingError");
        values[key] = std::move(*rendered);
      }
      for (auto& [key, value] : values) state_.flowAttributes[key] = std::move(value);
      return next(block);
    }

    default:
      return Move{"flow-error", nullptr};
  }
}

}  // namespace callgate::flow
