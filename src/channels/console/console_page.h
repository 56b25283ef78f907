// The console's pages share one layout: a header with the navigation the viewer's role may use,
// who is signed in and a sign-out button, then the page's own content. Server-rendered HTML with
// a strict Content-Security-Policy: scripts and styles only from /console/static/ (no inline
// script or style, no CDN), so everything a page needs is in web/console*.{css,js}.
// Pure functions; thread-safe.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include "adapters/net/http/router.h"
#include "channels/console/console_guard.h"

namespace callgate::console {

// The navigation entries (key, label, path, lowest role that sees it). `active` in consolePage()
// is one of these keys.
struct NavEntry {
  std::string_view key;
  std::string_view label;
  std::string_view path;
  StaffRole minRole;
};
inline constexpr NavEntry kNavigation[] = {
    {"agent", "Calls for me", "/console/agent", StaffRole::kAgent},
    {"calls", "Calls", "/console/calls", StaffRole::kSupervisor},
    {"customers", "Customers", "/console/customers", StaffRole::kSupervisor},
    {"sms", "SMS", "/console/sms", StaffRole::kSupervisor},
    {"audit", "Audit log", "/console/audit", StaffRole::kSupervisor},
    {"flows", "Flows", "/console/flows", StaffRole::kSupervisor},
    {"metrics", "Metrics", "/console/metrics", StaffRole::kSupervisor},
};

// A whole console page: `contentHtml` (already escaped by the caller; use web::escapeHtml for
// every value) inside the shared layout, with the given scripts (names under /console/static/,
// e.g. "console-agent.js", loaded with defer). Status 200 unless given.
http::Response consolePage(const StaffPrincipal& viewer, std::string_view title,
                           std::string_view active, std::string_view contentHtml,
                           std::initializer_list<std::string_view> scripts = {}, int status = 200);

// A page for someone not signed in (the sign-in forms): the layout without navigation.
http::Response consolePublicPage(std::string_view title, std::string_view contentHtml,
                                 std::initializer_list<std::string_view> scripts = {},
                                 int status = 200);

// The hidden form field that carries the viewer's CSRF token: put it in every <form method=post>.
std::string csrfField(const StaffPrincipal& viewer);

// Opens the wrapper a wide table scrolls in (close it with </div>): a focusable region named
// `label`, so the keyboard can scroll it too (WCAG 2.1.1; axe's scrollable-region-focusable).
std::string tableWrapOpen(std::string_view label);

// Headers every console response carries (pages, JSON, event streams): no caching, no referrer
// outside the console's origin,
// the console's CSP, no framing, no MIME sniffing.
void addConsoleSecurityHeaders(http::Response& response);

// GET /console/static/{name}: web/<name> for names "console*.css" and "console*.js" only.
void addConsoleStaticRoutes(http::Router& router);

}  // namespace callgate::console
