// HandoffFeed: the one poller per node behind every agent event stream. It wraps the node's
// HandoffStore (and is one itself, so VerdictIssuer writes through it): an append or link update
// made here wakes the poller at once; what other nodes write is found by polling the shared
// store every `pollInterval`.
//
// Appends and link notes are written by the poller thread, not by the caller: a verdict (and the
// transfer waiting on it) never waits for the handoff's database write, which under a locked or
// slow database took the busy timeout again on every transfer (test_fault_db). append() queues a
// copy (at most kMaxPendingHandoffs; beyond, or after stop(), it returns an error and the pop is
// lost) and does not set the handoff's id or seq; noteLink() likewise, answering nullopt. The
// poller writes the queue first on each wake, then fans out, so a local pop still reaches the
// streams at once. Writes are counted in callgate_handoff_writes_total{outcome} and a failed one is
// logged (event=handoff_write_failed). Before start() (CLI commands) an append is written at once;
// stop() writes what is queued. Each tick reads the changes after the oldest cursor of all open
// streams, once, and fans them out: every stream gets the changes with a seq past its own cursor
// and of its queue (all queues when it has none), as SSE events (agent_pop.h), in seq order. A
// stream that has had nothing for `heartbeat` gets an SSE comment, so proxies and browsers keep it
// open; a stream older than `maxAge` is ended (the browser resumes it); closed streams are dropped.
//
// Owns its thread (start() / stop(); the destructor stops). Borrows the store, which must
// outlive it. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "adapters/net/http/stream.h"
#include "core/handoff.h"

namespace callgate::console {

inline constexpr size_t kMaxPendingHandoffs = 1024;

struct HandoffFeedOptions {
  std::chrono::milliseconds pollInterval{300};
  std::chrono::milliseconds heartbeat{15000};
  int pageSize = 200;  // changes read per store call; a tick reads at most 10 pages
  // A stream is ended after this; the browser reconnects at once with Last-Event-ID (missing
  // nothing) and the reconnect checks the staff session again, so a sign-out, a password reset
  // or a removed account stops an open screen's pops within this time.
  std::chrono::milliseconds maxAge{120000};
};

class HandoffFeed final : public HandoffStore {
 public:
  HandoffFeed(HandoffStore& store, HandoffFeedOptions options = {});
  ~HandoffFeed() override;
  HandoffFeed(const HandoffFeed&) = delete;
  HandoffFeed& operator=(const HandoffFeed&) = delete;

  void start();
  // Stops the poller and closes every stream. Idempotent.
  void stop();

  // Streams `sink` every change with seq > afterSeq of `queue` ("" = all). Thread-safe; the
  // first events go out on the next tick, which this call brings forward.
  void subscribe(std::shared_ptr<http::StreamSink> sink, std::string queue, int64_t afterSeq);
  size_t subscribers() const;

  // HandoffStore: the wrapped store's, waking the poller after a change; append() as above.
  Status append(Handoff& handoff, TimePoint purgeBefore) override;
  Result<std::vector<Handoff>> since(int64_t afterSeq, int limit, std::string_view queue) override;
  Result<std::vector<Handoff>> latest(TimePoint notBefore, int limit,
                                      std::string_view queue) override;
  Result<int64_t> lastSeq() override;
  Result<std::optional<int64_t>> noteLink(const std::string& userId, LinkActivity link,
                                          TimePoint at, TimePoint notBefore) override;

 private:
  using SteadyClock = std::chrono::steady_clock;
  struct Subscriber {
    std::shared_ptr<http::StreamSink> sink;
    std::string queue;
    int64_t cursor = 0;
    SteadyClock::time_point lastWrite;
    SteadyClock::time_point opened;
  };

  struct LinkNote {
    std::string userId;
    LinkActivity activity;
    TimePoint at;
    TimePoint notBefore;
  };
  // An append, or a link note when `link` is set.
  struct PendingWrite {
    Handoff handoff;
    TimePoint purgeBefore;
    std::optional<LinkNote> link;
  };

  void wake();
  void run();
  void tick();
  Status enqueue(PendingWrite write);
  void write(std::vector<PendingWrite>& writes);

  HandoffStore& store_;
  const HandoffFeedOptions options_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool woken_ = false;
  bool stopping_ = false;
  std::vector<Subscriber> added_;      // guarded by mu_; moved to subscribers_ by the poller
  std::vector<PendingWrite> pending_;  // guarded by mu_; written by the poller
  size_t count_ = 0;                   // guarded by mu_: open streams, for subscribers()
  std::thread thread_;

  std::vector<Subscriber> subscribers_;  // the poller thread's own
  SteadyClock::time_point lastFailureLog_{};
};

}  // namespace callgate::console
