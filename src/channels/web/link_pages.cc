// GET /l/{code} shows what the link allows and changes nothing, so link scanners and message
// previews cannot use it up. POST /l/{code} (same-origin, with the page's CSRF token) redeems
// the grant once, mints the one-scope access token (functions/redeem_link.h fixes that order) and
// shows the "Add a member" form.
#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <string>

#include "adapters/security/token/token_service.h"
#include "channels/web/html_template.h"
#include "channels/web/web_assets.h"
#include "channels/web/web_routes.h"
#include "common/form.h"
#include "core/ports.h"
#include "core/time.h"
#include "functions/action_links.h"
#include "functions/redeem_link.h"

namespace callgate::web {

namespace {

constexpr const char* kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

// The codes we issue are base64url; anything else is answered without a database look-up.
bool plausibleCode(std::string_view code) {
  if (code.size() < 16 || code.size() > 64) return false;
  for (char c : code) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

http::Response page(int status, std::string_view title, const std::string& content) {
  http::Response r;
  r.status = status;
  r.contentType = "text/html; charset=utf-8";
  r.body = renderTemplate(webAsset("page.html"), {{"title", title}, {"content", content}});
  addPageSecurityHeaders(r);
  return r;
}

http::Response errorPage(int status, std::string_view heading, std::string_view message) {
  return page(
      status, heading,
      renderTemplate(webAsset("link-error.html"), {{"heading", heading}, {"message", message}}));
}

http::Response refusedPage(LinkState state) {
  switch (state) {
    case LinkState::kUsed:
      return errorPage(410, "Link already used", "This link has already been used.");
    case LinkState::kExpired:
      return errorPage(410, "Link expired", "This link has expired.");
    case LinkState::kUnknown:
    case LinkState::kValid:
      break;
  }
  return errorPage(404, "Link not valid", "This link is not valid.");
}

http::Response unavailablePage() {
  return errorPage(503, "Please try again",
                   "We could not open this link just now. Please try again in a minute.");
}

// "14:32 UTC" and "9 minutes left": the caller's phone may be in any time zone, so say UTC.
std::string clockTimeUtc(TimePoint t) { return formatRfc3339(t).substr(11, 5) + " UTC"; }

std::string remaining(TimePoint now, TimePoint until) {
  const auto seconds = std::chrono::duration_cast<Seconds>(until - now).count();
  const auto minutes = (seconds + 59) / 60;
  if (minutes <= 1) return "less than a minute left";
  return std::to_string(minutes) + " minutes left";
}

// A cross-site form cannot post here: browsers say where a request came from in
// Sec-Fetch-Site, and older ones in Origin. The Origin of our own form is often "null" because
// the page's referrer policy is no-referrer, so "null" is left to the CSRF token to judge.
bool fromOurOrigin(const http::Request& request, const std::string& publicBaseUrl) {
  const std::string& site = request.header("sec-fetch-site");
  if (!site.empty()) return site == "same-origin" || site == "none";
  const std::string& origin = request.header("origin");
  if (origin.empty() || origin == "null") return true;
  if (origin == publicBaseUrl) return true;
  const std::string& host = request.header("host");
  return !host.empty() && (origin == "http://" + host || origin == "https://" + host);
}

http::Response showConfirm(const WebDeps& deps, const http::Request& request) {
  const std::string& code = request.param("code");
  if (!plausibleCode(code)) return refusedPage(LinkState::kUnknown);
  auto view = deps.links.inspect(code);
  if (!view.ok()) {
    spdlog::warn("event=link_inspect_failed error=\"{}\"", view.error().message());
    return unavailablePage();
  }
  if (view->state != LinkState::kValid) return refusedPage(view->state);
  const std::string allows(describeAction(view->action));
  std::string heading = allows;  // "add a member to your account" -> "Add a member to your account"
  if (!heading.empty() && heading[0] >= 'a' && heading[0] <= 'z')
    heading[0] = static_cast<char>(heading[0] - 'a' + 'A');
  const std::string until = clockTimeUtc(view->expiresAt);
  const std::string left = remaining(deps.clock.now(), view->expiresAt);
  const std::string csrf = deps.links.csrfToken(code);
  return page(200, heading,
              renderTemplate(webAsset("confirm.html"), {{"heading", heading},
                                                        {"allows", allows},
                                                        {"until", until},
                                                        {"remaining", left},
                                                        {"code", code},
                                                        {"csrf", csrf}}));
}

http::Response redeem(const WebDeps& deps, RedeemLink& redeemer, const http::Request& request) {
  const std::string& code = request.param("code");
  if (!plausibleCode(code)) return refusedPage(LinkState::kUnknown);
  if (!fromOurOrigin(request, deps.publicBaseUrl)) {
    return errorPage(403, "Not allowed", "This request did not come from this site.");
  }
  auto form = http::parseForm(request.body);
  const bool verified =
      form.ok() && form->count("csrf") == 1 && deps.links.csrfMatches(code, form->at("csrf"));
  if (!verified) {
    return errorPage(
        403, "Please open the link again",
        "This page could not be verified. Open the link from your text message again.");
  }
  auto redeemed = redeemer.redeem(code);
  if (!redeemed.ok()) return unavailablePage();
  if (!redeemed->redeemed()) return refusedPage(redeemed->link.state);

  if (redeemed->link.action != kActionAddMember) {
    return errorPage(400, "Not available here",
                     "This link's action cannot be completed on this page.");
  }
  return page(200, "Add a member",
              renderTemplate(webAsset("add-member.html"), {{"account", redeemed->link.userId},
                                                           {"token", redeemed->accessToken}}));
}

http::Response staticAsset(std::string_view name, std::string_view contentType) {
  http::Response r;
  r.contentType = std::string(contentType);
  r.body = std::string(webAsset(name));
  r.headers.emplace_back("Cache-Control", "public, max-age=300");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  return r;
}

}  // namespace

void addPageSecurityHeaders(http::Response& response) {
  response.headers.emplace_back("Cache-Control", "no-store");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  response.headers.emplace_back("Content-Security-Policy", kContentSecurityPolicy);
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("X-Frame-Options", "DENY");
}

void addLinkRoutes(http::Router& router, const WebDeps& deps) {
  router.add("GET", "/l/{code}", [deps](const http::Request& r) { return showConfirm(deps, r); });
  // The token service is the AccessTokenIssuer port the function mints through.
  auto redeemer = std::make_shared<RedeemLink>(deps.links, deps.tokens);
  router.add("POST", "/l/{code}",
             [deps, redeemer](const http::Request& r) { return redeem(deps, *redeemer, r); });
  router.add(
      "GET", "/static/add-member.js",
      [](const http::Request&) {
        return staticAsset("add-member.js", "text/javascript; charset=utf-8");
      },
      http::Lane::kIoThread);
  router.add(
      "GET", "/static/style.css",
      [](const http::Request&) { return staticAsset("style.css", "text/css; charset=utf-8"); },
      http::Lane::kIoThread);
}

}  // namespace callgate::web
