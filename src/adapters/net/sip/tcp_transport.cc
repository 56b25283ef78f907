#include "adapters/net/sip/tcp_transport.h"

#include <spdlog/spdlog.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>
#include <vector>

#include "adapters/net/sip/tcp_framer.h"

namespace callgate::sip {

namespace asio = boost::asio;
using asio::ip::tcp;

TcpConnection::TcpConnection(tcp::socket socket, TcpTransport& owner)
    : socket_(std::move(socket)), owner_(owner) {
  boost::system::error_code ec;
  auto remote = socket_.remote_endpoint(ec);
  peer_.transport = Transport::kTcp;
  if (!ec) {
    peer_.address = remote.address();
    peer_.port = remote.port();
  }
  socket_.set_option(tcp::no_delay(true), ec);
}

void TcpConnection::start() {
  peer_.tcp = weak_from_this();
  read();
}

void TcpConnection::read() {
  auto self = shared_from_this();
  socket_.async_read_some(asio::buffer(chunk_),
                          [this, self](boost::system::error_code ec, size_t n) {
                            if (!open_) return;
                            if (ec) {
                              close();
                              return;
                            }
                            lastActivity_ = std::chrono::steady_clock::now();
                            input_.append(chunk_, n);
                            consume();
                            if (open_ && !closing_) read();
                          });
}

void TcpConnection::consume() {
  const size_t limit = owner_.maxMessageBytes_;
  size_t offset = 0;
  while (open_ && !closing_) {
    std::string_view rest(input_.data() + offset, input_.size() - offset);
    Frame f = nextFrame(rest, limit);
    if (f.kind == Frame::Kind::kNeedMore) break;
    if (f.kind == Frame::Kind::kGarbage) {
      spdlog::debug("event=sip_tcp_garbage from={}", peer_.address.to_string());
      close();
      return;
    }
    if (f.kind == Frame::Kind::kTooLarge) {
      closing_ = true;  // set first: the sink's 413 is the last thing written
      owner_.sink_.onOversized(rest.substr(0, f.length), peer_);
      closeAfterWrites();
      return;
    }
    if (f.kind == Frame::Kind::kPing) send("\r\n");
    if (f.kind == Frame::Kind::kMessage) owner_.sink_.onMessage(rest.substr(0, f.length), peer_);
    offset += f.length;
  }
  if (open_) input_.erase(0, offset);
}

void TcpConnection::send(std::string bytes) {
  if (!open_) return;
  output_.push_back(std::move(bytes));
  if (!writing_) write();
}

void TcpConnection::write() {
  if (output_.empty()) {
    writing_ = false;
    if (closing_) close();
    return;
  }
  writing_ = true;
  auto self = shared_from_this();
  asio::async_write(socket_, asio::buffer(output_.front()),
                    [this, self](boost::system::error_code ec, size_t) {
                      if (!open_) return;
                      output_.pop_front();
                      if (ec) {
                        close();
                        return;
                      }
                      write();
                    });
}

void TcpConnection::closeAfterWrites() {
  closing_ = true;
  if (!writing_) close();
}

void TcpConnection::close() {
  if (!open_) return;
  open_ = false;
  boost::system::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_both, ec);
  socket_.close(ec);
  owner_.forget(shared_from_this());
}

TcpTransport::TcpTransport(asio::io_context& io, MessageSink& sink, size_t maxMessageBytes,
                           size_t maxConnections, size_t maxPerAddress)
    : acceptor_(io),
      sink_(sink),
      maxMessageBytes_(maxMessageBytes),
      maxConnections_(maxConnections),
      perAddress_(maxPerAddress) {}

void TcpTransport::forget(const std::shared_ptr<TcpConnection>& c) {
  if (connections_.erase(c) > 0 && !c->countedAddress_.empty()) {
    perAddress_.remove(c->countedAddress_);
  }
}

void TcpTransport::refuse(tcp::socket& socket, const char* limit, size_t max,
                          const std::string& address) {
  boost::system::error_code ignored;
  socket.close(ignored);
  // One line per 10 s with the count refused meanwhile, not one per connection.
  if (const size_t n = refusals_.count(std::chrono::steady_clock::now()); n > 0) {
    spdlog::warn("event=sip_tcp_connection_limit limit={} max={} refused={} last_from={}", limit,
                 max, n, address.empty() ? "-" : address);
  }
}

void TcpTransport::closeIdle(std::chrono::steady_clock::time_point idleSince,
                             const std::function<bool(const TcpConnection*)>& inUse) {
  std::vector<std::shared_ptr<TcpConnection>> idle;
  for (const auto& c : connections_) {
    if (c->lastActivity() < idleSince && !inUse(c.get())) idle.push_back(c);
  }
  for (auto& c : idle) {
    spdlog::debug("event=sip_tcp_idle_close from={}", c->peer_.address.to_string());
    c->close();
  }
}

Status TcpTransport::open(const asio::ip::address& address, uint16_t port) {
  boost::system::error_code ec;
  tcp::endpoint ep(address, port);
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    return Error::unavailable("cannot bind SIP TCP " + address.to_string() + ":" +
                              std::to_string(port) + ": " + ec.message());
  }
  return okStatus();
}

uint16_t TcpTransport::localPort() const {
  boost::system::error_code ec;
  auto ep = acceptor_.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

void TcpTransport::start() { accept(); }

void TcpTransport::accept() {
  acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) {
      boost::system::error_code remoteError;
      const auto remote = socket.remote_endpoint(remoteError);
      const std::string address = remoteError ? std::string() : remote.address().to_string();
      if (connections_.size() >= maxConnections_) {
        refuse(socket, "total", maxConnections_, address);
      } else if (!address.empty() && !perAddress_.tryAdd(address)) {
        refuse(socket, "per_address", perAddress_.max(), address);
      } else {
        auto c = std::make_shared<TcpConnection>(std::move(socket), *this);
        c->countedAddress_ = address;
        connections_.insert(c);
        c->start();
      }
    } else {
      spdlog::warn("event=sip_tcp_accept_error error=\"{}\"", ec.message());
    }
    accept();
  });
}

void TcpTransport::close() {
  boost::system::error_code ec;
  acceptor_.close(ec);
  std::vector<std::shared_ptr<TcpConnection>> all(connections_.begin(), connections_.end());
  for (auto& c : all) c->close();
  connections_.clear();
}

}  // namespace callgate::sip
