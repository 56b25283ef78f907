// Private to src/adapters/sip: SIP over TCP. An acceptor on the SIP port and one TcpConnection per
// peer connection: reads into a buffer capped near maxMessageBytes, frames messages with
// tcp_framer (Content-Length), answers CRLF keep-alive pings, closes on garbage and after a 413
// for oversized messages; writes are queued and sent one at a time. We never open outgoing TCP
// connections: responses and in-dialog requests go back on the connection a request came on.
// Thread-safety: SIP thread only.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <deque>
#include <memory>
#include <string>
#include <unordered_set>

#include "adapters/net/sip/peer.h"
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

 private:
  void read();
  void consume();
  void write();

  boost::asio::ip::tcp::socket socket_;
  TcpTransport& owner_;
  Peer peer_;
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
               size_t maxConnections);
  Status open(const boost::asio::ip::address& address, uint16_t port);
  uint16_t localPort() const;
  void start();
  void close();  // stops accepting and closes every connection
  size_t connectionCount() const { return connections_.size(); }

 private:
  friend class TcpConnection;
  void accept();
  void forget(const std::shared_ptr<TcpConnection>& c) { connections_.erase(c); }

  boost::asio::ip::tcp::acceptor acceptor_;
  MessageSink& sink_;
  size_t maxMessageBytes_;
  size_t maxConnections_;
  std::unordered_set<std::shared_ptr<TcpConnection>> connections_;
};

}  // namespace callgate::sip
