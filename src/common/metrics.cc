#include "common/metrics.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <utility>

#include "common/hash.h"

namespace callgate::metrics {

namespace {

constexpr std::string_view kNoneLabel = "none";

bool isLabelChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == ':' || c == '/' || c == '{' || c == '}' || c == '+' || c == '-';
}

void appendDouble(std::string& out, double v) {
  if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
    return;
  }
  if (std::isnan(v)) {
    out += "NaN";
    return;
  }
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, ec == std::errc() ? end : buf);
}

void appendUint(std::string& out, uint64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, ec == std::errc() ? end : buf);
}

void appendInt(std::string& out, int64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, ec == std::errc() ? end : buf);
}

// Escapes for a label value ("\\", "\"", "\n") or, with quote == false, for HELP text.
void appendEscaped(std::string& out, std::string_view s, bool quote) {
  for (char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote) {
      out += "\\\"";
    } else {
      out.push_back(c);
    }
  }
}

// {a="x",b="y"} plus an optional le label; nothing when there are no labels at all.
void appendLabels(std::string& out, const std::vector<std::string>& names,
                  const std::vector<std::string>& values, std::string_view le = {}) {
  if (names.empty() && le.empty()) return;
  out.push_back('{');
  for (size_t i = 0; i < names.size() && i < values.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += names[i];
    out += "=\"";
    appendEscaped(out, values[i], true);
    out.push_back('"');
  }
  if (!le.empty()) {
    if (!names.empty()) out.push_back(',');
    out += "le=\"";
    out += le;
    out.push_back('"');
  }
  out.push_back('}');
}

std::vector<std::string> clampLabels(std::vector<std::string> names) {
  if (names.size() > kMaxLabels) names.resize(kMaxLabels);
  return names;
}

size_t tableCapacity(size_t maxSeries) { return std::bit_ceil(2 * (maxSeries + 1) + 1); }

}  // namespace

std::string_view boundedLabel(std::string_view value) {
  if (value.empty()) return kNoneLabel;
  if (value.size() > kMaxLabelValue) return kOtherLabel;
  int digitRun = 0;
  for (char c : value) {
    if (!isLabelChar(c)) return kOtherLabel;
    digitRun = (c >= '0' && c <= '9') ? digitRun + 1 : 0;
    if (digitRun >= 4) return kOtherLabel;
  }
  return value;
}

// --- Histogram ---

Histogram::Histogram(const std::vector<double>& bounds)
    : bounds_(bounds), buckets_(std::make_unique<std::atomic<uint64_t>[]>(bounds.size() + 1)) {}

void Histogram::observe(double value) noexcept {
  // A dozen bounds: a linear scan is as fast as a binary search and simpler.
  size_t i = 0;
  while (i < bounds_.size() && value > bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

uint64_t Histogram::count() const noexcept {
  uint64_t n = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) n += buckets_[i].load(std::memory_order_relaxed);
  return n;
}

std::vector<uint64_t> Histogram::cumulative() const {
  std::vector<uint64_t> out(bounds_.size() + 1);
  uint64_t n = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    n += buckets_[i].load(std::memory_order_relaxed);
    out[i] = n;
  }
  return out;
}

const std::vector<double>& latencyBuckets() {
  static const std::vector<double> kBounds{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                           0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return kBounds;
}

const std::vector<double>& callBuckets() {
  static const std::vector<double> kBounds{1, 2.5, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300};
  return kBounds;
}

const std::vector<double>& speechBuckets() {
  static const std::vector<double> kBounds{0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30};
  return kBounds;
}

// --- FamilyBase ---

FamilyBase::FamilyBase(std::string name, std::string help, Kind kind,
                       std::vector<std::string> labelNames, size_t maxSeries)
    : name_(std::move(name)),
      help_(std::move(help)),
      kind_(kind),
      labelNames_(clampLabels(std::move(labelNames))),
      maxSeries_(std::max<size_t>(1, maxSeries)),
      capacity_(tableCapacity(maxSeries_)),
      slots_(std::make_unique<std::atomic<Series*>[]>(capacity_)) {
  // An unlabelled counter or gauge shows 0 from the first scrape (histograms: their own ctor).
  if (labelNames_.empty() && kind_ != Kind::kHistogram) find({});
}

FamilyBase::~FamilyBase() = default;

FamilyBase::Series* FamilyBase::probe(const Key& key, uint64_t hash) const {
  const size_t mask = capacity_ - 1;
  for (size_t n = 0, i = hash & mask; n < capacity_; ++n, i = (i + 1) & mask) {
    Series* s = slots_[i].load(std::memory_order_acquire);
    if (s == nullptr) return nullptr;
    if (s->hash != hash || s->values.size() != key.size) continue;
    bool same = true;
    for (size_t k = 0; k < key.size && same; ++k) same = s->values[k] == key.values[k];
    if (same) return s;
  }
  return nullptr;
}

FamilyBase::Series& FamilyBase::find(std::initializer_list<std::string_view> values) {
  Key key;
  key.size = labelNames_.size();
  if (values.size() == key.size) {
    size_t k = 0;
    for (std::string_view v : values) key.values[k++] = boundedLabel(v);
  } else {
    for (size_t k = 0; k < key.size; ++k) key.values[k] = kOtherLabel;
  }
  uint64_t hash = kFnv1aOffset;
  for (size_t k = 0; k < key.size; ++k) hash = fnv1a(hash, key.values[k]) * 31 + k;
  if (Series* s = probe(key, hash)) return *s;
  return create(key, hash);
}

FamilyBase::Series& FamilyBase::create(const Key& wanted, uint64_t wantedHash) {
  std::lock_guard lock(mutex_);
  if (Series* s = probe(wanted, wantedHash)) return *s;  // created while we waited
  Key key = wanted;
  uint64_t hash = wantedHash;
  if (owned_.size() >= maxSeries_) {
    // Full: the all-"other" series takes the rest (the table keeps room for it).
    for (size_t k = 0; k < key.size; ++k) key.values[k] = kOtherLabel;
    hash = kFnv1aOffset;
    for (size_t k = 0; k < key.size; ++k) hash = fnv1a(hash, key.values[k]) * 31 + k;
    if (Series* s = probe(key, hash)) return *s;
  }
  auto series = std::make_unique<Series>();
  series->values.assign(key.values.begin(), key.values.begin() + key.size);
  series->hash = hash;
  series->histogram = newHistogram();
  Series* raw = series.get();
  owned_.push_back(std::move(series));
  const size_t mask = capacity_ - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    if (slots_[i].load(std::memory_order_relaxed) == nullptr) {
      slots_[i].store(raw, std::memory_order_release);
      break;
    }
  }
  return *raw;
}

