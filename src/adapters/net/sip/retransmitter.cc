#include "adapters/net/sip/retransmitter.h"

#include <algorithm>

namespace callgate::sip {

void Retransmitter::start(boost::asio::io_context& io, Timing timing, bool resend,
                          std::function<void()> send, std::function<void()> onTimeout) {
  stop();
  state_ = std::make_shared<State>(io);
  state_->deadline = std::chrono::steady_clock::now() + 64 * timing.t1;
  state_->interval = timing.t1;
  state_->t2 = timing.t2;
  state_->resend = resend;
  state_->send = std::move(send);
  state_->onTimeout = std::move(onTimeout);
  arm(state_);
}

void Retransmitter::arm(const std::shared_ptr<State>& state) {
  auto now = std::chrono::steady_clock::now();
  auto next = state->resend ? std::min(now + state->interval, state->deadline) : state->deadline;
  state->timer.expires_at(next);
  std::weak_ptr<State> weak = state;
  state->timer.async_wait([weak](boost::system::error_code ec) {
    if (ec) return;
    auto s = weak.lock();
    if (!s || !s->send) return;  // stopped
    if (std::chrono::steady_clock::now() >= s->deadline) {
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

void Retransmitter::stop() {
  if (!state_) return;
  state_->send = nullptr;
  state_->onTimeout = nullptr;
  state_->timer.cancel();
  state_.reset();
}

}  // namespace callgate::sip
