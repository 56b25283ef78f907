// The HTTP server on a real loopback socket: routing, keep-alive, limits and malformed input.

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "unit/adapters/net/http/http_test_support.h"

namespace callgate::http {
namespace {

using testing::TestClient;
using namespace std::chrono_literals;

TEST_F(HttpServerTest, RoutesToTheHandlerAndSetsStandardHeaders) {
  TestClient c(start());
  auto r = c.request("GET", "/hello");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "hello");
  EXPECT_EQ(r->header("server"), "callgate");
  EXPECT_EQ(r->header("content-type"), "text/plain");
  EXPECT_EQ(r->header("content-length"), "5");
}

TEST_F(HttpServerTest, PassesMethodQueryHeadersAndBody) {
  TestClient c(start());
  auto r = c.request("POST", "/echo?a=1&b=2", R"({"x":1})", "X-Test: yes\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"x":1})");
  EXPECT_EQ(r->header("x-method"), "POST");
  EXPECT_EQ(r->header("x-query"), "a=1&b=2");
  EXPECT_EQ(r->header("x-header"), "yes");
  EXPECT_EQ(r->header("content-type"), "application/json");
}

TEST_F(HttpServerTest, UnknownPathIs404Json) {
  TestClient c(start());
  auto r = c.request("GET", "/nope");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->header("content-type"), "application/json");
  EXPECT_NE(r->body.find("\"error\""), std::string::npos);
}

TEST_F(HttpServerTest, KnownPathWrongMethodIs405WithAllow) {
  TestClient c(start());
  auto r = c.request("DELETE", "/echo");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->header("allow"), "POST, PUT");
  EXPECT_NE(r->body.find("\"error\""), std::string::npos);
}

TEST_F(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  TestClient c(start());
  for (int i = 0; i < 5; ++i) {
    auto r = c.request("POST", "/echo", "n" + std::to_string(i));
    ASSERT_TRUE(r) << "request " << i;
    EXPECT_EQ(r->body, "n" + std::to_string(i));
    EXPECT_EQ(r->header("connection"), "");
  }
  auto r = c.request("GET", "/nope");  // an error response keeps the connection too
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  ASSERT_TRUE(c.request("GET", "/hello"));
  EXPECT_EQ(server_->connectionCount(), 1u);
}

TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  TestClient c(start());
  std::string two;
  for (const char* body : {"first", "second"}) {
    two +=
        "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(std::strlen(body)) +
        "\r\n\r\n" + body;
  }
  two += "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n";
  ASSERT_TRUE(c.send(two));
  auto a = c.read();
  auto b = c.read();
  auto h = c.read();
  ASSERT_TRUE(a && b && h);
  EXPECT_EQ(a->body, "first");
  EXPECT_EQ(b->body, "second");
  EXPECT_EQ(h->body, "hello");
}

TEST_F(HttpServerTest, ConnectionCloseIsHonoured) {
  TestClient c(start());
  auto r = c.request("GET", "/hello", "", "Connection: close\r\n");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_TRUE(c.waitClosed());
}

TEST_F(HttpServerTest, Http10ClosesUnlessKeepAliveIsAsked) {
  TestClient c(start());
  ASSERT_TRUE(c.send("GET /hello HTTP/1.0\r\n\r\n"));
  auto r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(c.waitClosed());
}

// HEAD on a GET route answers as GET would (status, headers, Content-Length) without the body
// (RFC 9110 9.3.2), on a connection that stays usable.
TEST_F(HttpServerTest, HeadOnAGetRouteAnswersLikeGetWithoutABody) {
  TestClient c(start());
  ASSERT_TRUE(
      c.send("HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n"
             "GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
  const std::string raw = c.readRaw(100000, 3s);  // everything until the server closes
  const size_t firstEnd = raw.find("\r\n\r\n");
  ASSERT_NE(firstEnd, std::string::npos) << raw;
  EXPECT_TRUE(raw.starts_with("HTTP/1.1 200 ")) << raw;
  EXPECT_NE(raw.substr(0, firstEnd).find("Content-Length: 5"), std::string::npos) << raw;
  EXPECT_EQ(raw.compare(firstEnd + 4, 9, "HTTP/1.1 "), 0) << raw;  // no body before the next
  EXPECT_TRUE(raw.ends_with("hello")) << raw;
}

TEST_F(HttpServerTest, HeadOnAPostOnlyRouteIs405) {
  TestClient c(start());
  ASSERT_TRUE(c.send("HEAD /echo HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
  const std::string raw = c.readRaw(100000, 3s);
  EXPECT_TRUE(raw.starts_with("HTTP/1.1 405 ")) << raw;
}

TEST_F(HttpServerTest, TwoHostHeadersAre400) {
  TestClient c(start());
  ASSERT_TRUE(c.send("GET /hello HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"));
  auto r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(c.waitClosed());
}

// Only "chunked" is a transfer coding we read; anything else, alone or before chunked, is 501
// (RFC 9112 6.1), never silently read as chunked.
TEST_F(HttpServerTest, TransferCodingsOtherThanChunkedAre501) {
  const uint16_t port = start();
  for (const std::string coding : {"gzip, chunked", "gzip", "chunked, chunked", "identity"}) {
    TestClient c(port);
    ASSERT_TRUE(c.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: " + coding +
                       "\r\n\r\n3\r\nabc\r\n0\r\n\r\n"));
    auto r = c.read();
    ASSERT_TRUE(r) << coding;
    EXPECT_EQ(r->status, 501) << coding;
    EXPECT_TRUE(c.waitClosed()) << coding;
  }
  TestClient c(port);
  ASSERT_TRUE(
      c.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: Chunked\r\n\r\n"
             "3\r\nabc\r\n0\r\n\r\n"));
  auto r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "abc");
}

TEST_F(HttpServerTest, Http10KeepAliveStaysOpen) {
  TestClient c(start());
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(c.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    auto r = c.read();
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->header("connection"), "keep-alive");
  }
}

