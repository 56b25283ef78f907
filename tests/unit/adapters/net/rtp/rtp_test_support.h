// Helpers for the RTP tests: DTMF audio made with spandsp's generator, and a plain loopback UDP
// socket playing the remote party of a MediaSession.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "adapters/net/rtp/g711.h"
#include "adapters/net/rtp/rtp_packet.h"
#include "adapters/net/rtp/spandsp_headers.h"

namespace callgate::rtp::testing {

// `digits` as spandsp's DTMF generator plays them (default timing: 50 ms tone, 55 ms gap),
// followed by `trailingSilence` samples.
inline std::vector<int16_t> dtmfAudio(const std::string& digits, size_t trailingSilence = 1600) {
  dtmf_tx_state_t* tx = dtmf_tx_init(nullptr);
  dtmf_tx_put(tx, digits.c_str(), static_cast<int>(digits.size()));
  std::vector<int16_t> out;
  int16_t block[160];
  for (;;) {
    const int n = dtmf_tx(tx, block, 160);
    if (n <= 0) break;
    out.insert(out.end(), block, block + n);
  }
  dtmf_tx_free(tx);
  out.resize(out.size() + trailingSilence, 0);
  return out;
}

// A UDP socket on 127.0.0.1, blocking with poll() timeouts.
class PeerSocket {
 public:
  PeerSocket() {
    fd_ = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~PeerSocket() { ::close(fd_); }
  PeerSocket(const PeerSocket&) = delete;
  PeerSocket& operator=(const PeerSocket&) = delete;

  uint16_t port() const { return port_; }

  void sendTo(uint16_t port, const std::vector<uint8_t>& bytes) const {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    ::sendto(fd_, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  }

  std::optional<std::vector<uint8_t>> receive(std::chrono::milliseconds timeout) const {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1) return std::nullopt;
    std::vector<uint8_t> buf(2048);
    const ssize_t n = ::recv(fd_, buf.data(), buf.size(), 0);
    if (n < 0) return std::nullopt;
    buf.resize(static_cast<size_t>(n));
    return buf;
  }

  // Every packet that arrives within `window`.
  std::vector<std::vector<uint8_t>> collect(std::chrono::milliseconds window) const {
    std::vector<std::vector<uint8_t>> out;
    const auto end = std::chrono::steady_clock::now() + window;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          end - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      if (auto p = receive(left)) out.push_back(std::move(*p));
    }
    return out;
  }

  void drain() const {
    while (receive(std::chrono::milliseconds(0))) {
    }
  }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

inline std::vector<uint8_t> rtpPacket(const RtpHeader& header,
                                      const std::vector<uint8_t>& payload) {
  std::vector<uint8_t> out(kRtpHeaderBytes);
  writeRtpHeader(header, out.data());
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

inline std::vector<uint8_t> eventPayload(uint8_t event, bool end, uint16_t duration) {
  return {event, static_cast<uint8_t>((end ? 0x80 : 0) | 10), static_cast<uint8_t>(duration >> 8),
          static_cast<uint8_t>(duration)};
}

}  // namespace callgate::rtp::testing
