// A started MediaEngine (one media thread, its own port range) with one open session whose
// digits are recorded: the base of the MediaSession tests on real loopback sockets.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "adapters/net/rtp/media_engine.h"

namespace callgate::rtp::testing {

class SessionFixture : public ::testing::Test {
 protected:
  SessionFixture(uint16_t portMin, uint16_t portMax)
      : engine_(MediaEngineOptions{"127.0.0.1", portMin, portMax, 1}) {}

  void SetUp() override {
    ASSERT_TRUE(engine_.start());
    auto opened = engine_.open();
    ASSERT_TRUE(opened) << opened.error().toString();
    session_ = *opened;
    session_->onDigit([this](char d) {
      std::lock_guard lock(mutex_);
      digits_.push_back(d);
    });
  }
  void TearDown() override {
    if (session_) session_->close();
    engine_.stop();
  }

  MediaParams paramsTo(uint16_t port, int dtmfPt = 101) const {
    MediaParams p;
    p.codec = Codec::kPcmu;
    p.audioPayloadType = 0;
    p.dtmfPayloadType = dtmfPt;
    p.remoteAddress = "127.0.0.1";
    p.remotePort = port;
    return p;
  }

  std::string digits() {
    std::lock_guard lock(mutex_);
    return digits_;
  }

  bool waitForDigits(size_t count,
                     std::chrono::milliseconds timeout = std::chrono::milliseconds(2000)) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
      if (digits().size() >= count) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }

  MediaEngine engine_;
  std::shared_ptr<MediaSession> session_;
  std::mutex mutex_;
  std::string digits_;
};

}  // namespace callgate::rtp::testing
