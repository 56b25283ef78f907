// ConsoleAuth: the real ConsoleGuard, and the sign-in pages (GET/POST /console/login, POST
// /console/logout). The HTTP half of staff sign-in; the rules are functions/staff_sign_in.h's.
//
// The session travels in a cookie: HttpOnly, SameSite=Strict, Path=/, and, when the console's
// public URL is https, Secure with the __Host- prefix (so no other site or subdomain can set it).
// On plain http (a developer's loopback) the cookie is neither, and serve warns at start.
// A state-changing request must also carry the session's CSRF token (a form's "csrf" field or the
// X-CSRF-Token header) and, when the browser says where it came from (Origin, or Sec-Fetch-Site),
// come from the console's own origin. The sign-in form itself has no session yet: it is checked
// by origin only (SameSite=Strict already keeps other sites' forms from carrying a session).
//
// Borrows the StaffSignIn, which must outlive it. Thread-safe.
#pragma once

#include <optional>
#include <string>

#include "adapters/net/http/router.h"
#include "channels/console/console_guard.h"

namespace callgate {
class StaffSignIn;
}

namespace callgate::console {

struct ConsoleAuthOptions {
  // The console's public origin (scheme://host[:port], no path): where requests must come from.
  // Requests whose Origin matches their own Host header are accepted too (a node reached
  // directly, or behind a proxy that keeps the Host header).
  std::string publicOrigin;
  bool secureCookie = true;  // https: Secure and the __Host- prefix
};

class ConsoleAuth final : public ConsoleGuard {
 public:
  ConsoleAuth(StaffSignIn& signIn, ConsoleAuthOptions options);

  std::optional<StaffPrincipal> check(const http::Request& request, StaffRole minRole,
                                      http::Response& refusal) const override;

  // GET /console/login, POST /console/login (slow lane: argon2id), POST /console/logout,
  // GET /console/account (who is signed in; any role), and the console's static files.
  void addRoutes(http::Router& router) const;

  const std::string& cookieName() const { return cookieName_; }

 private:
  http::Response showSignIn(const http::Request& request) const;
  http::Response signIn(const http::Request& request) const;
  http::Response signOut(const http::Request& request) const;
  bool sameOrigin(const http::Request& request) const;
  std::string sessionToken(const http::Request& request) const;

  StaffSignIn& signIn_;
  ConsoleAuthOptions options_;
  std::string cookieName_;
};

// Where to go after signing in: `next` if it is a console path of ours, else /console.
std::string safeNextPath(std::string_view next);

}  // namespace callgate::console
