#include "adapters/net/rtp/media_worker.h"

#include <boost/asio/post.hpp>

#include "adapters/net/rtp/udp_media_session.h"

namespace callgate::rtp {

MediaWorker::MediaWorker(MediaClock* clock) : clock_(clock) {}

MediaWorker::~MediaWorker() { stop(); }

void MediaWorker::start() {
  if (running()) return;
  running_.store(true, std::memory_order_release);
  work_.emplace(context_.get_executor());
  epoch_ = now();
  tick_ = 1;
  scheduleTick();
  thread_ = std::thread([this] { context_.run(); });
}

void MediaWorker::stop() {
  if (!thread_.joinable()) return;
  running_.store(false, std::memory_order_release);
  boost::asio::post(context_, [this] {
    // Closing removes the session from sessions_; work on a copy.
    auto sessions = sessions_;
    for (auto& session : sessions) session->closeNow();
    sessions_.clear();
    timer_.cancel();
    if (clock_) clock_->forget(*this);
    work_.reset();  // run() returns once the aborted receives have completed
  });
  thread_.join();
}

void MediaWorker::add(std::shared_ptr<UdpMediaSession> session) {
  session->setWorkerSlot(sessions_.size());
  sessions_.push_back(std::move(session));
}

void MediaWorker::remove(UdpMediaSession* session) {
  const size_t slot = session->workerSlot();
  if (slot >= sessions_.size() || sessions_[slot].get() != session) return;
  if (slot != sessions_.size() - 1) {
    sessions_[slot] = std::move(sessions_.back());
    sessions_[slot]->setWorkerSlot(slot);
  }
  sessions_.pop_back();
}

void MediaWorker::scheduleTick() {
  if (clock_) {
    clock_->wakeAt(context_, *this, epoch_ + tick_ * kTick);
    return;
  }
  timer_.expires_at(epoch_ + tick_ * kTick);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) onTick();
  });
}

void MediaWorker::onTick() {
  if (!running()) return;
  const auto now = this->now();
  for (int n = 0; n < kMaxCatchUpTicks && epoch_ + tick_ * kTick <= now; ++n) {
    // Callbacks run from a tick only post, so sessions_ does not change under this loop.
    for (size_t i = 0; i < sessions_.size(); ++i) sessions_[i]->onTick(tick_);
    ++tick_;
  }
  if (epoch_ + tick_ * kTick <= now) {
    tick_ = static_cast<uint64_t>((now - epoch_) / kTick) + 1;
  }
  scheduleTick();
}

}  // namespace callgate::rtp
