// The console's memory of the main metrics over the last hour: every `interval` (10 s) a sample
// of the in-process registry (common/metrics.h) is read, through its Prometheus text exposition
// (the one format every family already renders), and the values the charts need are kept in a
// ring of `capacity` samples (360: an hour). Counters are kept cumulative; charts draw the
// increase between samples, so a restart of the ring loses nothing but history.
//
// What is kept, by chart key:
//   calls/<outcome>     callgate_calls_total, summed over channels
//   acr/<acr>           callgate_signed_verdicts_total, summed over channels
//   pin/<outcome>       callgate_pin_verifies_total
//   otp/<outcome>       callgate_otp_verifies_total
//   sms/<outcome>       callgate_sms_total, summed over providers
//   http/count, http/sum, http/le=<bound>   callgate_http_request_duration_seconds, over routes
//
// Thread-safe: add() and samples() take a lock. The background thread (start/stop) is the only
// writer in `serve`; tests call add() with an exposition and a time of their own.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/time.h"

namespace callgate::console {

struct MetricsSample {
  TimePoint at{};
  std::map<std::string, double> values;  // chart key -> cumulative value
};

// The chart keys and values of one exposition (see the header comment).
std::map<std::string, double> chartValues(std::string_view exposition);

class MetricsSampler {
 public:
  explicit MetricsSampler(size_t capacity = 360) : capacity_(capacity) {}
  ~MetricsSampler() { stop(); }
  MetricsSampler(const MetricsSampler&) = delete;
  MetricsSampler& operator=(const MetricsSampler&) = delete;

  void add(TimePoint at, std::string_view exposition);
  std::vector<MetricsSample> samples() const;

  // Samples common/metrics.h's defaultRegistry() now and then every `interval` on a thread of
  // its own, stamped by the system clock, until stop() (or destruction).
  void start(std::chrono::milliseconds interval);
  void stop();

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::deque<MetricsSample> ring_;  // guarded by mu_, oldest first
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace callgate::console
