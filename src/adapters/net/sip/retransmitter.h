// Private to src/adapters/sip: RFC 3261 retransmission timing for one message (Timer A/E/G and
// the 2xx retransmission of 13.3.1.4): resend after T1, then doubling up to T2, until stop() or
// 64*T1, when onTimeout runs. With resend disabled (reliable transport) only the timeout runs.
// Destroying or stopping it cancels everything safely (handlers hold a weak reference).
// Thread-safety: SIP thread only.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>

namespace callgate::sip {

class Retransmitter {
 public:
  struct Timing {
    std::chrono::milliseconds t1{500}, t2{4000};
  };
  Retransmitter() = default;
  ~Retransmitter() { stop(); }
  Retransmitter(Retransmitter&&) = default;
  Retransmitter& operator=(Retransmitter&&) = default;

  void start(boost::asio::io_context& io, Timing timing, bool resend, std::function<void()> send,
             std::function<void()> onTimeout);
  void stop();
  bool active() const { return state_ != nullptr; }

 private:
  struct State {
    explicit State(boost::asio::io_context& io) : timer(io) {}
    boost::asio::steady_timer timer;
    std::chrono::steady_clock::time_point deadline;
    std::chrono::milliseconds interval{0}, t2{0};
    bool resend = false;
    std::function<void()> send, onTimeout;
  };
  static void arm(const std::shared_ptr<State>& state);
  std::shared_ptr<State> state_;
};

}  // namespace callgate::sip
