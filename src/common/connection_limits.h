// What a listener needs so that one address cannot hold it shut: a count of open connections per
// peer address with a cap (PerAddressCount), and a throttle for the warning about refusals
// (RefusalLog), so a flood of refused connections costs a log line per interval, not per
// connection. Used by the HTTP listener and SIP over TCP. Thread-safe (one mutex each; taken per
// connection accepted or closed, never per request).
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace callgate {

class PerAddressCount {
 public:
  explicit PerAddressCount(size_t maxPerAddress) : max_(maxPerAddress) {}

  // Counts one more connection from `address`; false (and nothing counted) when it already holds
  // maxPerAddress. A cap of 0 means no cap.
  bool tryAdd(const std::string& address) {
    std::lock_guard lock(mu_);
    size_t& n = open_[address];
    if (max_ != 0 && n >= max_) {
      if (n == 0) open_.erase(address);
      return false;
    }
    ++n;
    return true;
  }
  void remove(const std::string& address) {
    std::lock_guard lock(mu_);
    auto it = open_.find(address);
    if (it == open_.end()) return;
    if (--it->second == 0) open_.erase(it);
  }
  size_t max() const { return max_; }

 private:
  const size_t max_;
  std::mutex mu_;
  std::unordered_map<std::string, size_t> open_;
};

class RefusalLog {
 public:
  explicit RefusalLog(std::chrono::steady_clock::duration interval) : interval_(interval) {}

  // Counts one refusal. Returns how many refusals to report now (this one and those held back
  // since the last report), or 0 while the interval since the last report is running.
  size_t count(std::chrono::steady_clock::time_point now) {
    std::lock_guard lock(mu_);
    ++pending_;
    if (reported_ && now - last_ < interval_) return 0;
    reported_ = true;
    last_ = now;
    const size_t n = pending_;
    pending_ = 0;
    return n;
  }

 private:
  const std::chrono::steady_clock::duration interval_;
  std::mutex mu_;
  bool reported_ = false;
  std::chrono::steady_clock::time_point last_{};
  size_t pending_ = 0;
};

}  // namespace callgate
