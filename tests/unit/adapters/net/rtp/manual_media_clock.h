// A MediaClock the test advances by hand: the media threads tick only when the test moves time
// past their deadlines, and advance() returns once those ticks (and everything posted to the
// media threads before them) have run. So a test sees exactly which packets each tick sends.
// Thread-safety: advance() from the test's thread; the MediaClock methods from media threads.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/post.hpp>
#include <chrono>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <vector>

#include "adapters/net/rtp/media_clock.h"

namespace callgate::rtp::testing {

class ManualMediaClock final : public MediaClock {
 public:
  TimePoint now() const override { return TimePoint(std::chrono::nanoseconds(now_.load())); }

  void wakeAt(boost::asio::io_context& io, Waiter& waiter, TimePoint deadline) override {
    std::lock_guard lock(mutex_);
    waiters_[&waiter] = Wake{&io, deadline, true};
    if (deadline <= now()) fire(waiters_[&waiter], waiter);
  }

  void forget(Waiter& waiter) override {
    std::lock_guard lock(mutex_);
    waiters_.erase(&waiter);
  }

  // Moves time forward by `d`, wakes every media thread whose tick is due (once: a thread that
  // fell behind catches up as it would after a stall), and waits until they have run.
  void advance(std::chrono::milliseconds d) {
    std::vector<boost::asio::io_context*> contexts;
    {
      std::lock_guard lock(mutex_);
      now_ += std::chrono::nanoseconds(d).count();
      for (auto& [waiter, wake] : waiters_) {
        if (wake.armed && wake.deadline <= now()) fire(wake, *waiter);
        contexts.push_back(wake.io);
      }
    }
    settle(contexts);
  }

  // One 20 ms tick at a time, `n` times.
  void advanceTicks(int n, std::chrono::milliseconds tick = std::chrono::milliseconds(20)) {
    for (int i = 0; i < n; ++i) advance(tick);
  }

  // Waits until the media threads have run everything posted to them so far (e.g. a session's
  // start() or play()), without moving time.
  void settle() {
    std::vector<boost::asio::io_context*> contexts;
    {
      std::lock_guard lock(mutex_);
      for (auto& [waiter, wake] : waiters_) contexts.push_back(wake.io);
    }
    settle(contexts);
  }

 private:
  struct Wake {
    boost::asio::io_context* io = nullptr;
    TimePoint deadline{};
    bool armed = false;
  };

  static void fire(Wake& wake, Waiter& waiter) {
    wake.armed = false;
    boost::asio::post(*wake.io, [&waiter] { waiter.onClockTick(); });
  }

  static void settle(const std::vector<boost::asio::io_context*>& contexts) {
    for (auto* io : std::set<boost::asio::io_context*>(contexts.begin(), contexts.end())) {
      auto ran = std::make_shared<std::promise<void>>();
      auto future = ran->get_future();
      boost::asio::post(*io, [ran] { ran->set_value(); });
      ASSERT_EQ(future.wait_for(std::chrono::seconds(5)), std::future_status::ready)
          << "a media thread did not run what was posted to it";
    }
  }

  std::atomic<int64_t> now_{std::chrono::nanoseconds(std::chrono::hours(1)).count()};
  std::mutex mutex_;
  std::map<Waiter*, Wake> waiters_;
};

}  // namespace callgate::rtp::testing
