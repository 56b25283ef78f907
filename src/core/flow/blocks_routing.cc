// Routing and data actions: parsing (the loader) and running (Session's *Routing members). Each
// action waits on one reserved function (internal_functions.h) and leaves by its answer; the
// function's result never reaches $.External, as in Connect.
#include "core/flow/blocks_routing.h"

#include <algorithm>
#include <initializer_list>
#include <string_view>

#include "core/flow/internal_functions.h"
#include "core/flow/model.h"
#include "core/flow/session.h"

namespace callgate::flow {
namespace {

namespace fn = internal;

constexpr std::string_view kMetricTypes[] = {
    "NumberOfAgentsAvailable", "NumberOfAgentsStaffed", "NumberOfAgentsOnline",
    "OldestContactInQueueAgeSeconds", "NumberOfContactsInQueue"};
// Connect's bounds for the callback delays: more than 0, at most three days.
constexpr int kMaxCallbackDelaySeconds = 259200;
// Connect documents no upper bound for the attempts; a callback dialled more than this is abuse.
constexpr int kMaxCallbackAttempts = 100;
// Defaults when a flow leaves the callback timing out (Connect's editor always writes them).
constexpr int kDefaultInitialDelaySeconds = 5;
constexpr int kDefaultRetryDelaySeconds = 600;
// The reserved functions read the local store or config; a slow database still answers in this.
constexpr int kInternalTimeoutSeconds = 5;

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](char x, char y) { return (x | 0x20) == (y | 0x20); });
}

// A queue given statically is cut to its id, as UpdateContactTargetQueue does.
Result<Template> queueParameter(const detail::ActionScope& scope, const detail::Json& params,
                                bool singleReference) {
  Result<std::optional<std::string>> id = scope.optionalString(params, "QueueId");
  if (!id.ok()) return id.error();
  if (!id->has_value()) return Template();
  Result<Template> t =
      singleReference ? scope.staticOrReference("QueueId", **id) : scope.dynamicValue(**id);
  if (!t.ok()) return t.error();
  if (!t->isStatic()) return t;
  std::string queue = queueFromQueueId(**id);
  if (queue.empty()) return scope.error("QueueId '" + **id + "' names no queue");
  return Template::literal(std::move(queue));
}

Result<std::pair<std::string, Template>> identifier(const detail::ActionScope& scope,
                                                    const detail::Json& object,
                                                    std::string_view where) {
  Result<std::string> name = scope.requiredString(object, "IdentifierName");
  if (!name.ok()) return name.error();
  if (!fn::isKnownProfileIdentifier(*name)) {
    return scope.error(std::string(where) + "IdentifierName '" + *name +
                       "' is not searchable here (use _phone, PhoneNumber, _account, "
                       "AccountNumber, _profileId or _email)");
  }
  // Connect's own reference spells the value key "IdentiferValue"; flows carry either.
  const char* valueKey = object.contains("IdentiferValue") ? "IdentiferValue" : "IdentifierValue";
  Result<std::string> value = scope.requiredString(object, valueKey);
  if (!value.ok()) return value.error();
  Result<Template> t = scope.dynamicValue(*value);
  if (!t.ok()) return t.error();
  return std::pair<std::string, Template>{std::move(name).value(), std::move(t).value()};
}

}  // namespace

bool isMetricType(std::string_view name) {
  return std::find(std::begin(kMetricTypes), std::end(kMetricTypes), name) !=
         std::end(kMetricTypes);
}

bool isAgentMetric(std::string_view name) {
  return isMetricType(name) && name.starts_with("NumberOfAgents");
}

