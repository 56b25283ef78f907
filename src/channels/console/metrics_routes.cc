#include "channels/console/metrics_routes.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <set>
#include <string>

#include "channels/console/console_page.h"
#include "channels/web/html_template.h"

namespace callgate::console {

namespace {

using web::escapeHtml;

// Okabe-Ito: told apart with the common colour-vision deficiencies.
constexpr const char* kColours[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                    "#E69F00", "#56B4E9", "#000000"};
constexpr double kWidth = 640, kLeft = 56, kRight = 630, kTop = 12, kBottom = 190;

std::string number(double v) {
  char buffer[32];
  if (v == std::floor(v) && std::fabs(v) < 1e12) {
    std::snprintf(buffer, sizeof buffer, "%.0f", v);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.3g", v);
  }
  return buffer;
}

// 1, 2 or 5 times a power of ten, at least `v` (and at least 1).
double niceCeiling(double v) {
  if (v <= 1) return 1;
  const double p = std::pow(10.0, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (m * p >= v) return m * p;
  }
  return 10 * p;
}

std::string hhmm(TimePoint t) {
  const std::string text = formatRfc3339(t);  // 2026-12-05T18:40:10.000Z
  return text.size() >= 16 ? text.substr(11, 5) : text;
}

// The increase of `key` from each sample to the next (a drop is a restart: the new value).
std::vector<double> increases(const std::vector<MetricsSample>& samples, const std::string& key) {
  std::vector<double> out;
  for (size_t i = 1; i < samples.size(); ++i) {
    auto value = [&](size_t j) {
      auto it = samples[j].values.find(key);
      return it == samples[j].values.end() ? 0.0 : it->second;
    };
    const double d = value(i) - value(i - 1);
    out.push_back(d < 0 ? value(i) : d);
  }
  return out;
}

std::vector<ChartSeries> counterSeries(const std::vector<MetricsSample>& samples,
                                       const std::string& chart) {
  std::set<std::string> keys;
  for (const MetricsSample& s : samples) {
    for (const auto& [key, value] : s.values) {
      if (key.starts_with(chart + "/")) keys.insert(key);
    }
  }
  std::vector<ChartSeries> out;
  for (const std::string& key : keys) {
    std::string name = key.substr(chart.size() + 1);
    out.push_back({name.empty() ? "(none)" : name, increases(samples, key)});
  }
  return out;
}

// Mean and 95th percentile of the requests answered in each interval, in milliseconds, from the
// histogram's sum, count and cumulative buckets.
std::vector<ChartSeries> latencySeries(const std::vector<MetricsSample>& samples) {
  std::vector<std::pair<double, std::string>> bounds;  // (upper bound, key), +Inf last
  for (const auto& [key, value] : samples.back().values) {
    if (!key.starts_with("http/le=")) continue;
    const std::string le = key.substr(8);
    bounds.emplace_back(le == "+Inf" ? INFINITY : std::strtod(le.c_str(), nullptr), key);
  }
  std::sort(bounds.begin(), bounds.end());
  const std::vector<double> counts = increases(samples, "http/count");
  const std::vector<double> sums = increases(samples, "http/sum");
  std::vector<std::vector<double>> buckets;
  for (const auto& b : bounds) buckets.push_back(increases(samples, b.second));
  ChartSeries mean{"mean", {}}, p95{"p95", {}};
  for (size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] <= 0) {
      mean.values.push_back(0);
      p95.values.push_back(0);
      continue;
    }
    mean.values.push_back(sums[i] / counts[i] * 1000);
    const double target = 0.95 * counts[i];
    double previousBound = 0, previousCount = 0, q = 0;
    for (size_t b = 0; b < bounds.size(); ++b) {
      const double cumulative = buckets[b][i];
      if (cumulative >= target) {
        if (std::isinf(bounds[b].first)) {
          q = previousBound;
        } else {
          const double inBucket = cumulative - previousCount;
          const double share = inBucket > 0 ? (target - previousCount) / inBucket : 1;
          q = previousBound + (bounds[b].first - previousBound) * share;
        }
        break;
      }
      previousBound = std::isinf(bounds[b].first) ? previousBound : bounds[b].first;
      previousCount = cumulative;
    }
    p95.values.push_back(q * 1000);
  }
  return {mean, p95};
}

}  // namespace

