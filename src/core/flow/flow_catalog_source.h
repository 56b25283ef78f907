// FlowCatalogSource: the flows a voice channel runs now, swappable while calls run. A channel
// reads current() once when a call starts and keeps that catalog (a shared_ptr) for the whole
// call, so a reload (SIGHUP) changes only the calls that start after it. replace() installs a new
// catalog; the one it supersedes stays findable by withFlow() for the channels that keep a call's
// place between requests (Twilio parks a session snapshot in the database and restores it on the
// next webhook): the newest kKeepSuperseded superseded catalogs are kept, so a parked call finds
// the flow version it started with unless more reloads than that happened meanwhile.
//
// Thread-safety: every method may be called from any thread; a short mutex guards the pointers
// (taken once per call or webhook, never while a flow runs). The catalogs are immutable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "core/flow/flow_catalog.h"

namespace callgate::flow {

class FlowCatalogSource {
 public:
  static constexpr std::size_t kKeepSuperseded = 16;

  explicit FlowCatalogSource(FlowCatalog initial)
      : current_(std::make_shared<const FlowCatalog>(std::move(initial))) {}

  // The catalog new calls use. Never null.
  std::shared_ptr<const FlowCatalog> current() const {
    std::lock_guard lock(mu_);
    return current_;
  }

  // Installs `next` for the calls that start from now on; calls in progress keep theirs.
  void replace(FlowCatalog next) {
    auto fresh = std::make_shared<const FlowCatalog>(std::move(next));
    std::lock_guard lock(mu_);
    superseded_.push_front(std::move(current_));
    if (superseded_.size() > kKeepSuperseded) superseded_.pop_back();
    current_ = std::move(fresh);
    ++generation_;
  }

  // The newest catalog (current first, then the superseded ones) whose flow `name` has
  // `fingerprint` (Flow::fingerprint()); null when none has. For restoring a parked session
  // against the flow it was taken from.
  std::shared_ptr<const FlowCatalog> withFlow(const std::string& name,
                                              const std::string& fingerprint) const {
    std::lock_guard lock(mu_);
    if (holds(*current_, name, fingerprint)) return current_;
    for (const auto& old : superseded_) {
      if (holds(*old, name, fingerprint)) return old;
    }
    return nullptr;
  }

  // How many times replace() ran (0 at start).
  uint64_t generation() const {
    std::lock_guard lock(mu_);
    return generation_;
  }

 private:
  static bool holds(const FlowCatalog& catalog, const std::string& name,
                    const std::string& fingerprint) {
    auto it = catalog.byName.find(name);
    return it != catalog.byName.end() && it->second && it->second->fingerprint() == fingerprint;
  }

  mutable std::mutex mu_;
  std::shared_ptr<const FlowCatalog> current_;
  std::deque<std::shared_ptr<const FlowCatalog>> superseded_;  // newest first
  uint64_t generation_ = 0;
};

}  // namespace callgate::flow
