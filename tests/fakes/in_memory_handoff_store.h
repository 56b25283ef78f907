// InMemoryHandoffStore: the HandoffStore port (core/handoff.h) in memory. tests/contracts runs the
// HandoffStore suite against it, SQLite and PostgreSQL, so they keep one meaning. Thread-safe
// through its methods; `failing` makes every call fail as an unreachable store would; `appends`
// counts append() calls that succeeded.
#pragma once

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/handoff.h"

namespace callgate::testing {

class InMemoryHandoffStore : public HandoffStore {
 public:
  Status append(Handoff& handoff, TimePoint purgeBefore) override {
    std::lock_guard lock(mu_);
    if (failing) return Error::unavailable("store down");
    handoff.id = ++lastId_;
    handoff.seq = ++lastSeq_;
    rows_[handoff.id] = handoff;
    ++appends;
    // The oldest first (ids grow with `at` in practice; sort by at to be exact).
    std::vector<std::pair<TimePoint, int64_t>> old;
    for (const auto& [id, row] : rows_) {
      if (row.at < purgeBefore) old.emplace_back(row.at, id);
    }
    std::sort(old.begin(), old.end());
    for (size_t i = 0; i < old.size() && i < static_cast<size_t>(kHandoffPurgeBatch); ++i) {
      rows_.erase(old[i].second);
    }
    return okStatus();
  }

  Result<std::vector<Handoff>> since(int64_t afterSeq, int limit, std::string_view queue) override {
    std::lock_guard lock(mu_);
    if (failing) return Error::unavailable("store down");
    std::vector<Handoff> out = bySeq(queue);
    std::erase_if(out, [&](const Handoff& h) { return h.seq <= afterSeq; });
    if (out.size() > clamp(limit)) out.resize(clamp(limit));
    return out;
  }

  Result<std::vector<Handoff>> latest(TimePoint notBefore, int limit,
                                      std::string_view queue) override {
    std::lock_guard lock(mu_);
    if (failing) return Error::unavailable("store down");
    std::vector<Handoff> out = bySeq(queue);
    std::erase_if(out, [&](const Handoff& h) { return h.at < notBefore; });
    if (out.size() > clamp(limit)) out.erase(out.begin(), out.end() - clamp(limit));
    return out;
  }

  Result<int64_t> lastSeq() override {
    std::lock_guard lock(mu_);
    if (failing) return Error::unavailable("store down");
    return lastSeq_;
  }

  Result<std::optional<int64_t>> noteLink(const std::string& userId, LinkActivity link,
                                          TimePoint at, TimePoint notBefore) override {
    std::lock_guard lock(mu_);
    if (failing) return Error::unavailable("store down");
    Handoff* newest = nullptr;
    for (auto& [id, row] : rows_) {
      if (!userId.empty() && row.userId == userId && row.at >= notBefore) newest = &row;
    }
    if (newest == nullptr || static_cast<int>(newest->link) >= static_cast<int>(link)) {
      return std::optional<int64_t>();
    }
    newest->link = link;
    newest->linkAt = at;
    newest->seq = ++lastSeq_;
    return std::optional<int64_t>(newest->id);
  }

  bool failing = false;
  std::atomic<int> appends{0};

 private:
  static size_t clamp(int limit) {
    return static_cast<size_t>(std::clamp(limit, 1, kHandoffMaxRead));
  }
  std::vector<Handoff> bySeq(std::string_view queue) const {
    std::vector<Handoff> out;
    for (const auto& [id, row] : rows_) {
      if (queue.empty() || row.queue == queue) out.push_back(row);
    }
    std::sort(out.begin(), out.end(),
              [](const Handoff& a, const Handoff& b) { return a.seq < b.seq; });
    return out;
  }

  std::mutex mu_;
  std::map<int64_t, Handoff> rows_;
  int64_t lastId_ = 0;
  int64_t lastSeq_ = 0;
};

}  // namespace callgate::testing
