// SystemClock: the production Clock, reading the wall clock (std::chrono::system_clock) truncated
// to whole milliseconds, the resolution every stored timestamp has. Stateless; safe from any
// thread. Tests use a fake clock instead so they never sleep.
#pragma once

#include <chrono>

#include "core/ports.h"

namespace callgate {

class SystemClock final : public Clock {
 public:
  TimePoint now() const override {
    // floor, not round: a timestamp must never lie in the future of the instant it describes.
    return std::chrono::floor<Millis>(std::chrono::system_clock::now());
  }
};

}  // namespace callgate
