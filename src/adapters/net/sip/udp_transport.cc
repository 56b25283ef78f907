#include "adapters/net/sip/udp_transport.h"

#include <spdlog/spdlog.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/socket_base.hpp>

namespace callgate::sip {

namespace asio = boost::asio;
using asio::ip::udp;

UdpTransport::UdpTransport(asio::io_context& io, MessageSink& sink, size_t maxMessageBytes)
    : socket_(io), sink_(sink), maxMessageBytes_(maxMessageBytes), buffer_(65536) {}

Status UdpTransport::open(const asio::ip::address& address, uint16_t port) {
  boost::system::error_code ec;
  udp::endpoint ep(address, port);
  socket_.open(ep.protocol(), ec);
  if (!ec) socket_.bind(ep, ec);
  if (ec) {
    boost::system::error_code ignored;
    socket_.close(ignored);
    return Error::unavailable("cannot bind SIP UDP " + address.to_string() + ":" +
                              std::to_string(port) + ": " + ec.message());
  }
  // Bursts of call setups: a larger receive buffer avoids drops (best effort).
  socket_.set_option(asio::socket_base::receive_buffer_size(4 << 20), ec);
  socket_.non_blocking(true, ec);
  return okStatus();
}

uint16_t UdpTransport::localPort() const {
  boost::system::error_code ec;
  auto ep = socket_.local_endpoint(ec);
  return ec ? 0 : ep.port();
}

void UdpTransport::start() { receive(); }

void UdpTransport::receive() {
  socket_.async_receive_from(
      asio::buffer(buffer_), sender_, [this](boost::system::error_code ec, size_t n) {
        if (ec == asio::error::operation_aborted || !socket_.is_open()) return;
        if (!ec && n > 0 && n <= maxMessageBytes_) {
          Peer from;
          from.transport = Transport::kUdp;
          from.address = sender_.address();
          from.port = sender_.port();
          sink_.onMessage(std::string_view(buffer_.data(), n), from);
        } else if (!ec && n > maxMessageBytes_) {
          spdlog::debug("event=sip_udp_oversized bytes={} from={}", n,
                        sender_.address().to_string());
        }
        receive();  // errors on UDP (e.g. ICMP port unreachable) are per packet: keep going
      });
}

void UdpTransport::send(const asio::ip::address& address, uint16_t port, std::string_view bytes) {
  if (!socket_.is_open() || port == 0) return;
  boost::system::error_code ec;
  socket_.send_to(asio::buffer(bytes.data(), bytes.size()), udp::endpoint(address, port), 0, ec);
  if (ec && ec != asio::error::would_block) {
    spdlog::debug("event=sip_udp_send_error to={}:{} error=\"{}\"", address.to_string(), port,
                  ec.message());
  }
}

void UdpTransport::close() {
  boost::system::error_code ec;
  socket_.close(ec);
}

}  // namespace callgate::sip
