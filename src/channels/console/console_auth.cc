#include "channels/console/console_auth.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <string>
#include <string_view>

#include "channels/console/console_page.h"
#include "channels/web/html_template.h"
#include "channels/web/web_assets.h"
#include "common/form.h"
#include "functions/staff_sign_in.h"

namespace callgate::console {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// The value of cookie `name` in a Cookie header ("a=1; b=2"), or "".
std::string cookieValue(const std::string& header, std::string_view name) {
  std::string_view rest = header;
  while (!rest.empty()) {
    const size_t semi = rest.find(';');
    std::string_view pair = trim(rest.substr(0, semi));
    rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
    const size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
      return std::string(pair.substr(eq + 1));
    }
  }
  return "";
}

// "https://host:port/path" -> "host:port"; "" when it has no scheme.
std::string_view authorityOf(std::string_view origin) {
  const size_t scheme = origin.find("://");
  if (scheme == std::string_view::npos) return {};
  std::string_view rest = origin.substr(scheme + 3);
  return rest.substr(0, rest.find('/'));
}

bool equalConstantTime(std::string_view a, std::string_view b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

// GET and HEAD change nothing, so they need no CSRF token.
bool isSafeMethod(const http::Request& request) {
  return request.method == "GET" || request.method == "HEAD";
}

http::Response redirect(std::string location) {
  http::Response r;
  r.status = 303;
  r.contentType = "text/plain; charset=utf-8";
  r.body = "See " + location + "\n";
  r.headers.emplace_back("Location", std::move(location));
  addConsoleSecurityHeaders(r);
  return r;
}

http::Response refusal(int status, std::string_view message) {
  http::Response r = http::jsonError(status, message);
  addConsoleSecurityHeaders(r);
  return r;
}

// The target to come back to after signing in: the path and query of this request.
std::string thisPage(const http::Request& request) {
  return request.query.empty() ? request.path : request.path + "?" + request.query;
}

std::string signInForm(std::string_view next, std::string_view username, std::string_view notice) {
  return web::renderTemplate(web::webAsset("console-login.html"),
                             {{"next", next}, {"username", username}, {"notice", notice}});
}

}  // namespace

std::string safeNextPath(std::string_view next) {
  // Only our own console paths: "/console..." and never "//host" or "/\host" (a browser would
  // read those as another site).
  if (!next.starts_with("/console") || next.find('\\') != std::string_view::npos ||
      next.find("//") != std::string_view::npos || next.size() > 512) {
    return "/console";
  }
  for (char c : next) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return "/console";
  }
  return std::string(next);
}

ConsoleAuth::ConsoleAuth(StaffSignIn& signIn, ConsoleAuthOptions options)
    : signIn_(signIn),
      options_(std::move(options)),
      cookieName_(options_.secureCookie ? "__Host-callgate_console" : "callgate_console") {}

std::string ConsoleAuth::sessionToken(const http::Request& request) const {
  return cookieValue(request.header("cookie"), cookieName_);
}

bool ConsoleAuth::sameOrigin(const http::Request& request) const {
  const std::string& origin = request.header("origin");
  // "null" is what a browser sends when it will not say (a form posted from a page whose
  // Referrer-Policy is no-referrer, say): fall through to Fetch Metadata then.
  if (!origin.empty() && origin != "null") {
    if (origin == options_.publicOrigin) return true;
    const std::string_view authority = authorityOf(origin);
    return !authority.empty() && authority == request.header("host");
  }
  // No Origin: browsers that send Fetch Metadata still say whether it was the same site.
  const std::string& site = request.header("sec-fetch-site");
  return site.empty() || site == "same-origin" || site == "none";
}

std::optional<StaffPrincipal> ConsoleAuth::check(const http::Request& request, StaffRole minRole,
                                                 http::Response& out) const {
  auto view = signIn_.session(sessionToken(request));
  if (!view) {
    spdlog::error("event=console_session_check_failed error=\"{}\"", view.error().message());
    out = refusal(503, "the console cannot check sessions right now");
    return std::nullopt;
  }
  if (!view->has_value()) {
    out = wantsPageRefusal(request)
              ? redirect("/console/login?next=" + http::percentEncode(thisPage(request)))
              : refusal(401, "sign in first");
    return std::nullopt;
  }
  const StaffSessionView& session = **view;
  if (!roleAtLeast(session.role, minRole)) {
    if (wantsPageRefusal(request)) {
      // A person followed a link: a page, with the navigation they may use.
      const StaffPrincipal viewer{session.session.username, session.role,
                                  session.session.csrfToken};
      out = consolePage(viewer, "Not for your role", "",
                        "<p class=\"notice error\" role=\"alert\">This page is for " +
                            std::string(staffRoleName(minRole)) +
                            "s and above; you are signed in as " +
                            web::escapeHtml(session.session.username) + " (" +
                            std::string(staffRoleName(session.role)) + ").</p>",
                        {}, 403);
    } else {
      out = refusal(403, "your role may not do this");
    }
    return std::nullopt;
  }
  if (!isSafeMethod(request)) {
    std::string token = request.header("x-csrf-token");
    if (token.empty() && http::isFormContentType(request.header("content-type"))) {
      if (auto fields = http::parseForm(request.body); fields.ok()) {
        if (auto it = fields->find("csrf"); it != fields->end()) token = it->second;
      }
    }
    if (!sameOrigin(request) || !equalConstantTime(token, session.session.csrfToken)) {
      spdlog::warn("event=console_csrf_refused staff={} path={}", session.session.username,
                   request.path);
      out = refusal(403, "this request did not come from a console page");
      return std::nullopt;
    }
  }
  return StaffPrincipal{session.session.username, session.role, session.session.csrfToken};
}

