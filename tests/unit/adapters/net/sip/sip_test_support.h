// Test support for the SIP adapter: a recording CallHandler and raw SIP peers over real
// loopback UDP and TCP sockets (blocking POSIX sockets with poll() timeouts), plus builders of
// the raw SIP text the tests send.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "adapters/net/sip/call_handler.h"
#include "adapters/net/sip/sip_server.h"

namespace callgate::sip::testing {

class FakeCallHandler : public CallHandler {
 public:
  Acceptance answer{200, "127.0.0.1", 40000};

  Acceptance onIncomingCall(const IncomingCall& call, std::shared_ptr<CallLeg> leg) override {
    std::lock_guard lock(mu_);
    calls.push_back(call);
    legs[call.callId] = leg;
    legsByKey[call.key] = std::move(leg);
    cv_.notify_all();
    return answer;
  }
  // The callbacks name the call by IncomingCall::key.
  void onCallConfirmed(const std::string& key) override {
    record([&] { confirmed.push_back(key); });
  }
  void onMediaChanged(const std::string& key, const NegotiatedMedia& media) override {
    record([&] { mediaChanges.emplace_back(key, media); });
  }
  void onTransferOutcome(const std::string& key, const TransferOutcome& outcome) override {
    record([&] { transfers.emplace_back(key, outcome); });
  }
  void onCallEnded(const std::string& key, EndReason reason) override {
    record([&] { ended.emplace_back(key, reason); });
  }
  int optionsStatus() override { return options.load(); }

  // Waits (up to 3 s) until pred() holds under the lock.
  bool waitFor(const std::function<bool()>& pred,
               std::chrono::milliseconds timeout = std::chrono::seconds(3)) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, pred);
  }
  std::shared_ptr<CallLeg> leg(const std::string& callId) {
    std::lock_guard lock(mu_);
    return legs[callId];
  }
  template <typename F>
  auto locked(F f) {
    std::lock_guard lock(mu_);
    return f();
  }

  std::vector<IncomingCall> calls;
  std::map<std::string, std::shared_ptr<CallLeg>> legs;       // by Call-ID (the latest)
  std::map<std::string, std::shared_ptr<CallLeg>> legsByKey;  // by IncomingCall::key
  std::vector<std::string> confirmed;
  std::vector<std::pair<std::string, NegotiatedMedia>> mediaChanges;
  std::vector<std::pair<std::string, TransferOutcome>> transfers;
  std::vector<std::pair<std::string, EndReason>> ended;
  std::atomic<int> options{200};  // what optionsStatus() answers

 private:
  template <typename F>
  void record(F f) {
    std::lock_guard lock(mu_);
    f();
    cv_.notify_all();
  }
  std::mutex mu_;
  std::condition_variable cv_;
};

// Case-insensitive value of the first header `name` in raw SIP text, "" if none.
inline std::string headerOf(const std::string& msg, const std::string& name) {
  size_t pos = msg.find("\r\n");
  while (pos != std::string::npos && pos + 2 < msg.size()) {
    size_t start = pos + 2;
    size_t end = msg.find("\r\n", start);
    if (end == std::string::npos || end == start) break;
    std::string line = msg.substr(start, end - start);
    if (line.size() > name.size() && line[name.size()] == ':' &&
        strncasecmp(line.c_str(), name.c_str(), name.size()) == 0) {
      size_t v = name.size() + 1;
      while (v < line.size() && line[v] == ' ') ++v;
      return line.substr(v);
    }
    pos = end;
  }
  return "";
}

inline int statusOf(const std::string& msg) {
  if (msg.rfind("SIP/2.0 ", 0) != 0 || msg.size() < 11) return 0;
  return std::stoi(msg.substr(8, 3));
}

inline std::string methodOf(const std::string& msg) { return msg.substr(0, msg.find(' ')); }

inline std::string bodyOf(const std::string& msg) {
  size_t p = msg.find("\r\n\r\n");
  return p == std::string::npos ? "" : msg.substr(p + 4);
}

