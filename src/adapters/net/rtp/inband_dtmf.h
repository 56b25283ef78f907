// InbandDtmfDetector: DTMF keys heard in the audio itself (callers whose SDP offered no
// telephone-event), using spandsp's dtmf_rx. Each key press is reported once, when spandsp
// confirms it. The spandsp state is allocated once at construction; process() does not allocate.
// Not thread-safe: one per session, used on the session's thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

struct dtmf_rx_state_s;

namespace callgate::rtp {

class InbandDtmfDetector {
 public:
  InbandDtmfDetector();
  ~InbandDtmfDetector();
  InbandDtmfDetector(const InbandDtmfDetector&) = delete;
  InbandDtmfDetector& operator=(const InbandDtmfDetector&) = delete;

  // Feeds linear 8 kHz samples; calls `onDigit` (synchronously) for every key confirmed in them.
  // `onDigit` is a plain function pointer + context so the hot path needs no std::function.
  using DigitSink = void (*)(void* context, char digit);
  void process(const int16_t* samples, size_t count, DigitSink onDigit, void* context);
  // Forgets a half-heard tone (e.g. after a hold or a new stream).
  void reset();

 private:
  static void onDigits(void* self, const char* digits, int len);

  dtmf_rx_state_s* state_ = nullptr;
  DigitSink sink_ = nullptr;
  void* context_ = nullptr;
};

}  // namespace callgate::rtp