http::Response ConsoleAuth::showSignIn(const http::Request& request) const {
  std::string next = "/console";
  if (auto params = http::parseFormPairs(request.query); params.ok()) {
    if (auto n = http::findParam(*params, "next")) next = safeNextPath(*n);
  }
  return consolePublicPage("Sign in", signInForm(next, "", ""));
}

http::Response ConsoleAuth::signIn(const http::Request& request) const {
  if (!sameOrigin(request)) return refusal(403, "this request did not come from a console page");
  auto fields = http::parseForm(request.body);
  if (!fields.ok()) return refusal(400, "the sign-in form could not be read");
  auto field = [&](const char* name) -> std::string {
    auto it = fields->find(name);
    return it == fields->end() ? "" : it->second;
  };
  const std::string next = safeNextPath(field("next"));
  const std::string remote = request.remote.substr(0, request.remote.rfind(':'));
  const StaffSignInResult result =
      signIn_.signIn(field("username"), field("password"), field("code"), remote);
  if (result.outcome == StaffSignInOutcome::kSignedIn) {
    http::Response r = redirect(next);
    std::string cookie = cookieName_ + "=" + result.sessionToken +
                         "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" +
                         std::to_string(signIn_.options().maxAge.count());
    if (options_.secureCookie) cookie += "; Secure";
    r.headers.emplace_back("Set-Cookie", std::move(cookie));
    r.logFields = "staff=" + result.username + " outcome=signed_in";
    return r;
  }
  const bool unavailable = result.outcome == StaffSignInOutcome::kUnavailable;
  const std::string notice =
      unavailable ? "<p class=\"notice error\" role=\"alert\">Sign-in is not available right now. "
                    "Try again in a minute.</p>"
                  : "<p class=\"notice error\" role=\"alert\">The username, password or code is "
                    "not right. After five wrong tries the account waits 15 minutes.</p>";
  std::string username = field("username").substr(0, 64);
  return consolePublicPage("Sign in", signInForm(next, username, notice), {},
                           unavailable ? 503 : 401);
}

http::Response ConsoleAuth::signOut(const http::Request& request) const {
  http::Response refused;
  if (auto who = check(request, StaffRole::kAgent, refused); !who) {
    // Signed out already (or never in): nothing to end; a foreign request is refused.
    if (refused.status == 401) return redirect("/console/login");
    return refused;
  }
  signIn_.signOut(sessionToken(request), request.remote.substr(0, request.remote.rfind(':')));
  http::Response r = redirect("/console/login");
  std::string cookie = cookieName_ + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0";
  if (options_.secureCookie) cookie += "; Secure";
  r.headers.emplace_back("Set-Cookie", std::move(cookie));
  return r;
}

void ConsoleAuth::addRoutes(http::Router& router) const {
  router.add(
      "GET", "/console/login", [this](const http::Request& r) { return showSignIn(r); },
      http::Lane::kIoThread);
  router.add(
      "POST", "/console/login", [this](const http::Request& r) { return signIn(r); },
      http::Lane::kSlow);
  router.add(
      "POST", "/console/logout", [this](const http::Request& r) { return signOut(r); },
      http::Lane::kWorker);
  addGuarded(router, *this, "GET", "/console/account", StaffRole::kAgent,
             [](const http::Request&, const StaffPrincipal& viewer) {
               const std::string body =
                   "<p>Signed in as <strong>" + web::escapeHtml(viewer.username) + "</strong>, " +
                   std::string(staffRoleName(viewer.role)) +
                   ".</p><p class=\"muted\">A session ends after 30 minutes without use, 12 hours "
                   "after sign-in, when you sign out, or when an administrator resets your "
                   "account (<code>callgate staff reset</code>).</p><form method=\"post\" "
                   "action=\"/console/logout\">" +
                   csrfField(viewer) + "<button type=\"submit\">Sign out</button></form>";
               return consolePage(viewer, "Your account", "", body);
             });
  addConsoleStaticRoutes(router);
}

}  // namespace callgate::console
