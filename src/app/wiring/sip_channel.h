// The SIP voice channel, built from [sip]: the RTP media engine, the prompt library (WAV
// overrides and flite), the STIR/SHAKEN checker, the call runtime and the SIP server. It borrows
// the Services (functions, clock, random), which must outlive it. start() and stop() from the
// main thread. stop() ends the calls in progress (BYE), then stops media and the workers.
#pragma once

#include <cstdint>
#include <memory>

#include "app/config/config.h"
#include "app/wiring/wiring.h"

namespace callgate::app {

class SipChannel {
 public:
  static Result<std::unique_ptr<SipChannel>> build(const Config& config, Services& services);
  ~SipChannel();

  // Binds SIP (UDP and TCP on one port) and starts the media threads; returns the SIP port.
  Result<uint16_t> start();
  void stop();

  struct Parts;

 private:
  explicit SipChannel(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace callgate::app
