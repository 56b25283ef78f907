#include "adapters/net/rtp/port_pool.h"

#include "common/metrics_catalog.h"

namespace callgate::rtp {

PortPool::PortPool(uint16_t portMin, uint16_t portMax)
    : first_(static_cast<uint16_t>(portMin + (portMin % 2))) {
  const size_t count = portMax >= first_ ? (size_t{portMax} - first_) / 2 + 1 : 0;
  held_.assign(count, false);
}

std::optional<uint16_t> PortPool::acquire(const std::function<bool(uint16_t)>& tryBind) {
  std::lock_guard lock(mutex_);
  const size_t count = held_.size();
  for (size_t i = 0; i < count; ++i) {
    const size_t slot = (cursor_ + i) % count;
    if (held_[slot]) continue;
    const auto port = static_cast<uint16_t>(first_ + 2 * slot);
    if (!tryBind(port)) continue;  // taken by another process
    held_[slot] = true;
    ++heldCount_;
    metrics::rtpPortsInUse().with().add();
    cursor_ = (slot + 1) % count;
    return port;
  }
  return std::nullopt;
}

void PortPool::release(uint16_t port) {
  std::lock_guard lock(mutex_);
  if (port < first_) return;
  const size_t slot = (size_t{port} - first_) / 2;
  if (slot < held_.size() && held_[slot]) {
    held_[slot] = false;
    --heldCount_;
    metrics::rtpPortsInUse().with().sub();
  }
}

size_t PortPool::held() const {
  std::lock_guard lock(mutex_);
  return heldCount_;
}

}  // namespace callgate::rtp
