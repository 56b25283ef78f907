// Test support for the http and connect adapter tests: a blocking HTTP/1.1 client on a raw
// POSIX socket, and the HttpServerTest fixture (a real Server on 127.0.0.1, port 0, with a few
// standard routes). Every client wait is bounded (poll with a timeout) so a server bug fails a
// test instead of hanging it. Responses are parsed with Beast's response parser.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "adapters/net/http/server.h"

namespace callgate::http::testing {

struct ClientResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;

  std::string header(const std::string& lowerName) const {
    auto it = headers.find(lowerName);
    return it == headers.end() ? "" : it->second;
  }
};

class TestClient {
 public:
  explicit TestClient(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~TestClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  bool connected() const { return connected_; }

  bool send(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Reads one complete response, or nullopt on EOF, error or timeout.
  std::optional<ClientResponse> read(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    namespace bhttp = boost::beast::http;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(1 << 20);
    parser.eager(true);
    const auto until = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (!pending_.empty()) {
        boost::beast::error_code ec;
        const size_t used = parser.put(boost::asio::buffer(pending_), ec);
        pending_.erase(0, used);
        if (ec && ec != bhttp::error::need_more) return std::nullopt;
        if (parser.is_done()) break;
        if (!ec && used > 0) continue;
      }
      if (!fill(until)) {
        if (eof_ && parser.is_header_done() && parser.need_eof()) {
          boost::beast::error_code ec;
          parser.put_eof(ec);
          if (!ec && parser.is_done()) break;
        }
        return std::nullopt;
      }
    }
    ClientResponse out;
    auto msg = parser.release();
    out.status = static_cast<int>(msg.result_int());
    for (const auto& f : msg) {
      std::string name(f.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.headers[name] = std::string(f.value());
    }
    out.body = std::move(msg.body());
    return out;
  }

  // Reads raw bytes until `n` arrived or the timeout; for 1xx interim responses.
  std::string readRaw(size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (pending_.size() < n && fill(until)) {
    }
    std::string out = pending_.substr(0, n);
    pending_.erase(0, out.size());
    return out;
  }

  // True if the server closes the connection (EOF or reset) within the timeout and sent
  // nothing more.
  bool waitClosed(std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (fill(until)) {
    }
    return eof_ && pending_.empty();
  }

  std::optional<ClientResponse> request(std::string_view method, std::string_view path,
                                        std::string_view body = "",
                                        std::string_view extraHeaders = "") {
    std::string raw;
    raw.append(method).append(" ").append(path).append(" HTTP/1.1\r\nHost: test\r\n");
    if (!body.empty() || method == "POST") {
      raw.append("Content-Type: application/json\r\nContent-Length: ")
          .append(std::to_string(body.size()))
          .append("\r\n");
    }
    raw.append(extraHeaders).append("\r\n").append(body);
    if (!send(raw)) return std::nullopt;
    return read();
  }

 private:
  // Receives more bytes into pending_; false on EOF, error or timeout.
  bool fill(std::chrono::steady_clock::time_point until) {
    if (eof_) return false;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[16384];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      eof_ = true;
      return false;
    }
    pending_.append(buf, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  bool eof_ = false;
  std::string pending_;
};

}  // namespace callgate::http::testing

namespace callgate::http {

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.add("GET", "/hello", [](const Request&) {
      Response r;
      r.contentType = "text/plain";
      r.body = "hello";
      return r;
    });
    router_.add("POST", "/echo", [](const Request& req) {
      Response r;
      r.body = req.body;
      r.headers.emplace_back("X-Method", req.method);
      r.headers.emplace_back("X-Query", req.query);
      r.headers.emplace_back("X-Header", req.header("x-test"));
      return r;
    });
    router_.add("PUT", "/echo", [](const Request&) { return Response{204, "", "", {}, {}}; });
    router_.add("GET", "/throws",
                [](const Request&) -> Response { throw std::runtime_error("boom"); });
  }

  // Starts the server with `options` on 127.0.0.1:0 (access log off); returns the port.
  uint16_t start(ServerOptions options = {}) {
    options.host = "127.0.0.1";
    options.port = 0;
    options.accessLog = false;
    server_ = std::make_unique<Server>(options, std::move(router_));
    auto port = server_->start();
    EXPECT_TRUE(port.ok()) << (port.ok() ? "" : port.error().message());
    return port.ok() ? *port : 0;
  }

  void TearDown() override {
    if (server_) server_->stop();
  }

  Router router_;
  std::unique_ptr<Server> server_;
};

}  // namespace callgate::http
