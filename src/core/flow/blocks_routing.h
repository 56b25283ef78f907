// Routing and data actions: CheckHoursOfOperation, CheckMetricData, GetCustomerProfile and
// CreateCallbackContact. Each needs data the pure session does not have (the clock, queue
// figures, the customer store, the callback store), so it waits on one of the reserved functions
// of internal_functions.h and leaves by that function's answer. This header holds their parsed
// parameters (part of model.h's BlockParams) and the loader's entry points; the run-time half is
// Session's *Routing members in blocks_routing.cc. Thread-safety: as model.h (immutable values).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "core/flow/json_reader.h"
#include "core/flow/references.h"

namespace callgate::flow {

struct Block;

struct CheckHoursOfOperationParams {
  Template hours;  // HoursOfOperationId (id, ARN or name; static or one reference); empty = queue's
};

struct CheckMetricDataParams {
  std::string metric;  // MetricType, one of metricTypeNames()
  Template queue;      // QueueId (static or dynamic); empty = the contact's target queue
};

struct GetCustomerProfileParams {
  // (IdentifierName, IdentifierValue) pairs: the single pair or SearchCriteria, in order.
  std::vector<std::pair<std::string, Template>> identifiers;
  std::string logicalOperator = "AND";  // "AND" | "OR" (SearchCriteria only)
  // ProfileResponseData: the fields kept in $.Customer (ProfileId always is).
  std::vector<std::string> responseFields;
};

struct CreateCallbackContactParams {
  Template queue;  // QueueId (static or one reference); empty = the contact's target queue
  int initialDelaySeconds = 0;
  int maxAttempts = 1;
  int retryDelaySeconds = 0;
  std::string contactFlowId;  // as written ("" = none); recorded with the request
};

// CheckMetricData's MetricType values, as Connect documents them.
bool isMetricType(std::string_view name);
// NumberOfAgentsAvailable / Staffed / Online: the only condition allowed is NumberGreaterThan 0.
bool isAgentMetric(std::string_view name);

namespace detail {

Result<CheckHoursOfOperationParams> parseCheckHoursOfOperation(const ActionScope& scope,
                                                               const Json& params);
Result<CheckMetricDataParams> parseCheckMetricData(const ActionScope& scope, const Json& params);
Result<GetCustomerProfileParams> parseGetCustomerProfile(const ActionScope& scope,
                                                         const Json& params);
Result<CreateCallbackContactParams> parseCreateCallbackContact(const ActionScope& scope,
                                                               const Json& params);
// The Conditions each of these types allows (checked after the parameters are parsed).
Status checkRoutingConditions(const ActionScope& scope, const Block& block);

}  // namespace detail
}  // namespace callgate::flow
