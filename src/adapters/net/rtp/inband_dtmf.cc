#include "adapters/net/rtp/inband_dtmf.h"

#include <cstdlib>

#include "adapters/net/rtp/spandsp_headers.h"

namespace callgate::rtp {

InbandDtmfDetector::InbandDtmfDetector() {
  state_ = dtmf_rx_init(nullptr, &InbandDtmfDetector::onDigits, this);
  if (state_ == nullptr) std::abort();  // only on out of memory
}

InbandDtmfDetector::~InbandDtmfDetector() { dtmf_rx_free(state_); }

void InbandDtmfDetector::reset() { dtmf_rx_init(state_, &InbandDtmfDetector::onDigits, this); }

void InbandDtmfDetector::process(const int16_t* samples, size_t count, DigitSink onDigit,
                                 void* context) {
  sink_ = onDigit;
  context_ = context;
  dtmf_rx(state_, samples, static_cast<int>(count));
  sink_ = nullptr;
  context_ = nullptr;
}

void InbandDtmfDetector::onDigits(void* self, const char* digits, int len) {
  auto* detector = static_cast<InbandDtmfDetector*>(self);
  if (detector->sink_ == nullptr) return;
  for (int i = 0; i < len; ++i) detector->sink_(detector->context_, digits[i]);
}

}  // namespace callgate::rtp
