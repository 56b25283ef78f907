// MediaWorker: one media thread of the engine: an io_context, the thread running it, and the
// drift-free 20 ms tick serving every started session on it. Internal to src/adapters/rtp.
// Time comes from the steady clock and an Asio steady_timer, or from a MediaClock when one is
// given (tests); either way it is read once per tick, not per packet.
// Thread-safety: add()/remove()/tick state only on the worker's thread; start()/stop() from a
// non-media thread; running() anywhere.
#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "adapters/net/rtp/media_clock.h"

namespace callgate::rtp {

class UdpMediaSession;

class MediaWorker final : private MediaClock::Waiter {
 public:
  static constexpr std::chrono::milliseconds kTick{20};
  // Ticks run late by more than this many periods are skipped (the timestamps jump, as after
  // packet loss) instead of being sent in a burst.
  static constexpr int kMaxCatchUpTicks = 3;

  // `clock` (not owned; outlives the worker): nullptr = the steady clock.
  explicit MediaWorker(MediaClock* clock = nullptr);
  ~MediaWorker();
  MediaWorker(const MediaWorker&) = delete;
  MediaWorker& operator=(const MediaWorker&) = delete;

  boost::asio::io_context& context() { return context_; }
  bool running() const { return running_.load(std::memory_order_acquire); }

  void start();
  // Closes every session on this thread, stops the tick and joins the thread.
  void stop();

  // Worker thread only. A session is ticked from its add() until its remove().
  void add(std::shared_ptr<UdpMediaSession> session);
  void remove(UdpMediaSession* session);

 private:
  std::chrono::steady_clock::time_point now() const {
    return clock_ ? clock_->now() : std::chrono::steady_clock::now();
  }
  void scheduleTick();
  void onTick();
  void onClockTick() override { onTick(); }

  MediaClock* const clock_;
  boost::asio::io_context context_{1};
  boost::asio::steady_timer timer_{context_};
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::thread thread_;
  std::atomic<bool> running_{false};
  std::vector<std::shared_ptr<UdpMediaSession>> sessions_;
  std::chrono::steady_clock::time_point epoch_;
  uint64_t tick_ = 0;  // index of the next tick; its deadline is epoch_ + tick_ * kTick
};

}  // namespace callgate::rtp
