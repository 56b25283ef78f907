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
#include <optional>
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

// The per-number limit: at most `max` requests for one phone number created at or after `since`.
struct CallbackLimit {
  TimePoint since{};
  int64_t max = 0;
};

class CallbackStore {
 public:
  virtual ~CallbackStore() = default;
  // Stores the request (its id is ignored) unless `limit.max` or more requests for the same phone
  // were created at or after `limit.since`; the count and the insert are one step, so concurrent
  // requests for one number (on any node) never pass the limit together. The new id, or nullopt
  // when the limit refused the request.
  virtual Result<std::optional<int64_t>> add(const CallbackRequest& request,
                                             const CallbackLimit& limit) = 0;
  // At most `limit` requests, the earliest due first (notBefore, then id).
  virtual Result<std::vector<CallbackRequest>> list(std::size_t limit) = 0;
};

}  // namespace callgate
