// CurlHttpClient against callgate's own HTTP server on loopback: what goes on the wire, timeouts,
// the response size cap, redirects not followed, and how transport failures are classified.
#include "adapters/net/http_client/curl_http_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "adapters/net/http/server.h"

namespace callgate {
namespace {

class CurlHttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    http::Router router;
    router.add("POST", "/echo", [](const http::Request& r) {
      http::Response out;
      out.status = 201;
      out.body = nlohmann::json{{"method", r.method},
                                {"query", r.query},
                                {"body", r.body},
                                {"authorization", r.header("authorization")},
                                {"content-type", r.header("content-type")},
                                {"host", r.header("host")},
                                {"expect", r.header("expect")}}
                     .dump();
      out.headers.emplace_back("Retry-After", "7");
      return out;
    });
    router.add("GET", "/big", [](const http::Request&) {
      http::Response out;
      out.contentType = "text/plain";
      out.body.assign(200 * 1024, 'x');
      return out;
    });
    router.add("GET", "/slow", [](const http::Request&) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      return http::Response{};
    });
    router.add("GET", "/redirect", [](const http::Request&) {
      http::Response out;
      out.status = 302;
      out.headers.emplace_back("Location", "/big");
      return out;
    });
    http::ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.accessLog = false;
    options.shutdownTimeout = std::chrono::seconds(3);
    server_ = std::make_unique<http::Server>(options, std::move(router));
    auto port = server_->start();
    ASSERT_TRUE(port.ok());
    base_ = "http://127.0.0.1:" + std::to_string(*port);
  }

  std::unique_ptr<http::Server> server_;
  std::string base_;
};

TEST_F(CurlHttpClientTest, SendsMethodHeadersAndBodyAndReadsTheAnswer) {
  CurlHttpClient client;
  HttpClientRequest r;
  r.method = "POST";
  r.url = base_ + "/echo?a=1";
  r.headers = {{"Authorization", "Basic eDp5"},
               {"Content-Type", "application/x-www-form-urlencoded"}};
  r.body =
      std::string(3000, 'b');  // big enough that curl would otherwise send "Expect: 100-continue"
  auto out = client.send(r);
  ASSERT_TRUE(out.ok()) << out.error().toString();
  EXPECT_EQ(out->status, 201);
  EXPECT_EQ(out->header("retry-after"), "7");
  auto echoed = nlohmann::json::parse(out->body);
  EXPECT_EQ(echoed["method"], "POST");
  EXPECT_EQ(echoed["query"], "a=1");
  EXPECT_EQ(echoed["body"], r.body);
  EXPECT_EQ(echoed["authorization"], "Basic eDp5");
  EXPECT_EQ(echoed["content-type"], "application/x-www-form-urlencoded");
  EXPECT_EQ(echoed["host"], base_.substr(7));
  EXPECT_EQ(echoed["expect"], "");
}

TEST_F(CurlHttpClientTest, ExplicitHostHeaderIsSentAsGiven) {
  CurlHttpClient client;
  HttpClientRequest r;
  r.method = "POST";
  r.url = base_ + "/echo";
  r.headers = {{"Host", "sns.us-east-1.amazonaws.com"}};
  auto out = client.send(r);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(nlohmann::json::parse(out->body)["host"], "sns.us-east-1.amazonaws.com");
}

TEST_F(CurlHttpClientTest, ResponseSizeIsCapped) {
  CurlHttpClientOptions options;
  options.maxResponseBytes = 64 * 1024;
  CurlHttpClient client(options);
  auto out = client.send({"GET", base_ + "/big", {}, "", Millis(0)});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code(), ErrorCode::kResourceExhausted);
}

TEST_F(CurlHttpClientTest, RedirectsAreNotFollowed) {
  CurlHttpClient client;
  auto out = client.send({"GET", base_ + "/redirect", {}, "", Millis(0)});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->status, 302);
  EXPECT_EQ(out->header("location"), "/big");
}

TEST_F(CurlHttpClientTest, TimeoutIsUnavailable) {
  CurlHttpClient client;
  const auto start = std::chrono::steady_clock::now();
  auto out = client.send({"GET", base_ + "/slow", {}, "", Millis(300)});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code(), ErrorCode::kUnavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1400));
}

TEST(CurlHttpClientErrorsTest, RefusedConnectionIsUnavailableAndNamesOnlyTheHost) {
  // A port that was just free: bind, read it, close.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  CurlHttpClient client;
  const std::string url =
      "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/x?password=s3cret";
  auto out = client.send({"GET", url, {}, "", Millis(0)});
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(out.error().message().find("s3cret"), std::string::npos) << out.error().message();
  EXPECT_NE(out.error().message().find("127.0.0.1"), std::string::npos);
}

TEST(CurlHttpClientErrorsTest, BadUrlsArePermanent) {
  CurlHttpClient client;
  EXPECT_EQ(client.send({"GET", "ftp://127.0.0.1/", {}, "", Millis(0)}).error().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(client.send({"GET", "not a url", {}, "", Millis(0)}).error().code(),
            ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace callgate
