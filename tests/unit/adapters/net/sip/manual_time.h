// A hand-driven clock for the SIP timer tests: ManualTime binds BasicRetransmitter to it
// (instead of Asio's steady_timer), so a test advances time and sees exactly which
// retransmissions and timeouts happen, and when, without sleeping.
// Thread-safety: one thread (the test's).
#pragma once

#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <utility>

namespace callgate::sip::testing {

class ManualClock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  TimePoint now() const { return now_; }
  std::chrono::milliseconds elapsed() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(now_ - TimePoint{});
  }
  size_t pendingWaits() const { return waits_.size(); }

  // Moves time forward by `d`. Every wait due on the way completes at its own deadline, in
  // deadline order (now() reads that deadline inside the handler), including waits the
  // handlers arm meanwhile.
  void advance(std::chrono::milliseconds d) {
    const TimePoint target = now_ + d;
    while (!waits_.empty() && waits_.begin()->first.first <= target) {
      auto node = waits_.extract(waits_.begin());
      now_ = node.key().first;
      node.mapped().second(boost::system::error_code{});
    }
    now_ = target;
  }

  // For ManualTimer.
  uint64_t newTimerId() { return ++lastTimerId_; }
  void addWait(TimePoint at, uint64_t timer, std::function<void(boost::system::error_code)> h) {
    waits_.emplace(std::make_pair(at, ++lastWaitId_), std::make_pair(timer, std::move(h)));
  }
  // Drops the timer's pending waits. (Asio completes them with operation_aborted; the handlers
  // under test ignore that, so dropping them is the same.)
  size_t cancel(uint64_t timer) {
    return std::erase_if(waits_, [timer](const auto& w) { return w.second.first == timer; });
  }

 private:
  TimePoint now_{};
  uint64_t lastTimerId_ = 0, lastWaitId_ = 0;
  // (deadline, order of arming) -> (timer, handler)
  std::map<std::pair<TimePoint, uint64_t>,
           std::pair<uint64_t, std::function<void(boost::system::error_code)>>>
      waits_;
};

class ManualTimer {
 public:
  explicit ManualTimer(ManualClock& clock) : clock_(clock), id_(clock.newTimerId()) {}
  ~ManualTimer() { cancel(); }
  ManualTimer(const ManualTimer&) = delete;
  ManualTimer& operator=(const ManualTimer&) = delete;

  void expires_at(ManualClock::TimePoint at) {  // like Asio: cancels the pending waits
    cancel();
    at_ = at;
  }
  template <typename Handler>
  void async_wait(Handler&& handler) {
    clock_.addWait(at_, id_, std::forward<Handler>(handler));
  }
  size_t cancel() { return clock_.cancel(id_); }

 private:
  ManualClock& clock_;
  const uint64_t id_;
  ManualClock::TimePoint at_{};
};

struct ManualTime {
  using Context = ManualClock;
  using Timer = ManualTimer;
  using TimePoint = ManualClock::TimePoint;
  static TimePoint now(Context& clock) { return clock.now(); }
};

}  // namespace callgate::sip::testing
