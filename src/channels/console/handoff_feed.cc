#include "channels/console/handoff_feed.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>

#include "channels/console/agent_pop.h"
#include "common/metrics_catalog.h"

namespace callgate::console {

namespace {
constexpr int kMaxPagesPerTick = 10;
constexpr std::string_view kHeartbeat = ": keep-alive\n\n";
}  // namespace

HandoffFeed::HandoffFeed(HandoffStore& store, HandoffFeedOptions options)
    : store_(store), options_(options) {}

HandoffFeed::~HandoffFeed() { stop(); }

void HandoffFeed::start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { run(); });
}

void HandoffFeed::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::vector<PendingWrite> writes;
  {
    std::lock_guard lock(mu_);
    writes.swap(pending_);
  }
  write(writes);  // what was queued when the poller stopped
  std::lock_guard lock(mu_);
  for (Subscriber& s : added_) s.sink->close();
  for (Subscriber& s : subscribers_) s.sink->close();
  added_.clear();
  subscribers_.clear();
  count_ = 0;
}

void HandoffFeed::subscribe(std::shared_ptr<http::StreamSink> sink, std::string queue,
                            int64_t afterSeq) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) {
      sink->close();
      return;
    }
    const auto now = SteadyClock::now();
    added_.push_back(Subscriber{std::move(sink), std::move(queue), afterSeq, now, now});
    ++count_;
    woken_ = true;
  }
  cv_.notify_all();
}

size_t HandoffFeed::subscribers() const {
  std::lock_guard lock(mu_);
  return count_;
}

void HandoffFeed::wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

void HandoffFeed::run() {
  std::vector<PendingWrite> writes;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, options_.pollInterval, [this] { return woken_ || stopping_; });
      if (stopping_) return;
      woken_ = false;
      for (Subscriber& s : added_) subscribers_.push_back(std::move(s));
      added_.clear();
      writes.swap(pending_);
    }
    write(writes);
    writes.clear();
    tick();
    std::lock_guard lock(mu_);
    count_ = subscribers_.size() + added_.size();
  }
}

void HandoffFeed::tick() {
  std::erase_if(subscribers_, [](const Subscriber& s) { return s.sink->closed(); });
  if (subscribers_.empty()) return;
  for (int page = 0; page < kMaxPagesPerTick; ++page) {
    int64_t from = std::numeric_limits<int64_t>::max();
    for (const Subscriber& s : subscribers_) from = std::min(from, s.cursor);
    auto changes = store_.since(from, options_.pageSize, "");
    if (!changes.ok()) {
      // Throttled: an outage must not turn into a log line per tick.
      const auto now = SteadyClock::now();
      if (now - lastFailureLog_ > std::chrono::seconds(30)) {
        lastFailureLog_ = now;
        spdlog::warn("event=handoff_feed_read_failed error=\"{}\"", changes.error().message());
      }
      break;
    }
    if (changes->empty()) break;
    for (const Handoff& h : *changes) {
      std::string event;  // formatted once, for the first stream that wants it
      for (Subscriber& s : subscribers_) {
        if (h.seq <= s.cursor) continue;
        s.cursor = h.seq;
        if (!s.queue.empty() && s.queue != h.queue) continue;
        if (event.empty()) event = popEvent(h);
        if (s.sink->write(event)) s.lastWrite = SteadyClock::now();
      }
    }
    if (static_cast<int>(changes->size()) < options_.pageSize) break;
  }
  const auto now = SteadyClock::now();
  for (Subscriber& s : subscribers_) {
    if (now - s.opened >= options_.maxAge) {
      s.sink->close();
    } else if (now - s.lastWrite >= options_.heartbeat && s.sink->write(kHeartbeat)) {
      s.lastWrite = now;
    }
  }
  std::erase_if(subscribers_, [](const Subscriber& s) { return s.sink->closed(); });
}

Status HandoffFeed::append(Handoff& handoff, TimePoint purgeBefore) {
  return enqueue(PendingWrite{handoff, purgeBefore, std::nullopt});
}

Result<std::optional<int64_t>> HandoffFeed::noteLink(const std::string& userId, LinkActivity link,
                                                     TimePoint at, TimePoint notBefore) {
  if (Status s = enqueue(PendingWrite{{}, {}, LinkNote{userId, link, at, notBefore}}); !s.ok()) {
    return s.error();
  }
  return std::optional<int64_t>();  // not known yet: written by the poller
}

Status HandoffFeed::enqueue(PendingWrite write) {
  {
    std::unique_lock lock(mu_);
    if (!thread_.joinable() && !stopping_) {
      // No poller (a CLI command): written here, and nobody streams.
      lock.unlock();
      std::vector<PendingWrite> one;
      one.push_back(std::move(write));
      this->write(one);
      return okStatus();
    }
    if (stopping_ || pending_.size() >= kMaxPendingHandoffs) {
      if (!write.link) metrics::handoffWrites().with({"failed"}).inc();
      return Error::unavailable(stopping_ ? "the handoff feed has stopped"
                                          : "too many handoffs waiting to be written");
    }
    pending_.push_back(std::move(write));
    woken_ = true;
  }
  cv_.notify_all();
  return okStatus();
}

void HandoffFeed::write(std::vector<PendingWrite>& writes) {
  for (PendingWrite& w : writes) {
    if (w.link) {
      const LinkNote& n = *w.link;
      auto noted = store_.noteLink(n.userId, n.activity, n.at, n.notBefore);
      if (!noted.ok()) {
        spdlog::warn("event=handoff_link_note_failed activity={} error=\"{}\"",
                     linkActivityName(n.activity), noted.error().message());
      }
    } else if (Status s = store_.append(w.handoff, w.purgeBefore); !s.ok()) {
      metrics::handoffWrites().with({"failed"}).inc();
      spdlog::error("event=handoff_write_failed contact={} error=\"{}\"", w.handoff.contactId,
                    s.error().message());
    } else {
      metrics::handoffWrites().with({"written"}).inc();
    }
  }
}

Result<std::vector<Handoff>> HandoffFeed::since(int64_t afterSeq, int limit,
                                                std::string_view queue) {
  return store_.since(afterSeq, limit, queue);
}

Result<std::vector<Handoff>> HandoffFeed::latest(TimePoint notBefore, int limit,
                                                 std::string_view queue) {
  return store_.latest(notBefore, limit, queue);
}

Result<int64_t> HandoffFeed::lastSeq() { return store_.lastSeq(); }

}  // namespace callgate::console