void FamilyBase::render(std::string& out) const {
  std::vector<const Series*> series;
  {
    std::lock_guard lock(mutex_);
    series.reserve(owned_.size());
    for (const auto& s : owned_) series.push_back(s.get());
  }
  std::sort(series.begin(), series.end(),
            [](const Series* a, const Series* b) { return a->values < b->values; });
  out += "# HELP ";
  out += name_;
  out.push_back(' ');
  appendEscaped(out, help_, false);
  out += "\n# TYPE ";
  out += name_;
  out += kind_ == Kind::kCounter ? " counter\n"
         : kind_ == Kind::kGauge ? " gauge\n"
                                 : " histogram\n";
  for (const Series* s : series) {
    switch (kind_) {
      case Kind::kCounter:
        out += name_;
        appendLabels(out, labelNames_, s->values);
        out.push_back(' ');
        appendUint(out, s->counter.value());
        out.push_back('\n');
        break;
      case Kind::kGauge:
        out += name_;
        appendLabels(out, labelNames_, s->values);
        out.push_back(' ');
        appendInt(out, s->gauge.value());
        out.push_back('\n');
        break;
      case Kind::kHistogram: {
        const Histogram& h = *s->histogram;
        const std::vector<uint64_t> cumulative = h.cumulative();
        std::string le;
        for (size_t i = 0; i < cumulative.size(); ++i) {
          le.clear();
          appendDouble(le, i < h.bounds().size() ? h.bounds()[i] : INFINITY);
          out += name_;
          out += "_bucket";
          appendLabels(out, labelNames_, s->values, le);
          out.push_back(' ');
          appendUint(out, cumulative[i]);
          out.push_back('\n');
        }
        out += name_;
        out += "_sum";
        appendLabels(out, labelNames_, s->values);
        out.push_back(' ');
        appendDouble(out, h.sum());
        out += '\n';
        out += name_;
        out += "_count";
        appendLabels(out, labelNames_, s->values);
        out.push_back(' ');
        appendUint(out, cumulative.back());  // the +Inf bucket, so count matches the buckets
        out.push_back('\n');
        break;
      }
    }
  }
}

HistogramFamily::HistogramFamily(std::string name, std::string help,
                                 std::vector<std::string> labelNames, size_t maxSeries,
                                 std::vector<double> bounds)
    : FamilyBase(std::move(name), std::move(help), Kind::kHistogram, std::move(labelNames),
                 maxSeries),
      bounds_(std::move(bounds)) {
  if (this->labelNames().empty()) find({});
}

std::unique_ptr<Histogram> HistogramFamily::newHistogram() const {
  return std::make_unique<Histogram>(bounds_);
}

// --- Registry ---

template <typename F, typename... Args>
F& Registry::add(const std::string& name, Kind kind, Args&&... args) {
  std::lock_guard lock(mutex_);
  if (auto it = families_.find(name); it != families_.end()) {
    if (it->second->kind() == kind) return static_cast<F&>(*it->second);
    detached_.push_back(std::make_unique<F>(name, std::forward<Args>(args)...));
    return static_cast<F&>(*detached_.back());
  }
  auto family = std::make_unique<F>(name, std::forward<Args>(args)...);
  F& ref = *family;
  families_.emplace(name, std::move(family));
  return ref;
}

CounterFamily& Registry::counter(const std::string& name, const std::string& help,
                                 std::vector<std::string> labelNames, size_t maxSeries) {
  return add<CounterFamily>(name, Kind::kCounter, help, Kind::kCounter, std::move(labelNames),
                            maxSeries);
}

GaugeFamily& Registry::gauge(const std::string& name, const std::string& help,
                             std::vector<std::string> labelNames, size_t maxSeries) {
  return add<GaugeFamily>(name, Kind::kGauge, help, Kind::kGauge, std::move(labelNames), maxSeries);
}

HistogramFamily& Registry::histogram(const std::string& name, const std::string& help,
                                     std::vector<std::string> labelNames,
                                     std::vector<double> bounds, size_t maxSeries) {
  return add<HistogramFamily>(name, Kind::kHistogram, help, std::move(labelNames), maxSeries,
                              std::move(bounds));
}

std::string Registry::render() const {
  std::string out;
  std::lock_guard lock(mutex_);
  out.reserve(families_.size() * 512);
  for (const auto& [name, family] : families_) family->render(out);
  return out;
}

Registry& defaultRegistry() {
  // Never destroyed: threads still running at exit may hold references into it.
  static Registry* registry = new Registry();
  return *registry;
}

}  // namespace callgate::metrics
