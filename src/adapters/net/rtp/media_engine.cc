#include "adapters/net/rtp/media_engine.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/udp.hpp>
#include <mutex>
#include <vector>

#include "adapters/net/rtp/media_worker.h"
#include "adapters/net/rtp/port_pool.h"
#include "adapters/net/rtp/udp_media_session.h"
#include "adapters/security/crypto/sodium_init.h"

namespace callgate::rtp {

namespace asio = boost::asio;
using asio::ip::udp;

struct MediaEngine::Impl {
  MediaEngineOptions options;
  std::shared_ptr<MediaClock> clock;  // nullptr: the steady clock
  asio::ip::address bindAddress;
  std::shared_ptr<PortPool> ports;
  std::vector<std::unique_ptr<MediaWorker>> workers;
  std::atomic<bool> running{false};
  std::atomic<size_t> nextWorker{0};
  std::mutex lifecycle;  // start()/stop() against each other
};

MediaEngine::MediaEngine(MediaEngineOptions options) : MediaEngine(std::move(options), nullptr) {}

MediaEngine::MediaEngine(MediaEngineOptions options, std::shared_ptr<MediaClock> clock)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  impl_->clock = std::move(clock);
}

MediaEngine::~MediaEngine() { stop(); }

Status MediaEngine::start() {
  std::lock_guard lock(impl_->lifecycle);
  if (impl_->running.load()) return okStatus();
  if (!impl_->workers.empty()) return Error::failedPrecondition("media engine cannot be restarted");
  const auto& o = impl_->options;
  boost::system::error_code ec;
  impl_->bindAddress = asio::ip::make_address(o.bindAddress, ec);
  if (ec)
    return Error::invalidArgument("media bind address is not an IP address: " + o.bindAddress);
  if (o.portMin == 0 || o.portMax < o.portMin + (o.portMin % 2)) {
    return Error::invalidArgument("RTP port range " + std::to_string(o.portMin) + "-" +
                                  std::to_string(o.portMax) + " holds no even port");
  }
  if (o.threads < 1 || o.threads > 64) return Error::invalidArgument("media threads must be 1-64");
  if (auto sodium = ensureSodiumInitialized(); !sodium) return sodium;
  impl_->ports = std::make_shared<PortPool>(o.portMin, o.portMax);
  for (int i = 0; i < o.threads; ++i) {
    impl_->workers.push_back(std::make_unique<MediaWorker>(impl_->clock.get()));
    impl_->workers.back()->start();
  }
  impl_->running.store(true);
  return okStatus();
}

void MediaEngine::stop() {
  std::lock_guard lock(impl_->lifecycle);
  if (!impl_->running.exchange(false)) return;
  for (auto& worker : impl_->workers) worker->stop();
}

Result<std::shared_ptr<MediaSession>> MediaEngine::open() {
  if (!impl_->running.load()) return Error::unavailable("media engine is not running");
  const size_t index = impl_->nextWorker.fetch_add(1) % impl_->workers.size();
  MediaWorker& worker = *impl_->workers[index];
  udp::socket socket(worker.context());
  const auto port = impl_->ports->acquire([&](uint16_t candidate) {
    boost::system::error_code ec;
    if (socket.is_open()) socket.close(ec);
    socket.open(impl_->bindAddress.is_v4() ? udp::v4() : udp::v6(), ec);
    if (ec) return false;
    socket.bind(udp::endpoint(impl_->bindAddress, candidate), ec);
    return !ec;
  });
  if (!port) {
    spdlog::warn("event=rtp_ports_exhausted range={}-{}", impl_->options.portMin,
                 impl_->options.portMax);
    return Error::unavailable("no free RTP port in " + std::to_string(impl_->options.portMin) +
                              "-" + std::to_string(impl_->options.portMax));
  }
  boost::system::error_code ec;
  socket.non_blocking(true, ec);  // a full send buffer drops a packet instead of blocking the tick
  if (ec) {
    impl_->ports->release(*port);
    return Error::internal("cannot make the RTP socket non-blocking: " + ec.message());
  }
  return std::shared_ptr<MediaSession>(
      std::make_shared<UdpMediaSession>(worker, impl_->ports, std::move(socket), *port));
}

size_t MediaEngine::sessionCount() const { return impl_->ports ? impl_->ports->held() : 0; }

}  // namespace callgate::rtp