std::string chartHtml(std::string_view id, std::string_view title, std::string_view unit,
                      const std::vector<TimePoint>& times, const std::vector<ChartSeries>& series) {
  const std::string sid = escapeHtml(id);
  std::string out = "<section class=\"chart\" aria-labelledby=\"" + sid + "-h\"><h2 id=\"" + sid +
                    "-h\">" + escapeHtml(title) + "</h2>\n";
  if (times.size() < 2 || series.empty()) {
    return out + "<p class=\"muted\">Nothing to draw yet.</p></section>\n";
  }
  double top = 0;
  for (const ChartSeries& s : series) {
    for (double v : s.values) top = std::max(top, v);
  }
  top = niceCeiling(top);
  const double t0 = static_cast<double>(toUnixMillis(times.front()));
  const double span = std::max(1.0, static_cast<double>(toUnixMillis(times.back())) - t0);
  auto x = [&](TimePoint t) {
    return kLeft + (static_cast<double>(toUnixMillis(t)) - t0) / span * (kRight - kLeft);
  };
  auto y = [&](double v) { return kBottom - v / top * (kBottom - kTop); };
  auto fmt = [](double v) {
    char b[16];
    std::snprintf(b, sizeof b, "%.1f", v);
    return std::string(b);
  };
  const double height = 214 + 18 * static_cast<double>((series.size() + 3) / 4);
  out += "<svg class=\"chart\" viewBox=\"0 0 " + fmt(kWidth) + " " + fmt(height) +
         "\" role=\"img\" aria-labelledby=\"" + sid +
         "-t\" font-size=\"12\" "
         "font-family=\"system-ui, sans-serif\"><title id=\"" +
         sid + "-t\">" + escapeHtml(title) + " (" + escapeHtml(unit) + "), " + hhmm(times.front()) +
         " to " + hhmm(times.back()) + " UTC</title>";
  for (double f : {0.0, 0.5, 1.0}) {
    const double gy = y(top * f);
    out += "<line x1=\"" + fmt(kLeft) + "\" x2=\"" + fmt(kRight) + "\" y1=\"" + fmt(gy) +
           "\" y2=\"" + fmt(gy) + "\" stroke=\"#c9d1d9\"/><text x=\"" + fmt(kLeft - 6) + "\" y=\"" +
           fmt(gy + 4) + "\" text-anchor=\"end\" fill=\"#4a5561\">" + number(top * f) + "</text>";
  }
  out += "<text x=\"" + fmt(kLeft) + "\" y=\"206\" fill=\"#4a5561\">" + hhmm(times.front()) +
         "</text><text x=\"" + fmt(kRight) + "\" y=\"206\" text-anchor=\"end\" fill=\"#4a5561\">" +
         hhmm(times.back()) + " UTC</text>";
  for (size_t i = 0; i < series.size(); ++i) {
    const ChartSeries& s = series[i];
    const char* colour = kColours[i % std::size(kColours)];
    std::string points;
    // values[k] is the increase up to times[k + 1].
    for (size_t k = 0; k < s.values.size() && k + 1 < times.size(); ++k) {
      points += fmt(x(times[k + 1])) + "," + fmt(y(s.values[k])) + " ";
    }
    out += "<polyline fill=\"none\" stroke=\"" + std::string(colour) +
           "\" stroke-width=\"2\" points=\"" + points + "\"/>";
    const double lx = kLeft + static_cast<double>(i % 4) * 145;
    const double ly = 224 + 18 * static_cast<double>(i / 4);
    out += "<rect x=\"" + fmt(lx) + "\" y=\"" + fmt(ly - 9) +
           "\" width=\"12\" height=\"4\" fill=\"" + colour + "\"/><text x=\"" + fmt(lx + 16) +
           "\" y=\"" + fmt(ly - 4) + "\">" + escapeHtml(s.name) + "</text>";
  }
  out += "</svg>\n<table class=\"chart-numbers\"><caption>" + escapeHtml(title) + " (" +
         escapeHtml(unit) +
         ")</caption><thead><tr><th scope=\"col\">Series</th><th scope=\"col\">Latest</th><th "
         "scope=\"col\">Highest</th></tr></thead><tbody>";
  for (const ChartSeries& s : series) {
    const double latest = s.values.empty() ? 0 : s.values.back();
    const double highest =
        s.values.empty() ? 0 : *std::max_element(s.values.begin(), s.values.end());
    out += "<tr><th scope=\"row\">" + escapeHtml(s.name) + "</th><td>" + number(latest) +
           "</td><td>" + number(highest) + "</td></tr>";
  }
  return out + "</tbody></table></section>\n";
}

namespace {

http::Response metricsPage(const MetricsDeps& deps, const StaffPrincipal& viewer) {
  if (deps.sampler == nullptr) {
    return consolePage(viewer, "Metrics", "metrics",
                       "<p id=\"no-metrics\">Metrics are not sampled on this node.</p>");
  }
  const std::vector<MetricsSample> samples = deps.sampler->samples();
  if (samples.size() < 2) {
    return consolePage(viewer, "Metrics", "metrics",
                       "<p id=\"metrics-collecting\">Collecting: the charts start with the second "
                       "sample, seconds from now. Reload then.</p>");
  }
  std::vector<TimePoint> times;
  for (const MetricsSample& s : samples) times.push_back(s.at);
  const std::string per =
      "per " +
      std::to_string(
          std::chrono::duration_cast<std::chrono::seconds>(times[1] - times[0]).count()) +
      " s";
  std::string body =
      "<p>This node's counters, sampled every few seconds over the last hour; "
      "each point is what happened since the one before. The same numbers, for "
      "every node, are on <code>/metrics</code> for Prometheus.</p>\n";
  body += chartHtml("calls", "Calls ended, by outcome", "calls " + per, times,
                    counterSeries(samples, "calls"));
  body += chartHtml("acr", "Signed verdicts, by assurance (acr)", "verdicts " + per, times,
                    counterSeries(samples, "acr"));
  body += chartHtml("pin", "PIN checks, by outcome", "checks " + per, times,
                    counterSeries(samples, "pin"));
  body += chartHtml("otp", "SMS code checks, by outcome", "checks " + per, times,
                    counterSeries(samples, "otp"));
  body += chartHtml("sms", "SMS handed to the provider", "messages " + per, times,
                    counterSeries(samples, "sms"));
  body +=
      chartHtml("latency", "HTTP request latency", "milliseconds", times, latencySeries(samples));
  return consolePage(viewer, "Metrics", "metrics", body);
}

}  // namespace

void addMetricsRoutes(http::Router& router, const ConsoleGuard& guard, const MetricsDeps& deps) {
  addGuarded(router, guard, "GET", "/console/metrics", StaffRole::kSupervisor,
             [deps](const http::Request&, const StaffPrincipal& viewer) {
               return metricsPage(deps, viewer);
             });
}

}  // namespace callgate::console
