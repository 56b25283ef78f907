// `callgate callbacks list`: what flows' CreateCallbackContact left for agents to call back.
#include <iostream>

#include "app/cli/commands.h"
#include "app/wiring/wiring.h"
#include "core/callback.h"
#include "core/phone.h"

namespace callgate::app {
namespace {

int fail(const std::string& message, int code = 1) {
  std::cerr << "callgate: " << message << "\n";
  return code;
}

}  // namespace

int callbacksListCommand(const Config& config, int limit, bool showNumbers) {
  auto services = buildStorage(config);
  if (!services.ok()) return fail(services.error().message());
  auto listed = (*services)->callbacks->list(static_cast<std::size_t>(limit));
  if (!listed.ok()) return fail(listed.error().message());
  if (listed->empty()) {
    std::cout << "no callback requests\n";
    return 0;
  }
  std::cout << "id\tdue\tphone\tqueue\tattempts\tretry_s\tcontact\tcreated\n";
  for (const CallbackRequest& r : *listed) {
    std::cout << r.id << "\t" << formatRfc3339(r.notBefore) << "\t"
              << (showNumbers ? r.phone : maskPhone(r.phone)) << "\t" << r.queue << "\t"
              << r.maxAttempts << "\t" << r.retryDelaySeconds << "\t" << r.contactId << "\t"
              << formatRfc3339(r.createdAt) << "\n";
  }
  return 0;
}

}  // namespace callgate::app
