// PortPool: the even RTP ports of [min, max] that this process's sessions hold, so open() skips
// them without a failed bind, and a rotating cursor so a port just freed is not reused at once
// (late packets of the old call must not reach the new one). Internal to the media engine.
// Thread-safety: all methods lock one mutex (taken per call setup and teardown, never per packet).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <vector>

namespace callgate::rtp {

class PortPool {
 public:
  PortPool(uint16_t portMin, uint16_t portMax);

  // Tries free even ports from the cursor on, calling `tryBind(port)` until it answers true;
  // that port is then held. nullopt when every port is held or fails to bind.
  std::optional<uint16_t> acquire(const std::function<bool(uint16_t)>& tryBind);
  void release(uint16_t port);
  size_t held() const;

 private:
  const uint16_t first_;  // first even port
  mutable std::mutex mutex_;
  std::vector<bool> held_;  // by (port - first_) / 2
  size_t cursor_ = 0;
  size_t heldCount_ = 0;
};

}  // namespace callgate::rtp
