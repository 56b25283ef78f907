#include "channels/console/console_page.h"

#include <gtest/gtest.h>

#include <string>

#include "channels/console/console_guard.h"
#include "fakes/fake_console_guard.h"

namespace callgate::console {
namespace {

std::string headerValue(const http::Response& r, const std::string& name) {
  for (const auto& [key, value] : r.headers) {
    if (key == name) return value;
  }
  return "";
}

TEST(ConsolePageTest, AgentsSeeOnlyTheirOwnNavigation) {
  const StaffPrincipal agent{"ann", StaffRole::kAgent, "tok"};
  const http::Response page = consolePage(agent, "Calls for me", "agent", "<p>x</p>");
  EXPECT_NE(page.body.find("href=\"/console/agent\" aria-current=\"page\""), std::string::npos);
  EXPECT_EQ(page.body.find("/console/customers"), std::string::npos);
  EXPECT_EQ(page.body.find("/console/audit"), std::string::npos);
}

TEST(ConsolePageTest, SupervisorsSeeTheOperatorPages) {
  const StaffPrincipal boss{"bo", StaffRole::kSupervisor, "tok"};
  const http::Response page = consolePage(boss, "Customers", "customers", "");
  EXPECT_NE(page.body.find("href=\"/console/customers\" aria-current=\"page\""), std::string::npos);
  EXPECT_NE(page.body.find("/console/audit"), std::string::npos);
}

TEST(ConsolePageTest, EscapesTheTitleAndUsernameAndCarriesTheSignOutToken) {
  const StaffPrincipal odd{"<b>x</b>", StaffRole::kAdmin, "a\"b"};
  const http::Response page = consolePage(odd, "<script>", "agent", "");
  EXPECT_EQ(page.body.find("<b>x</b>"), std::string::npos);
  EXPECT_EQ(page.body.find("<script>"), std::string::npos);
  EXPECT_NE(page.body.find("name=\"csrf\" value=\"a&quot;b\""), std::string::npos);
}

TEST(ConsolePageTest, EveryPageCarriesTheStrictPolicy) {
  const http::Response page = consolePublicPage("Sign in", "<form></form>");
  EXPECT_EQ(page.contentType, "text/html; charset=utf-8");
  EXPECT_NE(headerValue(page, "Content-Security-Policy").find("script-src 'self'"),
            std::string::npos);
  EXPECT_EQ(headerValue(page, "Content-Security-Policy").find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(headerValue(page, "Cache-Control"), "no-store");
  EXPECT_EQ(headerValue(page, "X-Frame-Options"), "DENY");
}

TEST(ConsolePageTest, StaticRouteServesOnlyConsoleAssets) {
  http::Router router;
  addConsoleStaticRoutes(router);
  auto get = [&](const std::string& path) {
    http::Request request;
    request.method = "GET";
    request.path = path;
    auto found = router.find("GET", path, &request.params);
    EXPECT_EQ(found.match, http::Router::Match::kFound);
    return found.route->handler(request);
  };
  const http::Response css = get("/console/static/console.css");
  EXPECT_EQ(css.status, 200);
  EXPECT_EQ(css.contentType, "text/css; charset=utf-8");
  EXPECT_EQ(get("/console/static/console-page.html").status, 404);
  EXPECT_EQ(get("/console/static/page.html").status, 404);
  EXPECT_EQ(get("/console/static/add-member.js").status, 404);
}

TEST(ConsoleGuardTest, HandlerRunsOnlyForAnAcceptedPrincipal) {
  http::Router router;
  testing::FakeConsoleGuard guard;
  int runs = 0;
  addGuarded(router, guard, "POST", "/console/x", StaffRole::kSupervisor,
             [&](const http::Request&, const StaffPrincipal& who) {
               ++runs;
               http::Response r;
               r.body = who.username;
               return r;
             });
  auto post = [&](const std::string& staff, const std::string& csrf) {
    http::Request request;
    request.method = "POST";
    request.path = "/console/x";
    if (!staff.empty()) request.headers["x-test-staff"] = staff;
    if (!csrf.empty()) request.headers["x-csrf-token"] = csrf;
    return router.find("POST", request.path).route->handler(request);
  };
  EXPECT_EQ(post("", testing::kFakeCsrfToken).status, 401);
  EXPECT_EQ(post("ann:agent", testing::kFakeCsrfToken).status, 403);
  EXPECT_EQ(post("bo:supervisor", "wrong").status, 403);
  EXPECT_EQ(runs, 0);
  const http::Response ok = post("bo:supervisor", testing::kFakeCsrfToken);
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "bo");
  EXPECT_EQ(runs, 1);
}

}  // namespace
}  // namespace callgate::console
