#include "channels/console/console_auth.h"

#include <gtest/gtest.h>

#include <string>

#include "fakes/fakes.h"
#include "fakes/in_memory_staff_store.h"
#include "functions/staff_sign_in.h"

namespace callgate::console {
namespace {

using callgate::testing::FakeClock;
using callgate::testing::FakeCodeHasher;
using callgate::testing::FakePinHasher;
using callgate::testing::FakeRandom;
using callgate::testing::InMemoryStaffStore;
using callgate::testing::RecordingAuditLog;

// Accepts "123456" for any step after the last one used (the store keeps the real rule).
class StepCountingTotp : public StaffTotp {
 public:
  TotpEnrollment enroll(std::string_view) override { return {"seed", "B32", "otpauth://x"}; }
  std::optional<int64_t> matchStep(std::string_view, std::string_view, std::string_view code,
                                   TimePoint) const override {
    if (code != "123456") return std::nullopt;
    return ++step_;
  }
  mutable int64_t step_ = 0;
};

std::string header(const http::Response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

class ConsoleAuthTest : public ::testing::TestWithParam<bool> {
 protected:
  ConsoleAuthTest() {
    EXPECT_TRUE(accounts_.add("ann", StaffRole::kAgent, "correct horse battery").ok());
    EXPECT_TRUE(accounts_.add("bo", StaffRole::kAdmin, "correct horse battery").ok());
    auth_.addRoutes(router_);
    addGuarded(router_, auth_, "GET", "/console/things", StaffRole::kAdmin,
               [](const http::Request&, const StaffPrincipal& p) {
                 http::Response r;
                 r.body = "hello " + p.username;
                 return r;
               });
    addGuarded(router_, auth_, "POST", "/console/things", StaffRole::kAdmin,
               [](const http::Request&, const StaffPrincipal&) { return http::Response{}; });
  }

  http::Response send(const std::string& method, const std::string& target,
                      const std::string& body = "", const std::string& cookie = "",
                      const std::string& origin = "https://console.example") {
    http::Request request;
    request.method = method;
    const size_t q = target.find('?');
    request.path = target.substr(0, q);
    if (q != std::string::npos) request.query = target.substr(q + 1);
    request.body = body;
    request.remote = "10.0.0.9:5000";
    request.headers["host"] = "console.example";
    if (!origin.empty()) request.headers["origin"] = origin;
    if (!body.empty()) request.headers["content-type"] = "application/x-www-form-urlencoded";
    if (!cookie.empty()) request.headers["cookie"] = "theme=dark; " + cookie + "; x=1";
    auto found = router_.find(method, request.path, &request.params);
    EXPECT_EQ(found.match, http::Router::Match::kFound) << method << " " << target;
    return found.route->handler(request);
  }
  // Signs in and returns "name=token" for the Cookie header.
  std::string signIn(const std::string& user) {
    const http::Response r =
        send("POST", "/console/login",
             "username=" + user +
                 "&password=correct+horse+battery&code=123456&next=%2Fconsole%2Fthings");
    EXPECT_EQ(r.status, 303);
    EXPECT_EQ(header(r, "Location"), "/console/things");
    const std::string cookie = header(r, "Set-Cookie");
    return cookie.substr(0, cookie.find(';'));
  }
  std::string csrfOf(const std::string& cookie) {
    const std::string token = cookie.substr(cookie.find('=') + 1);
    return (*signIn_.session(token))->session.csrfToken;
  }

  InMemoryStaffStore store_;
  FakePinHasher hasher_;
  StepCountingTotp totp_;
  FakeCodeHasher sessionHasher_;
  FakeRandom random_;
  FakeClock clock_;
  RecordingAuditLog audit_;
  StaffAccounts accounts_{store_, hasher_, totp_, clock_, audit_};
  StaffSignIn signIn_{store_, hasher_, totp_, sessionHasher_, random_, clock_, audit_};
  ConsoleAuth auth_{signIn_, {"https://console.example", GetParam()}};
  http::Router router_;
};

TEST_P(ConsoleAuthTest, TheCookieIsHttpOnlyStrictAndSecureOnHttps) {
  const http::Response r =
      send("POST", "/console/login", "username=bo&password=correct+horse+battery&code=123456");
  const std::string cookie = header(r, "Set-Cookie");
  EXPECT_NE(cookie.find("; HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("; SameSite=Strict"), std::string::npos);
  EXPECT_NE(cookie.find("; Path=/"), std::string::npos);
  if (GetParam()) {
    EXPECT_TRUE(cookie.starts_with("__Host-callgate_console="));
    EXPECT_NE(cookie.find("; Secure"), std::string::npos);
  } else {
    EXPECT_TRUE(cookie.starts_with("callgate_console="));
    EXPECT_EQ(cookie.find("Secure"), std::string::npos);
  }
  EXPECT_EQ(header(r, "Location"), "/console");
}

TEST_P(ConsoleAuthTest, APageWithoutASessionSendsToSignInAndComesBack) {
  const http::Response r = send("GET", "/console/things?q=1");
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(header(r, "Location"), "/console/login?next=%2Fconsole%2Fthings%3Fq%3D1");
  const http::Response form = send("GET", "/console/login?next=%2Fconsole%2Fthings%3Fq%3D1");
  EXPECT_NE(form.body.find("name=\"next\" value=\"/console/things?q=1\""), std::string::npos);
  EXPECT_EQ(send("POST", "/console/things", "csrf=x").status, 401);
}

TEST_P(ConsoleAuthTest, TheRoleDecides) {
  const std::string ann = signIn("ann");
  const http::Response refused = send("GET", "/console/things", "", ann);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.contentType, "text/html; charset=utf-8");
  EXPECT_NE(refused.body.find("for admins and above; you are signed in as ann (agent)"),
            std::string::npos);
  EXPECT_EQ(refused.body.find("hello"), std::string::npos);
  EXPECT_EQ(send("POST", "/console/things", "csrf=" + csrfOf(ann), ann).status, 403);
  const std::string bo = signIn("bo");
  const http::Response page = send("GET", "/console/things", "", bo);
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.body, "hello bo");
}

TEST_P(ConsoleAuthTest, AChangeNeedsTheSessionsCsrfTokenAndOurOrigin) {
  const std::string bo = signIn("bo");
  const std::string csrf = csrfOf(bo);
  EXPECT_EQ(send("POST", "/console/things", "a=1", bo).status, 403);
  EXPECT_EQ(send("POST", "/console/things", "csrf=wrong", bo).status, 403);
  EXPECT_EQ(send("POST", "/console/things", "csrf=" + csrf, bo, "https://evil.example").status,
            403);
  EXPECT_EQ(send("POST", "/console/things", "csrf=" + csrf, bo).status, 200);
  // Another session's token does not do.
  const std::string other = csrfOf(signIn("bo"));
  EXPECT_EQ(send("POST", "/console/things", "csrf=" + other, bo).status, 403);
}

TEST_P(ConsoleAuthTest, SignInFromAnotherSiteIsRefusedBeforeAnyCheck) {
  const int before = hasher_.verifications;
  const http::Response r =
      send("POST", "/console/login", "username=bo&password=correct+horse+battery&code=123456", "",
           "https://evil.example");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(hasher_.verifications, before);
}

TEST_P(ConsoleAuthTest, AFailedSignInSaysTheSameForEveryReasonAndKeepsTheUsername) {
  const http::Response unknown =
      send("POST", "/console/login", "username=zed&password=correct+horse+battery&code=123456");
  const http::Response wrong =
      send("POST", "/console/login", "username=bo&password=nope+nope+nope&code=123456");
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.status, 401);
  EXPECT_NE(wrong.body.find("value=\"bo\""), std::string::npos);
  EXPECT_NE(wrong.body.find("not right"), std::string::npos);
  EXPECT_EQ(wrong.body.find("nope"), std::string::npos);
  EXPECT_NE(unknown.body.find("not right"), std::string::npos);
}

TEST_P(ConsoleAuthTest, SignOutEndsTheSessionAndClearsTheCookie) {
  const std::string bo = signIn("bo");
  const std::string csrf = csrfOf(bo);
  EXPECT_EQ(send("POST", "/console/logout", "", bo).status, 403);  // no token: not ours
  const http::Response out = send("POST", "/console/logout", "csrf=" + csrf, bo);
  EXPECT_EQ(out.status, 303);
  EXPECT_NE(header(out, "Set-Cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(send("GET", "/console/things", "", bo).status, 303);
}

INSTANTIATE_TEST_SUITE_P(HttpAndHttps, ConsoleAuthTest, ::testing::Bool());

TEST(SafeNextPathTest, OnlyOurOwnConsolePaths) {
  EXPECT_EQ(safeNextPath("/console/customers?q=12"), "/console/customers?q=12");
  EXPECT_EQ(safeNextPath("/console"), "/console");
  EXPECT_EQ(safeNextPath("https://evil.example/console"), "/console");
  EXPECT_EQ(safeNextPath("//evil.example/console"), "/console");
  EXPECT_EQ(safeNextPath("/console//evil.example"), "/console");
  EXPECT_EQ(safeNextPath("/console\\evil"), "/console");
  EXPECT_EQ(safeNextPath("/l/abc"), "/console");
  EXPECT_EQ(safeNextPath("/console/x\r\nSet-Cookie: a=b"), "/console");
  EXPECT_EQ(safeNextPath(""), "/console");
}

}  // namespace
}  // namespace callgate::console
