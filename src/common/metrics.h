// Prometheus metrics without a client library (prometheus-cpp is not packaged for Debian 12):
// counters, gauges and histograms grouped in families with a fixed set of label names, and the
// text exposition format 0.0.4 that GET /metrics serves.
//
// Cost on a hot path: Counter::inc, Gauge::add and Histogram::observe are relaxed atomic adds
// (a histogram: one bucket, the count and the sum), no lock. Family::with() finds a series in a
// lock-free open-addressing table (the label values are hashed and compared, nothing is
// allocated); only the first use of a label combination takes the family's mutex to create it.
// A hot path that always uses the same labels keeps the returned reference instead.
//
// Bounded labels: a label value longer than kMaxLabelValue, with a character outside
// [A-Za-z0-9_.:/{}+-], or with four or more digits in a row is replaced by "other", so no phone
// number, user id or one-time code can reach a label even by mistake; and a family holds at most
// `maxSeries` label combinations, beyond which values go to the all-"other" series. Series are
// never removed, so references stay valid for the registry's life.
//
// Registry: the process-wide defaultRegistry() lives for the whole process (never destroyed, so
// references held in function-local statics stay valid at exit). Tests may build their own
// Registry. Every method of every class here is thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace callgate::metrics {

inline constexpr size_t kMaxLabelValue = 64;
inline constexpr size_t kDefaultMaxSeries = 256;
inline constexpr size_t kMaxLabels = 4;  // label names per family
inline constexpr std::string_view kOtherLabel = "other";

class Counter {
 public:
  void inc(uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Gauge {
 public:
  void set(int64_t v) noexcept { value_.store(v, std::memory_order_relaxed); }
  void add(int64_t d = 1) noexcept { value_.fetch_add(d, std::memory_order_relaxed); }
  void sub(int64_t d = 1) noexcept { value_.fetch_sub(d, std::memory_order_relaxed); }
  int64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

// Cumulative buckets over fixed upper bounds (seconds for every callgate histogram). A scrape
// may see count and sum from slightly different moments, as with any lock-free histogram.
class Histogram {
 public:
  // `bounds` ascending; +Inf is implicit.
  explicit Histogram(const std::vector<double>& bounds);
  void observe(double value) noexcept;
  uint64_t count() const noexcept;
  double sum() const noexcept { return sum_.load(std::memory_order_relaxed); }
  const std::vector<double>& bounds() const { return bounds_; }
  // Cumulative counts, one per bound, then +Inf (== count()).
  std::vector<uint64_t> cumulative() const;

 private:
  const std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds_.size() + 1, not cumulative
  std::atomic<double> sum_{0.0};
};

// Bucket bounds, in seconds.
const std::vector<double>& latencyBuckets();  // 0.5 ms .. 10 s: HTTP and functions
const std::vector<double>& callBuckets();     // 1 s .. 5 min: answer to verdict
const std::vector<double>& speechBuckets();   // 50 ms .. 30 s: speech recognition

enum class Kind { kCounter, kGauge, kHistogram };

// A metric name with its label names and its series. Use through the typed families below.
class FamilyBase {
 public:
  FamilyBase(std::string name, std::string help, Kind kind, std::vector<std::string> labelNames,
             size_t maxSeries);
  virtual ~FamilyBase();
  FamilyBase(const FamilyBase&) = delete;
  FamilyBase& operator=(const FamilyBase&) = delete;

  const std::string& name() const { return name_; }
  Kind kind() const { return kind_; }
  const std::vector<std::string>& labelNames() const { return labelNames_; }
  // Appends the HELP and TYPE lines and every series to `out`.
  void render(std::string& out) const;

 protected:
  struct Series {
    std::vector<std::string> values;
    uint64_t hash = 0;
    Counter counter;
    Gauge gauge;
    std::unique_ptr<Histogram> histogram;
  };
  // The series for these label values (wrong count: the "other" series); never null.
  Series& find(std::initializer_list<std::string_view> values);
  virtual std::unique_ptr<Histogram> newHistogram() const { return nullptr; }

 private:
  // Label values after boundedLabel(), without a copy: nothing is allocated to find a series.
  struct Key {
    std::array<std::string_view, kMaxLabels> values;
    size_t size = 0;
  };
  Series& create(const Key& key, uint64_t hash);
  Series* probe(const Key& key, uint64_t hash) const;

  const std::string name_;
  const std::string help_;
  const Kind kind_;
  const std::vector<std::string> labelNames_;
  const size_t maxSeries_;
  const size_t capacity_;  // power of two, > 2 * maxSeries_
  std::unique_ptr<std::atomic<Series*>[]> slots_;
  mutable std::mutex mutex_;                    // taken to create a series and to render
  std::vector<std::unique_ptr<Series>> owned_;  // guarded by mutex_; insertion order
};

class CounterFamily : public FamilyBase {
 public:
  using FamilyBase::FamilyBase;
  Counter& with(std::initializer_list<std::string_view> values = {}) {
    return find(values).counter;
  }
};

class GaugeFamily : public FamilyBase {
 public:
  using FamilyBase::FamilyBase;
  Gauge& with(std::initializer_list<std::string_view> values = {}) { return find(values).gauge; }
};

class HistogramFamily : public FamilyBase {
 public:
  HistogramFamily(std::string name, std::string help, std::vector<std::string> labelNames,
                  size_t maxSeries, std::vector<double> bounds);
  Histogram& with(std::initializer_list<std::string_view> values = {}) {
    return *find(values).histogram;
  }

 protected:
  std::unique_ptr<Histogram> newHistogram() const override;

 private:
  const std::vector<double> bounds_;
};

// The value a label gets for `value`: itself, or "other" when it is not a bounded token (see
// the header comment).
std::string_view boundedLabel(std::string_view value);

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Registers a family, or returns the one already registered under `name`. A name registered
  // again with another kind gets a detached family that is never rendered (a programming error
  // that must not crash a call path).
  CounterFamily& counter(const std::string& name, const std::string& help,
                         std::vector<std::string> labelNames = {},
                         size_t maxSeries = kDefaultMaxSeries);
  GaugeFamily& gauge(const std::string& name, const std::string& help,
                     std::vector<std::string> labelNames = {},
                     size_t maxSeries = kDefaultMaxSeries);
  HistogramFamily& histogram(const std::string& name, const std::string& help,
                             std::vector<std::string> labelNames, std::vector<double> bounds,
                             size_t maxSeries = kDefaultMaxSeries);

  // The text exposition format 0.0.4, families sorted by name.
  std::string render() const;

 private:
  template <typename F, typename... Args>
  F& add(const std::string& name, Kind kind, Args&&... args);

  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<FamilyBase>> families_;  // guarded by mutex_
  std::vector<std::unique_ptr<FamilyBase>> detached_;            // guarded by mutex_
};

// The process-wide registry that callgate's instrumentation (common/metrics_catalog.h) uses.
Registry& defaultRegistry();

inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace callgate::metrics