namespace detail {

Result<CheckHoursOfOperationParams> parseCheckHoursOfOperation(const ActionScope& scope,
                                                               const Json& params) {
  if (Status s = scope.checkKeys(params, {"HoursOfOperationId"}); !s.ok()) return s.error();
  CheckHoursOfOperationParams p;
  Result<std::optional<std::string>> id = scope.optionalString(params, "HoursOfOperationId");
  if (!id.ok()) return id.error();
  if (id->has_value()) {
    Result<Template> t = scope.staticOrReference("HoursOfOperationId", **id);
    if (!t.ok()) return t.error();
    p.hours = std::move(t).value();
  }
  return p;
}

Result<CheckMetricDataParams> parseCheckMetricData(const ActionScope& scope, const Json& params) {
  if (Status s = scope.checkKeys(params, {"MetricType", "QueueId", "AgentId"}); !s.ok())
    return s.error();
  if (params.contains("AgentId"))
    return scope.error("AgentId (agent queues) is not supported; use QueueId");
  CheckMetricDataParams p;
  Result<std::string> metric = scope.requiredString(params, "MetricType");
  if (!metric.ok()) return metric.error();
  if (!isMetricType(*metric)) {
    return scope.error("MetricType '" + *metric +
                       "' is not one of NumberOfAgentsAvailable, NumberOfAgentsStaffed, "
                       "NumberOfAgentsOnline, OldestContactInQueueAgeSeconds, "
                       "NumberOfContactsInQueue");
  }
  p.metric = *metric;
  Result<Template> queue = queueParameter(scope, params, /*singleReference=*/false);
  if (!queue.ok()) return queue.error();
  p.queue = std::move(queue).value();
  return p;
}

Result<GetCustomerProfileParams> parseGetCustomerProfile(const ActionScope& scope,
                                                         const Json& params) {
  if (Status s = scope.checkKeys(params, {"ProfileRequestData", "ProfileResponseData"}); !s.ok())
    return s.error();
  GetCustomerProfileParams p;
  Result<const Json*> request = scope.optionalObject(params, "ProfileRequestData");
  if (!request.ok()) return request.error();
  if (!*request) return scope.error("missing required parameter ProfileRequestData");
  const Json& r = **request;
  if (Status s = scope.checkKeys(r,
                                 {"IdentifierName", "IdentifierValue", "IdentiferValue",
                                  "SearchCriteria", "LogicalOperator"},
                                 "ProfileRequestData");
      !s.ok())
    return s.error();
  auto criteria = r.find("SearchCriteria");
  if (criteria != r.end() && !criteria->is_null()) {
    if (r.contains("IdentifierName"))
      return scope.error("ProfileRequestData takes IdentifierName or SearchCriteria, not both");
    if (!criteria->is_array() || criteria->empty() ||
        criteria->size() > static_cast<std::size_t>(fn::kMaxIdentifiers)) {
      return scope.error("ProfileRequestData.SearchCriteria must be a list of 1 to " +
                         std::to_string(fn::kMaxIdentifiers) + " identifiers");
    }
    for (const Json& entry : *criteria) {
      if (!entry.is_object())
        return scope.error("each entry of ProfileRequestData.SearchCriteria must be an object");
      if (Status s = scope.checkKeys(entry, {"IdentifierName", "IdentifierValue", "IdentiferValue"},
                                     "ProfileRequestData.SearchCriteria");
          !s.ok())
        return s.error();
      auto id = identifier(scope, entry, "SearchCriteria");
      if (!id.ok()) return id.error();
      p.identifiers.push_back(std::move(id).value());
    }
    Result<std::string> op = scope.requiredString(r, "LogicalOperator");
    if (!op.ok()) return op.error();
    if (*op != "AND" && *op != "OR")
      return scope.error("ProfileRequestData.LogicalOperator must be AND or OR, not '" + *op + "'");
    p.logicalOperator = *op;
  } else {
    auto id = identifier(scope, r, "ProfileRequestData");
    if (!id.ok()) return id.error();
    p.identifiers.push_back(std::move(id).value());
  }

  // ProfileResponseData: the field names, as a list or as the keys of an object.
  auto response = params.find("ProfileResponseData");
  if (response != params.end() && !response->is_null()) {
    if (response->size() > kMaxEntriesPerAction)
      return scope.error("ProfileResponseData has too many fields");
    auto add = [&](const std::string& field) -> Status {
      if (field.empty() || field.size() > 128)
        return scope.error("ProfileResponseData field names must be 1 to 128 bytes");
      p.responseFields.push_back(field);
      return okStatus();
    };
    if (response->is_array()) {
      for (const Json& f : *response) {
        if (!f.is_string()) return scope.error("ProfileResponseData entries must be strings");
        if (Status s = add(f.get<std::string>()); !s.ok()) return s.error();
      }
    } else if (response->is_object()) {
      for (auto it = response->begin(); it != response->end(); ++it) {
        if (Status s = add(it.key()); !s.ok()) return s.error();
      }
    } else {
      return scope.error("ProfileResponseData must be a list of field names");
    }
  }
  return p;
}

Result<CreateCallbackContactParams> parseCreateCallbackContact(const ActionScope& scope,
                                                               const Json& params) {
  if (Status s = scope.checkKeys(
          params, {"QueueId", "AgentId", "InitialCallDelaySeconds", "MaximumConnectionAttempts",
                   "RetryDelaySeconds", "ContactFlowId"});
      !s.ok())
    return s.error();
  if (params.contains("AgentId"))
    return scope.error("AgentId (agent queues) is not supported; use QueueId");
  CreateCallbackContactParams p;
  Result<Template> queue = queueParameter(scope, params, /*singleReference=*/true);
  if (!queue.ok()) return queue.error();
  p.queue = std::move(queue).value();
  Result<std::optional<int>> initial =
      scope.optionalInt(params, "InitialCallDelaySeconds", 1, kMaxCallbackDelaySeconds);
  if (!initial.ok()) return initial.error();
  p.initialDelaySeconds = initial->value_or(kDefaultInitialDelaySeconds);
  Result<std::optional<int>> attempts =
      scope.optionalInt(params, "MaximumConnectionAttempts", 1, kMaxCallbackAttempts);
  if (!attempts.ok()) return attempts.error();
  p.maxAttempts = attempts->value_or(1);
  Result<std::optional<int>> retry =
      scope.optionalInt(params, "RetryDelaySeconds", 1, kMaxCallbackDelaySeconds);
  if (!retry.ok()) return retry.error();
  p.retryDelaySeconds = retry->value_or(kDefaultRetryDelaySeconds);
  Result<std::optional<std::string>> flowId = scope.optionalString(params, "ContactFlowId");
  if (!flowId.ok()) return flowId.error();
  if (flowId->has_value()) {
    if ((*flowId)->find("$.") != std::string::npos)
      return scope.error("ContactFlowId must be static");
    p.contactFlowId = **flowId;
  }
  return p;
}

Status checkRoutingConditions(const ActionScope& scope, const Block& block) {
  const std::vector<ConditionBranch>& conditions = block.transitions.conditions;
  if (block.type == BlockType::kCheckHoursOfOperation) {
    bool seenTrue = false;
    bool seenFalse = false;
    for (const ConditionBranch& c : conditions) {
      bool isTrue = equalsIgnoreCase(c.operand, "True");
      if (c.op != CompareOperator::kEquals || (!isTrue && !equalsIgnoreCase(c.operand, "False")))
        return scope.error("conditions must be Equals True or Equals False");
      bool& seen = isTrue ? seenTrue : seenFalse;
      if (seen) return scope.error("duplicate condition " + c.operand);
      seen = true;
    }
    if (!seenTrue || !seenFalse)
      return scope.error("needs both an Equals True and an Equals False condition");
    return okStatus();
  }
  if (block.type == BlockType::kCheckMetricData) {
    const auto& p = std::get<CheckMetricDataParams>(block.params);
    for (const ConditionBranch& c : conditions) {
      if (isAgentMetric(p.metric)) {
        std::optional<double> zero = parseNumber(c.operand);
        if (c.op != CompareOperator::kNumberGreaterThan || !zero || *zero != 0) {
          return scope.error("the only condition " + p.metric + " allows is NumberGreaterThan 0");
        }
      } else if (c.op != CompareOperator::kEquals && !isNumericOperator(c.op)) {
        return scope.error("conditions must be Equals or a Number* operator, not " +
                           std::string(compareOperatorName(c.op)));
      } else if (!parseNumber(c.operand)) {
        return scope.error("operand '" + c.operand + "' is not a number");
      }
    }
    return okStatus();
  }
  if (!conditions.empty()) return scope.error("Conditions are not supported by this action type");
  return okStatus();
}

}  // namespace detail

