// The link pages and the member API through their routes, over in-memory stores, a real token
// service and a fake clock: what each refusal answers and that refusals change nothing.
#include "channels/web/web_routes.h"

#include <gtest/gtest.h>

#include <regex>

#include "functions/action_links.h"
#include "functions/add_member.h"
#include "unit/adapters/security/token/token_test_support.h"

namespace callgate {
namespace {

using namespace callgate::testing;  // NOLINT: test file

class WebRoutesTest : public TokenFixture {
 protected:
  void SetUp() override {
    TokenFixture::SetUp();
    Customer ada{"+14155550100", "Ada", "Lovelace", "Gold", "en-US", {}};
    ada.userId = "12345678";
    ASSERT_TRUE(customers_.add(ada).ok());
    LinkConfig config;
    config.publicBaseUrl = "https://cg.example";
    links_ = std::make_unique<ActionLinks>(
        LinkDeps{customers_, grants_, sms_, hasher_, fakeRandom_, clock_, audit_, config});
    addMember_ = std::make_unique<AddMember>(customers_, members_, clock_, audit_);
    const web::WebDeps deps{*links_, tokens(), *addMember_, clock_, "https://cg.example"};
    web::addLinkRoutes(router_, deps);
    web::addMemberApiRoutes(router_, deps);
  }

  std::string issueCode() {
    auto issued = links_->issue("12345678", kActionAddMember);
    EXPECT_TRUE(issued.ok() && issued->outcome == IssueOutcome::kSent);
    std::smatch m;
    const std::string body = sms_.sent.empty() ? "" : sms_.sent.back().body;
    EXPECT_TRUE(std::regex_search(body, m, std::regex("/l/([A-Za-z0-9_-]+)")));
    return m.size() > 1 ? m[1].str() : "";
  }

  http::Response call(const std::string& method, const std::string& path, std::string body = "",
                      std::map<std::string, std::string> headers = {}) {
    http::Request request;
    request.method = method;
    request.path = path;
    request.body = std::move(body);
    request.headers = std::move(headers);
    auto found = router_.find(method, path, &request.params);
    EXPECT_EQ(found.match, http::Router::Match::kFound) << method << " " << path;
    if (found.match != http::Router::Match::kFound) return {};
    return found.route->handler(request);
  }

  static std::string header(const http::Response& r, const std::string& name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return "";
  }

  http::Response confirm(const std::string& code, std::map<std::string, std::string> headers = {}) {
    return call("POST", "/l/" + code, "csrf=" + links_->csrfToken(code), std::move(headers));
  }

  static std::string tokenIn(const http::Response& page) {
    std::smatch m;
    std::regex_search(page.body, m, std::regex("data-token=\"([^\"]+)\""));
    return m.size() > 1 ? m[1].str() : "";
  }

  http::Response addMember(const std::string& token, const std::string& json,
                           const std::string& account = "12345678") {
    return call("POST", "/v1/accounts/" + account + "/members", json,
                {{"authorization", "Bearer " + token}, {"content-type", "application/json"}});
  }

