// A ConsoleGuard for unit tests of console route handlers: the staff member is named by the
// request header `x-test-staff: <username>:<role>` (no header = not signed in), and a request
// other than GET/HEAD must carry kFakeCsrfToken in the x-csrf-token header or a form field
// "csrf". Refuses the way the real guard does (303 / 401 / 403). Thread-safe (no state).
#pragma once

#include <optional>
#include <string>

#include "channels/console/console_guard.h"
#include "common/form.h"

namespace callgate::testing {

inline constexpr const char* kFakeCsrfToken = "test-csrf-token";

class FakeConsoleGuard : public console::ConsoleGuard {
 public:
  std::optional<console::StaffPrincipal> check(const http::Request& request, StaffRole minRole,
                                               http::Response& refusal) const override {
    const std::string& who = request.header("x-test-staff");
    const auto colon = who.find(':');
    std::optional<StaffRole> role;
    if (colon != std::string::npos) role = parseStaffRole(who.substr(colon + 1));
    if (!role) {
      refusal = http::jsonError(401, "sign in first");
      if (console::wantsPageRefusal(request)) {
        refusal.status = 303;
        refusal.headers.emplace_back("Location", "/console/login");
      }
      return std::nullopt;
    }
    if (!roleAtLeast(*role, minRole)) {
      refusal = http::jsonError(403, "your role may not do this");
      return std::nullopt;
    }
    if (request.method != "GET" && request.method != "HEAD") {
      std::string token = request.header("x-csrf-token");
      if (token.empty()) {
        if (auto fields = http::parseForm(request.body); fields.ok()) {
          if (auto it = fields->find("csrf"); it != fields->end()) token = it->second;
        }
      }
      if (token != kFakeCsrfToken) {
        refusal = http::jsonError(403, "missing or wrong CSRF token");
        return std::nullopt;
      }
    }
    return console::StaffPrincipal{who.substr(0, colon), *role, kFakeCsrfToken};
  }
};

}  // namespace callgate::testing
