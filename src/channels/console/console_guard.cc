#include "channels/console/console_guard.h"

#include <utility>

namespace callgate::console {

bool wantsPageRefusal(const http::Request& request) {
  if (request.method != "GET" && request.method != "HEAD") return false;
  return request.header("accept").find("text/event-stream") == std::string::npos;
}

void addGuarded(http::Router& router, const ConsoleGuard& guard, std::string method,
                std::string path, StaffRole minRole, ConsoleHandler handler, http::Lane lane) {
  router.add(
      std::move(method), std::move(path),
      [&guard, minRole, handler = std::move(handler)](const http::Request& request) {
        http::Response refusal;
        auto principal = guard.check(request, minRole, refusal);
        if (!principal) return refusal;
        return handler(request, *principal);
      },
      lane == http::Lane::kIoThread ? http::Lane::kWorker : lane);
}

}  // namespace callgate::console