  FakeRandom fakeRandom_;
  FakeCodeHasher hasher_;
  InMemoryCustomerStore customers_;
  InMemoryGrantStore grants_;
  InMemoryMemberStore members_{customers_};
  RecordingSmsSender sms_;
  RecordingAuditLog audit_;
  std::unique_ptr<ActionLinks> links_;
  std::unique_ptr<AddMember> addMember_;
  http::Router router_;
};

constexpr const char* kMember =
    R"({"name":"Anne King","relationship":"child","dateOfBirth":"2011-09-22"})";

TEST_F(WebRoutesTest, GetShowsTheConfirmPageAndChangesNothing) {
  const std::string code = issueCode();
  for (int i = 0; i < 2; ++i) {
    http::Response page = call("GET", "/l/" + code);
    EXPECT_EQ(page.status, 200);
    EXPECT_NE(page.body.find("id=\"confirm-form\""), std::string::npos);
    EXPECT_NE(page.body.find("add a member to your account"), std::string::npos);
    EXPECT_NE(page.body.find(links_->csrfToken(code)), std::string::npos);
    EXPECT_EQ(header(page, "Cache-Control"), "no-store");
    EXPECT_EQ(header(page, "Referrer-Policy"), "no-referrer");
    EXPECT_NE(header(page, "Content-Security-Policy").find("frame-ancestors 'none'"),
              std::string::npos);
  }
  EXPECT_EQ(links_->inspect(code)->state, LinkState::kValid);
}

TEST_F(WebRoutesTest, RedeemNeedsTheCsrfTokenAndOurOriginAndKeepsTheLinkOtherwise) {
  const std::string code = issueCode();
  EXPECT_EQ(call("POST", "/l/" + code, "").status, 403);
  EXPECT_EQ(call("POST", "/l/" + code, "csrf=nope").status, 403);
  EXPECT_EQ(call("POST", "/l/" + code, "csrf=%zz").status, 403);
  EXPECT_EQ(confirm(code, {{"sec-fetch-site", "cross-site"}}).status, 403);
  EXPECT_EQ(confirm(code, {{"origin", "https://evil.example"}}).status, 403);
  EXPECT_EQ(links_->inspect(code)->state, LinkState::kValid);

  http::Response form = confirm(code, {{"sec-fetch-site", "same-origin"}, {"origin", "null"}});
  EXPECT_EQ(form.status, 200);
  EXPECT_NE(form.body.find("id=\"member-form\""), std::string::npos);
  EXPECT_NE(form.body.find("data-account=\"12345678\""), std::string::npos);
  auto claims = tokens().verify(tokenIn(form), TokenCheck{kActionAddMember, "12345678"});
  ASSERT_TRUE(claims.ok()) << claims.error().toString();
  EXPECT_EQ(claims->amr, (std::vector<std::string>{"pin", "sms"}));

  http::Response again = confirm(code);
  EXPECT_EQ(again.status, 410);
  EXPECT_NE(again.body.find("already been used"), std::string::npos);
}

TEST_F(WebRoutesTest, ExpiredUnknownAndMalformedLinksAreRefused) {
  const std::string code = issueCode();
  clock_.advance(Seconds(601));
  http::Response expired = call("GET", "/l/" + code);
  EXPECT_EQ(expired.status, 410);
  EXPECT_NE(expired.body.find("has expired"), std::string::npos);
  EXPECT_EQ(confirm(code).status, 410);

  EXPECT_EQ(call("GET", "/l/AAAAAAAAAAAAAAAAAAAAAA").status, 404);
  http::Response junk = call("GET", "/l/%3Cscript%3E");
  EXPECT_EQ(junk.status, 404);
  EXPECT_NE(junk.body.find("id=\"link-error\""), std::string::npos);
  EXPECT_EQ(junk.body.find("<script>"), std::string::npos);
}

TEST_F(WebRoutesTest, MemberApiAddsOnceWithTheRightToken) {
  const std::string token = mint("12345678", kActionAddMember);
  http::Response added = addMember(token, kMember);
  ASSERT_EQ(added.status, 201) << added.body;
  EXPECT_NE(added.body.find("\"name\":\"Anne King\""), std::string::npos);
  ASSERT_EQ(members_.listByAccount("12345678")->size(), 1u);

  http::Response reused = addMember(token, kMember);
  EXPECT_EQ(reused.status, 401);
  EXPECT_NE(header(reused, "WWW-Authenticate").find("invalid_token"), std::string::npos);
  EXPECT_EQ(members_.listByAccount("12345678")->size(), 1u);
}

TEST_F(WebRoutesTest, MemberApiRefusalsDoNotUseTheToken) {
  const std::string token = mint("12345678", kActionAddMember);
  http::Response none = call("POST", "/v1/accounts/12345678/members", kMember,
                             {{"content-type", "application/json"}});
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(addMember(token + "x", kMember).status, 401);                        // tampered
  EXPECT_EQ(addMember(mint("12345678", "account:close"), kMember).status, 403);  // other scope
  http::Response other = addMember(token, kMember, "87654321");                  // other account
  EXPECT_EQ(other.status, 403);
  EXPECT_NE(header(other, "WWW-Authenticate").find("insufficient_scope"), std::string::npos);
  EXPECT_EQ(addMember(token, "{not json").status, 400);
  EXPECT_EQ(
      addMember(token, R"({"name":"A","relationship":"child","dateOfBirth":"2999-01-01"})").status,
      400);
  EXPECT_EQ(
      addMember(token, R"({"name":"A","relationship":"child","dateOfBirth":"2011-09-22","x":"1"})")
          .status,
      400);
  EXPECT_EQ(call("POST", "/v1/accounts/12345678/members", kMember,
                 {{"authorization", "Bearer " + token}, {"content-type", "text/plain"}})
                .status,
            415);
  EXPECT_TRUE(members_.listByAccount("12345678")->empty());

  EXPECT_EQ(addMember(token, kMember).status, 201);  // still good after all that
}

TEST_F(WebRoutesTest, ExpiredAndRevokedTokensAreRefused) {
  const std::string expiring = mint();
  clock_.advance(Seconds(301 + 30));
  EXPECT_EQ(addMember(expiring, kMember).status, 401);
  const std::string revoked = mint();
  ASSERT_TRUE(tokens().revoke(revoked).ok());
  EXPECT_EQ(addMember(revoked, kMember).status, 401);
}

}  // namespace
}  // namespace callgate
