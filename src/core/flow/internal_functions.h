// The reserved functions behind the Connect actions that need outside data (CheckHoursOfOperation,
// CheckMetricData, GetCustomerProfile, CreateCallbackContact). The session asks for them with an
// ordinary InvokeFunction whose name starts with "connect:"; src/functions implements them and
// app/wiring registers them. These names and keys are the whole contract between the two sides.
// No LambdaFunctionARN resolves to them and the Connect HTTP endpoints do not expose them: only
// the actions above reach them. Std only; thread-safety: constants.
#pragma once

#include <string_view>

namespace callgate::flow::internal {

inline constexpr std::string_view kPrefix = "connect:";

// CheckHoursOfOperation. Parameters: kHoursId (an hours name, id or ARN; "" = the queue's),
// kQueue (the contact's target queue). Result: kInHours = "True" | "False".
inline constexpr std::string_view kCheckHours = "connect:check-hours-of-operation";
inline constexpr std::string_view kHoursId = "HoursOfOperationId";
inline constexpr std::string_view kInHours = "InHours";

// CheckMetricData. Parameters: kMetricType, kQueue (a queue name, id or ARN). Result: kValue, a
// non-negative integer as text.
inline constexpr std::string_view kCheckMetric = "connect:check-metric-data";
inline constexpr std::string_view kMetricType = "MetricType";
inline constexpr std::string_view kValue = "Value";

// GetCustomerProfile. Parameters: "IdentifierName.<n>" / "IdentifierValue.<n>" for n = 1..5 and
// kLogicalOperator ("AND" | "OR"). Result: kOutcome = kFound | kNoneFound | kMultipleFound and,
// when found, the profile's fields by their Connect names ("FirstName", "Attributes.custLevel").
inline constexpr std::string_view kGetProfile = "connect:get-customer-profile";
inline constexpr std::string_view kIdentifierName = "IdentifierName.";
inline constexpr std::string_view kIdentifierValue = "IdentifierValue.";
inline constexpr std::string_view kLogicalOperator = "LogicalOperator";
inline constexpr std::string_view kOutcome = "Outcome";
inline constexpr std::string_view kFound = "Found";
inline constexpr std::string_view kNoneFound = "NoneFound";
inline constexpr std::string_view kMultipleFound = "MultipleFound";
inline constexpr int kMaxIdentifiers = 5;

// CreateCallbackContact. Parameters: kQueue, kCallbackNumber, kInitialDelay, kMaxAttempts,
// kRetryDelay (whole seconds / counts as text), kContactFlowId ("" = none). Result: kCallbackId.
inline constexpr std::string_view kCreateCallback = "connect:create-callback-contact";
inline constexpr std::string_view kCallbackNumber = "CallbackNumber";
inline constexpr std::string_view kInitialDelay = "InitialCallDelaySeconds";
inline constexpr std::string_view kMaxAttempts = "MaximumConnectionAttempts";
inline constexpr std::string_view kRetryDelay = "RetryDelaySeconds";
inline constexpr std::string_view kContactFlowId = "ContactFlowId";
inline constexpr std::string_view kCallbackId = "CallbackId";

inline constexpr std::string_view kQueue = "Queue";

// The profile identifiers callgate's customer store can search by (GetCustomerProfile's
// IdentifierName): phone numbers, the account number (callgate's user id) and the profile id.
// Connect's e-mail identifiers. callgate's customers have no e-mail address, so a search by one
// finds nobody (NoneFoundError), as Connect's would for a profile without one.
inline bool isEmailProfileIdentifier(std::string_view name) {
  for (std::string_view known :
       {"_email", "EmailAddress", "PersonalEmailAddress", "BusinessEmailAddress"}) {
    if (name == known) return true;
  }
  return false;
}

inline bool isKnownProfileIdentifier(std::string_view name) {
  for (std::string_view known :
       {"_phone", "PhoneNumber", "MobilePhoneNumber", "HomePhoneNumber", "BusinessPhoneNumber",
        "_account", "AccountNumber", "_profileId", "ProfileId"}) {
    if (name == known) return true;
  }
  return isEmailProfileIdentifier(name);
}

}  // namespace callgate::flow::internal
