// The reserved functions behind CheckMetricData, GetCustomerProfile and CreateCallbackContact
// (core/flow/internal_functions.h), over callgate's own data: the queues configured in
// [queues.<name>], the customer store, and the callback store. connect_hours.h has the fourth,
// CheckHoursOfOperation. Thread-safety: stateless over thread-safe ports and immutable config.
#pragma once

#include <string>
#include <vector>

#include "core/callback.h"
#include "core/ports.h"
#include "functions/function.h"

namespace callgate {

// A queue callgate knows: what flows may name in QueueId (its name or its Connect id), its hours
// of operation, and its staffing as configured. callgate transfers calls rather than holding them
// in a queue, so it has no live contacts-in-queue figures of its own (see CheckMetricData).
struct QueueInfo {
  std::string name;
  std::string id;     // Connect's queue id, optional
  std::string hours;  // [hours.<name>] of the queue, or ""
  int agentsStaffed = 0;
  int agentsAvailable = 0;
  int agentsOnline = 0;
};

// connect:check-metric-data. The agent figures are the configured ones; contacts in queue and the
// oldest contact's age are 0 (calls leave callgate when they are transferred). Unknown queue or
// metric: kNotFound / kInvalidArgument (the block's error branch).
class CheckMetricData : public Function {
 public:
  explicit CheckMetricData(std::vector<QueueInfo> queues) : queues_(std::move(queues)) {}
  std::string_view name() const override;
  Result<StringMap> invoke(const FunctionRequest& request) override;

 private:
  std::vector<QueueInfo> queues_;
};

// connect:get-customer-profile: searches the customer store by phone number (_phone,
// PhoneNumber, ...), account number (_account, AccountNumber: the user id) or profile id, ANDed or
// ORed, and answers Found with the profile (ProfileId, FirstName, LastName, PhoneNumber,
// AccountNumber, Attributes.custLevel, Attributes.language), NoneFound or MultipleFound.
// The answer does not depend on the caller being authenticated: a flow must not read the profile
// to a caller it has not authenticated (docs/FLOWS.md).
class GetCustomerProfile : public Function {
 public:
  explicit GetCustomerProfile(CustomerStore& customers) : customers_(customers) {}
  std::string_view name() const override;
  Result<StringMap> invoke(const FunctionRequest& request) override;

 private:
  CustomerStore& customers_;
};

struct CallbackLimits {
  // At most this many callback requests per number in `window`; more is abuse (a caller making
  // the contact center dial a victim), refused with kResourceExhausted.
  int perNumber = 3;
  Seconds window{3600};
};

// connect:create-callback-contact: validates the number (E.164) and stores the request.
class CreateCallbackContact : public Function {
 public:
  CreateCallbackContact(CallbackStore& callbacks, const Clock& clock, AuditLog& audit,
                        CallbackLimits limits)
      : callbacks_(callbacks), clock_(clock), audit_(audit), limits_(limits) {}
  std::string_view name() const override;
  Result<StringMap> invoke(const FunctionRequest& request) override;

 private:
  CallbackStore& callbacks_;
  const Clock& clock_;
  AuditLog& audit_;
  CallbackLimits limits_;
};

}  // namespace callgate
