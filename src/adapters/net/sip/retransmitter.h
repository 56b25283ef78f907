// Private to src/adapters/sip: RFC 3261 retransmission timing for one message (Timer A/E/G and
// the 2xx retransmission of 13.3.1.4): resend after T1, then doubling up to T2, until stop() or
// 64*T1, when onTimeout runs. With resend disabled (reliable transport) only the timeout runs.
// Destroying or stopping it cancels everything safely (handlers hold a weak reference).
//
// The time source is a policy (BasicRetransmitter<Time>) so the schedule can be tested without
// sleeping: production binds AsioSteadyTime (Asio's steady_timer on the SIP io_context); the
// unit tests bind a manual clock they advance by hand. Time provides:
//   Time::Context                    what timers are made on (the io_context)
//   Time::Timer(Context&)            expires_at(time_point), async_wait(void(error_code)), cancel()
//   Time::TimePoint, Time::now(Context&)
// Thread-safety: SIP thread only (the thread running Time::Context).
#pragma once

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>

namespace callgate::sip {

struct RetransmitTiming {
  std::chrono::milliseconds t1{500}, t2{4000};
};

// Production time: the steady clock and Asio timers.
struct AsioSteadyTime {
  using Context = boost::asio::io_context;
  using Timer = boost::asio::steady_timer;
  using TimePoint = std::chrono::steady_clock::time_point;
  static TimePoint now(Context&) { return std::chrono::steady_clock::now(); }
};

template <typename Time>
class BasicRetransmitter {
 public:
  using Timing = RetransmitTiming;
  BasicRetransmitter() = default;
  ~BasicRetransmitter() { stop(); }
  BasicRetransmitter(BasicRetransmitter&&) = default;
  BasicRetransmitter& operator=(BasicRetransmitter&&) = default;

  void start(typename Time::Context& context, Timing timing, bool resend,
             std::function<void()> send, std::function<void()> onTimeout);
  void stop();
  bool active() const { return state_ != nullptr; }

 private:
  struct State {
    explicit State(typename Time::Context& c) : context(c), timer(c) {}
    typename Time::Context& context;
    typename Time::Timer timer;
    typename Time::TimePoint deadline;
    std::chrono::milliseconds interval{0}, t2{0};
    bool resend = false;
    std::function<void()> send, onTimeout;
  };
  static void arm(const std::shared_ptr<State>& state);
  std::shared_ptr<State> state_;
};

template <typename Time>
void BasicRetransmitter<Time>::start(typename Time::Context& context, Timing timing, bool resend,
                                     std::function<void()> send, std::function<void()> onTimeout) {
  stop();
  state_ = std::make_shared<State>(context);
  state_->deadline = Time::now(context) + 64 * timing.t1;
  state_->interval = timing.t1;
  state_->t2 = timing.t2;
  state_->resend = resend;
  state_->send = std::move(send);
  state_->onTimeout = std::move(onTimeout);
  arm(state_);
}

template <typename Time>
void BasicRetransmitter<Time>::arm(const std::shared_ptr<State>& state) {
  const auto now = Time::now(state->context);
  const auto next = state->resend
                        ? std::min<typename Time::TimePoint>(now + state->interval, state->deadline)
                        : state->deadline;
  state->timer.expires_at(next);
  std::weak_ptr<State> weak = state;
  state->timer.async_wait([weak](boost::system::error_code ec) {
    if (ec) return;
    auto s = weak.lock();
    if (!s || !s->send) return;  // stopped
    if (Time::now(s->context) >= s->deadline) {
      auto onTimeout = std::move(s->onTimeout);
      s->send = nullptr;
      if (onTimeout) onTimeout();  // may destroy the owner of `s`; `s` keeps State alive here
      return;
    }
    s->send();
    s->interval = std::min(s->interval * 2, s->t2);
    arm(s);
  });
}

template <typename Time>
void BasicRetransmitter<Time>::stop() {
  if (!state_) return;
  state_->send = nullptr;
  state_->onTimeout = nullptr;
  state_->timer.cancel();
  state_.reset();
}

// Compiled once, in retransmitter.cc.
extern template class BasicRetransmitter<AsioSteadyTime>;
using Retransmitter = BasicRetransmitter<AsioSteadyTime>;

}  // namespace callgate::sip
