// The SIP voice channel, built from [sip]: the RTP media engine, the prompt library (WAV
// overrides and flite), the STIR/SHAKEN checker, the call runtime and the SIP server. It borrows
// the Services (functions, clock, random), which must outlive it. start(), stop() and the
// lifecycle methods from the main thread. stop() ends the calls in progress (BYE), then stops
// media and the workers. drain() refuses new calls (503) and lets those in progress go on;
// replaceFlows() swaps in newly loaded flows and forgets the cached prompts (a call in progress
// keeps its flow).
#pragma once

#include <cstdint>
#include <functional>
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

  // New INVITEs get 503 with Retry-After: `retryAfterSeconds`; OPTIONS 503.
  void drain(int retryAfterSeconds);
  size_t activeCalls() const;
  // OPTIONS probes get 503 while `ready` says no (called on the SIP thread: must not block).
  void setReadyProbe(std::function<bool()> ready);
  // The flows new calls get from now on (loadSipFlows); calls in progress keep theirs. Also
  // forgets the cached prompts, so changed WAV files are read again.
  void replaceFlows(flow::FlowCatalog flows);

  struct Parts;

 private:
  explicit SipChannel(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

// The [sip] flows: the default flow and one per [sip.numbers] entry, each loaded and validated;
// the error names the file.
Result<flow::FlowCatalog> loadSipFlows(const Config& config);

}  // namespace callgate::app
