// Callback requests: what a flow's CreateCallbackContact leaves for the contact center to call
// the customer back (the number, the queue whose agents should call, when and how often to try).
// callgate records them; dialling them is the contact center's (or a dialer's) job, and
// `callgate callbacks list` shows them to operators. The phone number is stored whole (it is the
// number to call) and, like the customers table, never reaches a log line unmasked.
//
// Implementations must be thread-safe (flows on worker threads add requests concurrently).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "core/time.h"

namespace callgate {

struct CallbackRequest {
  int64_t id = 0;             // assigned by the store
  std::string contactId;      // the contact that asked for it
  std::string phone;          // E.164, the number to call back
  std::string queue;          // the queue (name or id) whose agents take the callback
  std::string contactFlowId;  // CreateCallbackContact's ContactFlowId, or ""
  TimePoint createdAt{};
  TimePoint notBefore{};      // createdAt + InitialCallDelaySeconds
  int maxAttempts = 1;        // MaximumConnectionAttempts
  int retryDelaySeconds = 0;  // RetryDelaySeconds between unanswered attempts

  bool operator==(const CallbackRequest&) const = default;
};

class CallbackStore {
 public:
  virtual ~CallbackStore() = default;
  // Stores the request (its id is ignored) and returns the new id.
  virtual Result<int64_t> add(const CallbackRequest& request) = 0;
  // At most `limit` requests, the earliest due first (notBefore, then id).
  virtual Result<std::vector<CallbackRequest>> list(std::size_t limit) = 0;
  // Requests for `phone` created at or after `since` (the per-number limit).
  virtual Result<int64_t> countCreatedSince(const std::string& phone, TimePoint since) = 0;
};

}  // namespace callgate
