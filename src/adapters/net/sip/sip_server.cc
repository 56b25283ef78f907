#include "adapters/net/sip/sip_server.h"

#include <mutex>
#include <thread>

#include "adapters/net/sip/server_core.h"

namespace callgate::sip {

struct SipServer::Impl {
  std::shared_ptr<ServerCore> core;
  std::thread thread;
  std::mutex mu;
  bool started = false;
  bool stopped = false;
};

SipServer::SipServer(SipServerOptions options, CallHandler& handler)
    : impl_(std::make_shared<Impl>()) {
  impl_->core = std::make_shared<ServerCore>(std::move(options), handler);
}

SipServer::~SipServer() { stop(); }

Result<uint16_t> SipServer::start() {
  std::lock_guard lock(impl_->mu);
  if (impl_->started) return Error::failedPrecondition("SIP server already started");
  auto port = impl_->core->open();
  if (!port.ok()) return port;
  impl_->started = true;
  ServerCore* core = impl_->core.get();
  impl_->thread = std::thread([core] { core->run(); });
  return port;
}

void SipServer::stop() {
  std::lock_guard lock(impl_->mu);
  if (!impl_->started || impl_->stopped) return;
  impl_->stopped = true;
  impl_->core->requestStop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

size_t SipServer::activeCalls() const { return impl_->core->activeCalls(); }

}  // namespace callgate::sip