std::variant<Action, Session::Move> Session::enterRouting(std::size_t index) {
  const Block& block = flow_->blocks()[index];
  std::optional<Action> action = describeRouting(block);
  if (!action) return error(block, "NoMatchingError");
  // Nothing to ask about: no hours named and no queue to take them from, no queue for the
  // metric, no number to call back.
  const auto& parameters = std::get<InvokeFunction>(*action).parameters;
  auto empty = [&](std::string_view key) {
    auto it = parameters.find(std::string(key));
    return it == parameters.end() || it->second.empty();
  };
  switch (block.type) {
    case BlockType::kCheckHoursOfOperation:
      if (empty(fn::kHoursId) && empty(fn::kQueue)) return error(block, "NoMatchingError");
      break;
    case BlockType::kCheckMetricData:
      if (empty(fn::kQueue)) return error(block, "NoMatchingError");
      break;
    case BlockType::kCreateCallbackContact:
      if (empty(fn::kQueue) || empty(fn::kCallbackNumber)) return error(block, "NoMatchingError");
      break;
    default:
      break;
  }
  return wait(index, std::move(*action));
}

std::optional<Action> Session::describeRouting(const Block& block) const {
  InvokeFunction call;
  call.timeoutSeconds = kInternalTimeoutSeconds;
  auto queueOf = [&](const Template& queue) -> std::optional<std::string> {
    if (queue.source().empty()) return state_.queue;
    std::optional<std::string> id = queue.render(state_, kMaxValueBytes);
    if (!id) return std::nullopt;
    return queueFromQueueId(*id);
  };
  switch (block.type) {
    case BlockType::kCheckHoursOfOperation: {
      const auto& p = std::get<CheckHoursOfOperationParams>(block.params);
      std::optional<std::string> hours = p.hours.render(state_, kMaxValueBytes);
      if (!hours) return std::nullopt;
      call.function = fn::kCheckHours;
      call.parameters[std::string(fn::kHoursId)] = std::move(*hours);
      call.parameters[std::string(fn::kQueue)] = state_.queue;
      return Action(std::move(call));
    }
    case BlockType::kCheckMetricData: {
      const auto& p = std::get<CheckMetricDataParams>(block.params);
      std::optional<std::string> queue = queueOf(p.queue);
      if (!queue) return std::nullopt;
      call.function = fn::kCheckMetric;
      call.parameters[std::string(fn::kMetricType)] = p.metric;
      call.parameters[std::string(fn::kQueue)] = std::move(*queue);
      return Action(std::move(call));
    }
    case BlockType::kGetCustomerProfile: {
      const auto& p = std::get<GetCustomerProfileParams>(block.params);
      call.function = fn::kGetProfile;
      int n = 0;
      for (const auto& [name, value] : p.identifiers) {
        std::optional<std::string> rendered = value.render(state_, kMaxValueBytes);
        if (!rendered) return std::nullopt;
        std::string suffix = std::to_string(++n);
        call.parameters[std::string(fn::kIdentifierName) + suffix] = name;
        call.parameters[std::string(fn::kIdentifierValue) + suffix] = std::move(*rendered);
      }
      call.parameters[std::string(fn::kLogicalOperator)] = p.logicalOperator;
      return Action(std::move(call));
    }
    case BlockType::kCreateCallbackContact: {
      const auto& p = std::get<CreateCallbackContactParams>(block.params);
      std::optional<std::string> queue = queueOf(p.queue);
      if (!queue) return std::nullopt;
      call.function = fn::kCreateCallback;
      call.parameters[std::string(fn::kQueue)] = std::move(*queue);
      // Connect calls back the contact's callback number, which defaults to the caller's.
      call.parameters[std::string(fn::kCallbackNumber)] =
          state_.callbackNumber.empty() ? state_.call.customerAddress : state_.callbackNumber;
      call.parameters[std::string(fn::kInitialDelay)] = std::to_string(p.initialDelaySeconds);
      call.parameters[std::string(fn::kMaxAttempts)] = std::to_string(p.maxAttempts);
      call.parameters[std::string(fn::kRetryDelay)] = std::to_string(p.retryDelaySeconds);
      call.parameters[std::string(fn::kContactFlowId)] = p.contactFlowId;
      return Action(std::move(call));
    }
    default:
      return std::nullopt;
  }
}

