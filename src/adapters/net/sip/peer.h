// Private to src/adapters/sip: where a SIP message came from and where one goes. A UDP peer is an
// address and port; a TCP peer also names the connection (weakly: it may close at any time).
// MessageSink is what the transports deliver framed messages to. Thread-safety: SIP thread only.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "adapters/net/sip/media_types.h"

namespace callgate::sip {

class TcpConnection;

struct Peer {
  Transport transport = Transport::kUdp;
  boost::asio::ip::address address;
  uint16_t port = 0;
  std::weak_ptr<TcpConnection> tcp;  // TCP only
};

class MessageSink {
 public:
  virtual ~MessageSink() = default;
  // One complete message (a datagram, or a Content-Length framed message on TCP).
  virtual void onMessage(std::string_view bytes, const Peer& from) = 0;
  // TCP only: a message larger than maxMessageBytes; `head` is its start (headers when complete).
  // The connection is closed after whatever the sink sends in reply.
  virtual void onOversized(std::string_view head, const Peer& from) = 0;
};

}  // namespace callgate::sip