TEST_F(HttpServerTest, BodyOverTheLimitIs413WithoutReadingIt) {
  TestClient c(start());
  const std::string body(65 * 1024, 'x');
  // Send only the header: the 413 must come from Content-Length alone.
  ASSERT_TRUE(c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: " +
                     std::to_string(body.size()) + "\r\n\r\n"));
  auto r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_NE(r->body.find("\"error\""), std::string::npos);
  EXPECT_TRUE(c.waitClosed());
}

TEST_F(HttpServerTest, BodyOverTheLimitSentWholeStillGets413) {
  TestClient c(start());
  const std::string body(65 * 1024, 'x');
  ASSERT_TRUE(c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: " +
                     std::to_string(body.size()) + "\r\n\r\n" + body));
  auto r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
}

TEST_F(HttpServerTest, ChunkedBodyOverTheLimitIs413) {
  TestClient c(start());
  std::string raw = "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::string chunk(16 * 1024, 'y');
  for (int i = 0; i < 5; ++i) raw += "4000\r\n" + chunk + "\r\n";
  raw += "0\r\n\r\n";
  ASSERT_TRUE(c.send(raw));
  auto r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
}

TEST_F(HttpServerTest, ChunkedBodyUnderTheLimitIsAccepted) {
  TestClient c(start());
  ASSERT_TRUE(
      c.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
             "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"));
  auto r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "abcde");
}

TEST_F(HttpServerTest, MalformedRequestIs400AndCloses) {
  TestClient c(start());
  ASSERT_TRUE(c.send("THIS IS NOT HTTP\r\n\r\n"));
  auto r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_NE(r->body.find("malformed HTTP"), std::string::npos);
  EXPECT_TRUE(c.waitClosed());
}

TEST_F(HttpServerTest, Http11WithoutHostIs400ButHttp10IsServed) {
  const uint16_t port = start();
  {
    TestClient c(port);
    ASSERT_TRUE(c.send("GET /echo HTTP/1.1\r\n\r\n"));
    auto r = c.read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400);
  }
  TestClient c(port);
  ASSERT_TRUE(c.send("GET /echo HTTP/1.0\r\n\r\n"));
  auto r = c.read();
  ASSERT_TRUE(r);
  EXPECT_NE(r->status, 400);
}

TEST_F(HttpServerTest, BadContentLengthIs400) {
  TestClient c(start());
  ASSERT_TRUE(c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: abc\r\n\r\n"));
  auto r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
}

TEST_F(HttpServerTest, AmbiguousMessageLengthIs400) {
  // Both framings at once is the classic request-smuggling shape (RFC 9112 §6.3).
  TestClient c(start());
  ASSERT_TRUE(
      c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n"
             "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"));
  auto r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
}

TEST_F(HttpServerTest, DuplicateContentLengthIs400) {
  TestClient c(start());
  ASSERT_TRUE(
      c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n"
             "Content-Length: 5\r\n\r\nabcde"));
  auto r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
}

TEST_F(HttpServerTest, HeaderOverTheLimitIs431) {
  TestClient c(start());
  ASSERT_TRUE(
      c.send("GET /hello HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(9000, 'a') + "\r\n\r\n"));
  auto r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
}

TEST_F(HttpServerTest, ThrowingHandlerGives500AndKeepsServing) {
  TestClient c(start());
  auto r = c.request("GET", "/throws");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->body.find("boom"), std::string::npos);  // no internals leak
  auto again = c.request("GET", "/hello");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);
}

TEST_F(HttpServerTest, ExpectContinueGetsInterimResponse) {
  TestClient c(start());
  ASSERT_TRUE(
      c.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n"
             "Expect: 100-continue\r\n\r\n"));
  const std::string interim = "HTTP/1.1 100 Continue\r\n\r\n";
  EXPECT_EQ(c.readRaw(interim.size()), interim);
  ASSERT_TRUE(c.send("body"));
  auto r = c.read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, "body");
}

}  // namespace
}  // namespace callgate::http