std::optional<Session::Move> Session::answerRouting(const Block& block, const Event& event) {
  const auto* completed = std::get_if<FunctionCompleted>(&event);
  if (completed == nullptr && !std::holds_alternative<FunctionFailed>(event)) return std::nullopt;
  // A specific error branch when the flow has one, else Connect's catch-all NoMatchingError.
  auto failWith = [&](const std::string& errorType) {
    if (block.transitions.onError(errorType)) return error(block, errorType);
    return error(block, "NoMatchingError");
  };
  if (block.type == BlockType::kGetCustomerProfile) state_.customer.clear();  // replaced or gone
  if (completed == nullptr) return error(block, "NoMatchingError");
  const std::map<std::string, std::string>& result = completed->result;
  auto field = [&](std::string_view key) -> std::string {
    auto it = result.find(std::string(key));
    return it == result.end() ? std::string() : it->second;
  };

  switch (block.type) {
    case BlockType::kCheckHoursOfOperation: {
      std::string inHours = field(fn::kInHours);
      if (inHours != "True" && inHours != "False") return error(block, "NoMatchingError");
      for (const ConditionBranch& c : block.transitions.conditions) {
        if (equalsIgnoreCase(c.operand, inHours)) return Move{"condition:" + inHours, &c.next};
      }
      return error(block, "NoMatchingError");  // the loader requires both; kept for safety
    }
    case BlockType::kCheckMetricData: {
      std::string value = field(fn::kValue);
      if (!parseNumber(value)) return error(block, "NoMatchingError");
      for (const ConditionBranch& c : block.transitions.conditions) {
        if (evaluateCondition(c.op, value, c.operand))
          return Move{"condition:" + c.operand, &c.next};
      }
      // Connect's editor writes the "no" of a staffing check as NextAction, some exports as
      // NoMatchingCondition: take whichever the flow has.
      if (block.transitions.onError("NoMatchingCondition") || !block.transitions.next)
        return error(block, "NoMatchingCondition");
      return next(block);
    }
    case BlockType::kGetCustomerProfile: {
      std::string outcome = field(fn::kOutcome);
      if (outcome == fn::kNoneFound) return failWith("NoneFoundError");
      if (outcome == fn::kMultipleFound) return failWith("MultipleFoundError");
      if (outcome != fn::kFound) return error(block, "NoMatchingError");
      const auto& p = std::get<GetCustomerProfileParams>(block.params);
      std::map<std::string, std::string> customer;
      auto keep = [&](const std::string& name) {
        auto it = result.find(name);
        if (it != result.end() && name != fn::kOutcome) customer[name] = it->second;
      };
      keep("ProfileId");  // Connect always persists it
      for (const std::string& name : p.responseFields) keep(name);
      state_.customer = std::move(customer);
      return next(block);
    }
    case BlockType::kCreateCallbackContact:
      return next(block);
    default:
      return std::nullopt;
  }
}

}  // namespace callgate::flow