// A raw SIP peer on 127.0.0.1 (UDP or TCP) talking to the server's port.
class RawPeer {
 public:
  RawPeer(bool tcp, uint16_t serverPort) : tcp_(tcp) {
    fd_ = ::socket(AF_INET, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
    sockaddr_in local{};
    local.sin_family = AF_INET;
    local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local);
    socklen_t len = sizeof local;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&local), &len);
    port_ = ntohs(local.sin_port);
    server_.sin_family = AF_INET;
    server_.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    server_.sin_port = htons(serverPort);
    if (tcp)
      connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&server_), sizeof server_) == 0;
  }
  ~RawPeer() { ::close(fd_); }
  RawPeer(const RawPeer&) = delete;
  RawPeer& operator=(const RawPeer&) = delete;

  uint16_t port() const { return port_; }
  bool connected() const { return !tcp_ || connected_; }
  const char* transport() const { return tcp_ ? "TCP" : "UDP"; }

  void send(const std::string& text) {
    if (tcp_) {
      (void)::send(fd_, text.data(), text.size(), MSG_NOSIGNAL);
    } else {
      (void)::sendto(fd_, text.data(), text.size(), 0, reinterpret_cast<sockaddr*>(&server_),
                     sizeof server_);
    }
  }

  // The next message (or TCP keep-alive bytes) within `timeout`, nullopt on timeout/close.
  std::optional<std::string> receive(std::chrono::milliseconds timeout = std::chrono::seconds(3)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (tcp_) {
        if (auto m = takeFramed()) return m;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return std::nullopt;
      char buf[65536];
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        closed_ = true;
        return std::nullopt;
      }
      if (!tcp_) return std::string(buf, static_cast<size_t>(n));
      stream_.append(buf, static_cast<size_t>(n));
    }
  }

  // Skips messages until one satisfies pred; nullopt on timeout.
  std::optional<std::string> receiveUntil(
      const std::function<bool(const std::string&)>& pred,
      std::chrono::milliseconds timeout = std::chrono::seconds(3)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      auto m = receive(left);
      if (!m) return std::nullopt;
      if (pred(*m)) return m;
    }
  }
  std::optional<std::string> receiveStatus(
      int status, std::chrono::milliseconds timeout = std::chrono::seconds(3)) {
    return receiveUntil([status](const std::string& m) { return statusOf(m) == status; }, timeout);
  }
  std::optional<std::string> receiveMethod(
      const std::string& method, std::chrono::milliseconds timeout = std::chrono::seconds(3)) {
    return receiveUntil([method](const std::string& m) { return methodOf(m) == method; }, timeout);
  }
  bool closed() const { return closed_; }

 private:
  std::optional<std::string> takeFramed() {
    if (stream_.rfind("\r\n", 0) == 0 && stream_.find("\r\n\r\n") != 0) {
      stream_.erase(0, 2);
      return std::string("\r\n");  // keep-alive pong
    }
    size_t end = stream_.find("\r\n\r\n");
    if (end == std::string::npos) return std::nullopt;
    std::string head = stream_.substr(0, end + 4);
    std::string cl = headerOf(head, "Content-Length");
    size_t body = cl.empty() ? 0 : std::stoul(cl);
    if (stream_.size() < end + 4 + body) return std::nullopt;
    std::string msg = stream_.substr(0, end + 4 + body);
    stream_.erase(0, msg.size());
    return msg;
  }

  bool tcp_;
  int fd_ = -1;
  uint16_t port_ = 0;
  sockaddr_in server_{};
  bool connected_ = false;
  bool closed_ = false;
  std::string stream_;
};

inline std::string offerSdp(const std::string& extra = "", const std::string& formats = "0 8 101",
                            const std::string& address = "127.0.0.1") {
  return "v=0\r\no=peer 1 1 IN IP4 " + address + "\r\ns=-\r\nc=IN IP4 " + address +
         "\r\nt=0 0\r\nm=audio 30000 RTP/AVP " + formats +
         "\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 "
         "telephone-event/8000\r\n" +
         extra;
}

// A request from `peer`. `toTag` "" = out of dialog. `body` "" = none.
inline std::string request(const RawPeer& peer, const std::string& method,
                           const std::string& callId, int cseq, const std::string& branch,
                           const std::string& toTag = "", const std::string& body = "",
                           const std::string& extraHeaders = "",
                           const std::string& cseqMethod = "") {
  const std::string host = "127.0.0.1:" + std::to_string(peer.port());
  std::string m = method + " sip:+18005550199@127.0.0.1 SIP/2.0\r\n";
  m += "Via: SIP/2.0/" + std::string(peer.transport()) + " " + host + ";branch=" + branch +
       ";rport\r\n";
  m += "Max-Forwards: 70\r\n";
  m += "From: \"Caller\" <sip:+14155550100@127.0.0.1>;tag=caller1\r\n";
  m += "To: <sip:+18005550199@127.0.0.1>" + (toTag.empty() ? "" : ";tag=" + toTag) + "\r\n";
  m += "Call-ID: " + callId + "\r\n";
  m += "CSeq: " + std::to_string(cseq) + " " + (cseqMethod.empty() ? method : cseqMethod) + "\r\n";
  m += "Contact: <sip:caller@" + host + (peer.transport()[0] == 'T' ? ";transport=tcp" : "") +
       ">\r\n";
  m += extraHeaders;
  if (!body.empty()) m += "Content-Type: application/sdp\r\n";
  m += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  return m;
}

// A response from `peer` to a request the server sent (copies Via/From/To/Call-ID/CSeq).
inline std::string responseTo(const std::string& req, int status, const std::string& reason,
                              const std::string& body = "", const std::string& contentType = "") {
  std::string m = "SIP/2.0 " + std::to_string(status) + " " + reason + "\r\n";
  for (const char* h : {"Via", "From", "To", "Call-ID", "CSeq"})
    m += std::string(h) + ": " + headerOf(req, h) + "\r\n";
  if (!body.empty()) m += "Content-Type: " + contentType + "\r\n";
  m += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  return m;
}

inline std::string tagOf(const std::string& headerValue) {
  size_t p = headerValue.find("tag=");
  if (p == std::string::npos) return "";
  return headerValue.substr(p + 4, headerValue.find_first_of(";>", p + 4) - p - 4);
}

// A SipServer on an ephemeral loopback port with short timers, recording into handler_.
class SipServerFixture : public ::testing::Test {
 protected:
  void startServer(SipServerOptions options = {}) {
    using namespace std::chrono_literals;
    options.port = 0;
    options.t1 = 20ms;
    options.t2 = 160ms;
    // The peers of most tests are gone when the server stops: do not wait 64*T1 for answers to
    // its BYEs (StopByesConfirmedCalls answers within this).
    options.stopGrace = 300ms;
    server_ = std::make_unique<SipServer>(options, handler_);
    auto port = server_->start();
    ASSERT_TRUE(port.ok()) << port.error().toString();
    port_ = *port;
  }
  void TearDown() override {
    if (server_) server_->stop();
  }

  FakeCallHandler handler_;
  std::unique_ptr<SipServer> server_;
  uint16_t port_ = 0;
};

}  // namespace callgate::sip::testing
