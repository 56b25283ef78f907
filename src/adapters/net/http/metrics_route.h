// GET /metrics: the Prometheus text exposition (format 0.0.4) of a metrics registry, by default
// the process-wide one that callgate's instrumentation counts into (common/metrics_catalog.h).
// The route runs on the io thread: rendering reads atomics and takes each family's mutex only
// long enough to list its series, so a scrape never waits behind a busy worker pool and shows
// the pool's queue as it is. Thread-safe.
#pragma once

#include "adapters/net/http/router.h"
#include "common/metrics.h"

namespace callgate::http {

inline constexpr const char* kMetricsPath = "/metrics";

// The response to a scrape: 200, text/plain; version=0.0.4, Cache-Control: no-store.
Response metricsResponse(const metrics::Registry& registry = metrics::defaultRegistry());

// Adds GET /metrics serving `registry`.
void addMetricsRoute(Router& router,
                     const metrics::Registry& registry = metrics::defaultRegistry());

}  // namespace callgate::http
