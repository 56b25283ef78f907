#include "channels/console/metrics_sampler.h"

#include <charconv>
#include <cstdlib>

#include "common/metrics.h"

namespace callgate::console {

namespace {

// The value of label `name` in a series' label text (`a="x",b="y"`), or "".
std::string labelValue(std::string_view labels, std::string_view name) {
  const std::string key = std::string(name) + "=\"";
  size_t at = 0;
  while ((at = labels.find(key, at)) != std::string_view::npos) {
    if (at == 0 || labels[at - 1] == ',') {
      const size_t start = at + key.size();
      const size_t end = labels.find('"', start);
      if (end == std::string_view::npos) return "";
      return std::string(labels.substr(start, end - start));
    }
    at += key.size();
  }
  return "";
}

struct Family {
  std::string_view metric;
  std::string_view label;  // summed by this label
  std::string_view chart;
};
constexpr Family kCounters[] = {
    {"callgate_calls_total", "outcome", "calls"},
    {"callgate_signed_verdicts_total", "acr", "acr"},
    {"callgate_pin_verifies_total", "outcome", "pin"},
    {"callgate_otp_verifies_total", "outcome", "otp"},
    {"callgate_sms_total", "outcome", "sms"},
};
constexpr std::string_view kLatency = "callgate_http_request_duration_seconds";

}  // namespace

std::map<std::string, double> chartValues(std::string_view exposition) {
  std::map<std::string, double> out;
  size_t pos = 0;
  while (pos < exposition.size()) {
    size_t eol = exposition.find('\n', pos);
    if (eol == std::string_view::npos) eol = exposition.size();
    std::string_view line = exposition.substr(pos, eol - pos);
    pos = eol + 1;
    if (line.empty() || line[0] == '#') continue;
    const size_t space = line.rfind(' ');
    if (space == std::string_view::npos) continue;
    std::string_view series = line.substr(0, space);
    const std::string valueText(line.substr(space + 1));
    char* end = nullptr;
    const double value = std::strtod(valueText.c_str(), &end);
    if (end == valueText.c_str()) continue;
    std::string_view name = series, labels;
    if (const size_t brace = series.find('{'); brace != std::string_view::npos) {
      name = series.substr(0, brace);
      labels = series.substr(brace + 1, series.size() - brace - 2);
    }
    for (const Family& f : kCounters) {
      if (name == f.metric) {
        out[std::string(f.chart) + "/" + labelValue(labels, f.label)] += value;
      }
    }
    if (name.starts_with(kLatency)) {
      const std::string_view suffix = name.substr(kLatency.size());
      if (suffix == "_count") out["http/count"] += value;
      if (suffix == "_sum") out["http/sum"] += value;
      if (suffix == "_bucket") out["http/le=" + labelValue(labels, "le")] += value;
    }
  }
  return out;
}

void MetricsSampler::add(TimePoint at, std::string_view exposition) {
  MetricsSample sample{at, chartValues(exposition)};
  std::lock_guard lock(mu_);
  ring_.push_back(std::move(sample));
  while (ring_.size() > capacity_) ring_.pop_front();
}

std::vector<MetricsSample> MetricsSampler::samples() const {
  std::lock_guard lock(mu_);
  return {ring_.begin(), ring_.end()};
}

void MetricsSampler::start(std::chrono::milliseconds interval) {
  thread_ = std::thread([this, interval] {
    std::unique_lock lock(mu_);
    while (!stopping_) {
      lock.unlock();
      add(std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now()),
          metrics::defaultRegistry().render());
      lock.lock();
      wake_.wait_for(lock, interval, [this] { return stopping_; });
    }
  });
}

void MetricsSampler::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace callgate::console
