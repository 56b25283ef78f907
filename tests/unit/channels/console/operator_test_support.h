// What the operator pages' tests share: the fakes behind CustomersDeps and the rest, a router
// with the routes under test behind FakeConsoleGuard, and a call() that runs one request through
// it as a given staff member.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "adapters/net/http/router.h"
#include "channels/console/customers_routes.h"
#include "fakes/fake_console_guard.h"
#include "fakes/fakes.h"

namespace callgate::console {

inline constexpr const char* kAdmin = "alice:admin";
inline constexpr const char* kSupervisor = "sam:supervisor";
inline constexpr const char* kAgent = "ann:agent";

struct OperatorTestBed {
  testing::FakeClock clock;
  testing::InMemoryCustomerStore customers;
  testing::InMemoryCredentialStore credentials{customers};
  testing::FakePinHasher pinHasher;
  testing::RecordingAuditLog audit;
  testing::FakeConsoleGuard guard;
  http::Router router;

  CustomersDeps customersDeps() {
    return CustomersDeps{customers, credentials, &pinHasher, audit, clock, PinLockoutPolicy{}};
  }

  // One request as `staff` ("name:role", "" for nobody). `body` is a form; with `csrf` the fake
  // guard's token is added to it.
  http::Response call(const std::string& method, const std::string& target,
                      const std::string& staff, std::string body = "", bool csrf = true) {
    http::Request request;
    request.method = method;
    const auto q = target.find('?');
    request.path = target.substr(0, q);
    if (q != std::string::npos) request.query = target.substr(q + 1);
    if (!staff.empty()) request.headers["x-test-staff"] = staff;
    if (method == "POST") {
      request.headers["content-type"] = "application/x-www-form-urlencoded";
      if (csrf) body += std::string(body.empty() ? "" : "&") + "csrf=" + testing::kFakeCsrfToken;
    }
    request.body = std::move(body);
    auto found = router.find(method, request.path, &request.params);
    if (found.match != http::Router::Match::kFound) return http::jsonError(404, "no route");
    return found.route->handler(request);
  }
};

inline std::string headerOf(const http::Response& r, const std::string& name) {
  for (const auto& [key, value] : r.headers) {
    if (key == name) return value;
  }
  return "";
}

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace callgate::console
