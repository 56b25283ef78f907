// GET /console/metrics (supervisor+): the main metrics of this node as charts drawn here as SVG
// (no chart library, no script): calls ended by outcome, signed verdicts by acr, PIN and OTP
// check outcomes, SMS sent and failed, and HTTP request latency (mean and 95th percentile), each
// per sampling interval over the last hour, from a MetricsSampler. Each chart has its numbers in
// a table beside it for screen readers and for copying.
#pragma once

#include <string>
#include <vector>

#include "adapters/net/http/router.h"
#include "channels/console/console_guard.h"
#include "channels/console/metrics_sampler.h"

namespace callgate::console {

struct MetricsDeps {
  const MetricsSampler* sampler = nullptr;  // borrowed; null: the page says nothing is sampled
};

// One chart as inline SVG (role img, with a title) and a table of its latest numbers: `series`
// are (name, one value per point) over `times`. Exposed for tests.
struct ChartSeries {
  std::string name;
  std::vector<double> values;
};
std::string chartHtml(std::string_view id, std::string_view title, std::string_view unit,
                      const std::vector<TimePoint>& times, const std::vector<ChartSeries>& series);

void addMetricsRoutes(http::Router& router, const ConsoleGuard& guard, const MetricsDeps& deps);

}  // namespace callgate::console
