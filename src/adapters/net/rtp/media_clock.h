// MediaClock: the time source of the media threads' 20 ms ticks. By default (no clock in
// MediaEngineOptions) each media thread reads the steady clock and waits on its own Asio
// steady_timer; tests pass a clock they advance by hand, to see exactly which packets go out at
// which tick without sleeping. The clock is consulted once per tick per thread, never per
// packet, so the per-packet path does not change.
// Thread-safety: implementations are called from every media thread at once.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>

namespace callgate::rtp {

class MediaClock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  // A media thread waiting for its next tick.
  class Waiter {
   public:
    virtual void onClockTick() = 0;  // runs on the waiter's io_context

   protected:
    ~Waiter() = default;
  };

  virtual ~MediaClock() = default;
  virtual TimePoint now() const = 0;
  // From the waiter's thread: once now() >= deadline, post waiter.onClockTick() to `io`, once.
  // Replaces the waiter's pending wake, if any.
  virtual void wakeAt(boost::asio::io_context& io, Waiter& waiter, TimePoint deadline) = 0;
  // The waiter stops (from its thread or once that has ended): drop its pending wake.
  virtual void forget(Waiter& waiter) = 0;
};

}  // namespace callgate::rtp
