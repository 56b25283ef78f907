// Who may use a console route. Every /console route except the sign-in pages is registered with
// addGuarded(): its handler runs only for a signed-in staff member whose role is high enough and,
// for anything but GET/HEAD, only when the request proves it came from a console page (the
// session's CSRF token, and a same-origin Origin when the browser sends one).
//
// The guard is an interface so route handlers can be unit-tested with a fake
// (tests/fakes/fake_console_guard.h); the real one is ConsoleAuth (console_auth.h), which keeps
// the sessions. Implementations are thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "adapters/net/http/router.h"
#include "core/staff.h"

namespace callgate::console {

// The signed-in staff member a request was made by.
struct StaffPrincipal {
  std::string username;
  StaffRole role = StaffRole::kAgent;
  // Goes into every form as the hidden field "csrf" (or, for fetch(), the X-CSRF-Token header).
  // Not a secret from the staff member, but never logged, audited or put in a URL.
  std::string csrfToken;
};

class ConsoleGuard {
 public:
  virtual ~ConsoleGuard() = default;
  // The staff member behind `request` when they may use a route that needs `minRole`; otherwise
  // nullopt with `refusal` filled in: a GET of a page without a session is sent to
  // /console/login (303, with the page to come back to), other requests without a session get
  // 401, a role too low 403, a missing or wrong CSRF token or a foreign Origin 403. Reads the
  // session store: call it on a worker thread. A form's token is read from an
  // application/x-www-form-urlencoded body's "csrf" field or the x-csrf-token header.
  virtual std::optional<StaffPrincipal> check(const http::Request& request, StaffRole minRole,
                                              http::Response& refusal) const = 0;
};

// Whether a refused request is answered as a page (a redirect to the sign-in, an HTML 403): a
// GET or HEAD, unless it asks for an event stream (an EventSource cannot follow a redirect and
// reads an HTML page as a failed stream), which gets the plain 401/403 as other requests do.
bool wantsPageRefusal(const http::Request& request);

using ConsoleHandler = std::function<http::Response(const http::Request&, const StaffPrincipal&)>;

// Registers `handler` for (method, path), run only for a principal `guard` accepts for `minRole`.
// `guard` is borrowed and must outlive the router's server. The lane is the handler's (the check
// reads the database, so never Lane::kIoThread).
void addGuarded(http::Router& router, const ConsoleGuard& guard, std::string method,
                std::string path, StaffRole minRole, ConsoleHandler handler,
                http::Lane lane = http::Lane::kWorker);

}  // namespace callgate::console
