#include "channels/common/fail_safe.h"

#include <spdlog/spdlog.h>

#include "core/verdict.h"

namespace callgate {

std::map<std::string, std::string> unverifiedAttributes() {
  return {{std::string(kAuthenticatedKey), std::string(kFalse)},
          {std::string(kAuthMethodKey), "None"}};
}

std::optional<FailSafeHandoff> CallFailSafe::divert(const flow::Action& next,
                                                    const std::string& contact,
                                                    const std::string& queue) const {
  const auto* end = std::get_if<flow::Disconnect>(&next);
  if (!functionFailed_ || end == nullptr || !end->flowError()) return std::nullopt;
  // The flow's reason names blocks and functions, never what the caller keyed.
  spdlog::warn("event=call_fail_safe contact={} queue=\"{}\" authenticated=False reason=\"{}\"",
               contact, queue, end->reason);
  FailSafeHandoff out;
  out.notice.text = std::string(kCannotVerifyText);
  out.transfer.queue = queue;
  out.transfer.attributes = unverifiedAttributes();
  return out;
}

}  // namespace callgate
