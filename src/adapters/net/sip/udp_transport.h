// Private to src/adapters/sip: the UDP socket of the SIP server. Receives datagrams into one
// reusable buffer (no allocation per packet) and delivers each to the MessageSink; datagrams
// larger than maxMessageBytes are dropped. Sends are synchronous on a non-blocking socket: a full
// send buffer drops the datagram (RFC 3261 retransmission covers it), so the SIP thread never
// waits. Thread-safety: SIP thread only.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <cstdint>
#include <string_view>
#include <vector>

#include "adapters/net/sip/peer.h"
#include "common/result.h"

namespace callgate::sip {

class UdpTransport {
 public:
  UdpTransport(boost::asio::io_context& io, MessageSink& sink, size_t maxMessageBytes);
  // Binds; port 0 = ephemeral. kUnavailable when the address is in use.
  Status open(const boost::asio::ip::address& address, uint16_t port);
  uint16_t localPort() const;
  void start();  // begin receiving (call on or before the SIP thread runs)
  void send(const boost::asio::ip::address& address, uint16_t port, std::string_view bytes);
  void close();

 private:
  void receive();

  boost::asio::ip::udp::socket socket_;
  MessageSink& sink_;
  size_t maxMessageBytes_;
  std::vector<char> buffer_;
  boost::asio::ip::udp::endpoint sender_;
};

}  // namespace callgate::sip
