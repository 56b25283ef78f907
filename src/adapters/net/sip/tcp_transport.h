// Private to src/adapters/sip: SIP over TCP. An acceptor on the SIP port and one TcpConnection per
// peer connection: reads into a buffer capped near maxMessageBytes, frames messages with
// tcp_framer (Content-Length), answers CRLF keep-alive pings, closes on garbage and after a 413
// for oversized messages; writes are queued and sent one at a time. We never open outgoing TCP
// connections: responses and in-dialog requests go back on the connection a request came on.
// Thread-safety: SIP thread only.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <unordered_set>

#include "adapters/net/sip/peer.h"
#include "common/connection_limits.h"
#include "common/result.h"

namespace callgate::sip {

class TcpTransport;

class TcpConnection : public std::enable_shared_from_this<TcpConnection> {
 public:
  TcpConnection(boost::asio::ip::tcp::socket socket, TcpTransport& owner);
  void start();
  void send(std::string bytes);
  void closeAfterWrites();  // finish queued writes, then close
  void close();
  bool isOpen() const { return open_; }
  std::chrono::steady_clock::time_point lastActivity() const { return lastActivity_; }

 private:
  friend class TcpTransport;
  void read();
  void consume();
  void write();

  boost::asio::ip::tcp::socket socket_;
  TcpTransport& owner_;
  Peer peer_;
  std::string countedAddress_;  // counted in the owner's per-address count; "" = not counted
  std::chrono::steady_clock::time_point lastActivity_ = std::chrono::steady_clock::now();
  std::string input_;
  char chunk_[8192];
  std::deque<std::string> output_;
  bool writing_ = false;
  bool closing_ = false;
  bool open_ = true;
};

class TcpTransport {
 public:
  TcpTransport(boost::asio::io_context& io, MessageSink& sink, size_t maxMessageBytes,
               size_t maxConnections, size_t maxPerAddress);
  Status open(const boost::asio::ip::address& address, uint16_t port);
  uint16_t localPort() const;
  void start();
  void close();  // stops accepting and closes every connection
  size_t connectionCount() const { return connections_.size(); }
  // Closes the connections silent since before `idleSince`, except those `inUse` names.
  void closeIdle(std::chrono::steady_clock::time_point idleSince,
                 const std::function<bool(const TcpConnection*)>& inUse);

 private:
  friend class TcpConnection;
  void accept();
  void forget(const std::shared_ptr<TcpConnection>& c);
  void refuse(boost::asio::ip::tcp::socket& socket, const char* limit, size_t max,
              const std::string& address);

  boost::asio::ip::tcp::acceptor acceptor_;
  MessageSink& sink_;
  size_t maxMessageBytes_;
  size_t maxConnections_;
  PerAddressCount perAddress_;
  RefusalLog refusals_{std::chrono::seconds(10)};
  std::unordered_set<std::shared_ptr<TcpConnection>> connections_;
};

}  // namespace callgate::sip
