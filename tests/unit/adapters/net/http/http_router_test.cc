// Router matching, JSON error bodies and response serialisation, without sockets.

#include <gtest/gtest.h>

#include "adapters/net/http/response_writer.h"
#include "adapters/net/http/router.h"

namespace callgate::http {
namespace {

Response ok(std::string body) {
  Response r;
  r.body = std::move(body);
  return r;
}

TEST(HttpRouterTest, FindsExactPathAndMethod) {
  Router router;
  router.add("GET", "/a", [](const Request&) { return ok("get"); });
  router.add(
      "POST", "/a", [](const Request&) { return ok("post"); }, Lane::kIoThread);
  auto found = router.find("POST", "/a");
  ASSERT_EQ(found.match, Router::Match::kFound);
  EXPECT_EQ(found.route->handler(Request{}).body, "post");
  EXPECT_EQ(found.route->lane, Lane::kIoThread);
  EXPECT_EQ(*found.path, "/a");
}

TEST(HttpRouterTest, UnknownPathAndPrefixesDoNotMatch) {
  Router router;
  router.add("GET", "/a", [](const Request&) { return ok(""); });
  EXPECT_EQ(router.find("GET", "/a/b").match, Router::Match::kNoPath);
  EXPECT_EQ(router.find("GET", "/").match, Router::Match::kNoPath);
  EXPECT_EQ(router.find("GET", "/A").match, Router::Match::kNoPath);
}

TEST(HttpRouterTest, WrongMethodReportsAllowedMethods) {
  Router router;
  router.add("GET", "/a", [](const Request&) { return ok(""); });
  router.add("POST", "/a", [](const Request&) { return ok(""); });
  auto found = router.find("DELETE", "/a");
  EXPECT_EQ(found.match, Router::Match::kNoMethod);
  EXPECT_EQ(*found.allow, "GET, POST");
  EXPECT_EQ(router.find("get", "/a").match,
            Router::Match::kNoMethod);  // methods are case-sensitive
}

TEST(HttpRouterTest, AddingTheSameRouteReplacesIt) {
  Router router;
  router.add("GET", "/a", [](const Request&) { return ok("1"); });
  router.add("GET", "/a", [](const Request&) { return ok("2"); });
  auto found = router.find("GET", "/a");
  EXPECT_EQ(found.route->handler(Request{}).body, "2");
  EXPECT_EQ(*found.allow, "GET");
}

TEST(HttpJsonErrorTest, EscapesTheMessage) {
  Response r = jsonError(400, "bad \"x\"\n\\ \x01");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.contentType, "application/json");
  EXPECT_EQ(r.body, R"({"error":"bad \"x\"\n\\ \u0001"})");
}

TEST(HttpResponseWriterTest, WritesStatusHeadersAndBody) {
  Response r;
  r.body = "{}";
  r.headers.emplace_back("X-A", "1");
  std::string out;
  serializeResponse(r, /*keepAlive=*/true, /*http10=*/false, out);
  EXPECT_EQ(out,
            "HTTP/1.1 200 OK\r\nServer: callgate\r\nContent-Type: application/json\r\n"
            "Content-Length: 2\r\nX-A: 1\r\n\r\n{}");
}

TEST(HttpResponseWriterTest, SignalsConnectionHandling) {
  std::string out;
  serializeResponse(jsonError(413, "x"), /*keepAlive=*/false, false, out);
  EXPECT_NE(out.find("HTTP/1.1 413 Content Too Large\r\n"), std::string::npos);
  EXPECT_NE(out.find("Connection: close\r\n"), std::string::npos);
  serializeResponse(Response{}, /*keepAlive=*/true, /*http10=*/true, out);
  EXPECT_NE(out.find("Connection: keep-alive\r\n"), std::string::npos);
}

TEST(HttpResponseWriterTest, DropsHeadersThatWouldSplitTheResponse) {
  Response r;
  r.headers.emplace_back("X-Evil", "a\r\nSet-Cookie: x=y");
  r.headers.emplace_back("X-Good", "fine");
  std::string out;
  serializeResponse(r, true, false, out);
  EXPECT_EQ(out.find("Set-Cookie"), std::string::npos);
  EXPECT_NE(out.find("X-Good: fine\r\n"), std::string::npos);
}

TEST(HttpResponseWriterTest, HeadKeepsContentLengthButSendsNoBody) {
  std::string out;
  serializeResponse(jsonError(405, "x"), true, false, out, /*headRequest=*/true);
  EXPECT_NE(out.find("Content-Length: 13\r\n"), std::string::npos) << out;
  EXPECT_TRUE(out.ends_with("\r\n\r\n")) << out;
}

TEST(HttpResponseWriterTest, NoBodyFor204) {
  std::string out;
  serializeResponse(Response{204, "text/plain", "ignored", {}, {}}, true, false, out);
  EXPECT_EQ(out, "HTTP/1.1 204 No Content\r\nServer: callgate\r\n\r\n");
}

TEST(HttpRouterTest, PatternRouteCapturesSegments) {
  Router router;
  router.add("POST", "/v1/accounts/{id}/members", [](const Request&) { return Response{}; });
  router.add("GET", "/l/{code}", [](const Request&) { return Response{}; });
  std::vector<std::pair<std::string, std::string>> params;
  auto found = router.find("POST", "/v1/accounts/12345678/members", &params);
  ASSERT_EQ(found.match, Router::Match::kFound);
  EXPECT_EQ(*found.path, "/v1/accounts/{id}/members");  // logged instead of the real path
  ASSERT_EQ(params.size(), 1u);
  EXPECT_EQ(params[0].first, "id");
  EXPECT_EQ(params[0].second, "12345678");

  found = router.find("GET", "/l/abc", &params);
  ASSERT_EQ(found.match, Router::Match::kFound);
  EXPECT_EQ(params.at(0).second, "abc");
  EXPECT_EQ(router.find("POST", "/l/abc", &params).match, Router::Match::kNoMethod);
}

TEST(HttpRouterTest, PatternSegmentsMustBeNonEmptyAndWhole) {
  Router router;
  router.add("GET", "/l/{code}", [](const Request&) { return Response{}; });
  EXPECT_EQ(router.find("GET", "/l/").match, Router::Match::kNoPath);
  EXPECT_EQ(router.find("GET", "/l").match, Router::Match::kNoPath);
  EXPECT_EQ(router.find("GET", "/l/a/b").match, Router::Match::kNoPath);
  EXPECT_EQ(router.find("GET", "/x/a").match, Router::Match::kNoPath);
}

TEST(HttpRouterTest, ExactPathWinsOverPattern) {
  Router router;
  router.add("GET", "/l/{code}", [](const Request&) { return Response{201, "", "", {}, {}}; });
  router.add("GET", "/l/help", [](const Request&) { return Response{202, "", "", {}, {}}; });
  std::vector<std::pair<std::string, std::string>> params;
  auto found = router.find("GET", "/l/help", &params);
  ASSERT_EQ(found.match, Router::Match::kFound);
  EXPECT_EQ(found.route->handler(Request{}).status, 202);
  EXPECT_TRUE(params.empty());
}

TEST(HttpRequestTest, ParamLooksUpByName) {
  Request r;
  r.params = {{"id", "7"}, {"code", "xyz"}};
  EXPECT_EQ(r.param("code"), "xyz");
  EXPECT_EQ(r.param("missing"), "");
  r.clear();
  EXPECT_TRUE(r.params.empty());
}

}  // namespace
}  // namespace callgate::http
