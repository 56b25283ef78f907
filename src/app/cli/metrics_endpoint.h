// What `serve` does for GET /metrics ([metrics] in the config): registers callgate's metric
// families (so a scrape shows every one from the start, with the build's version), adds the route
// to the main router unless [metrics] on_main_listener = false, and runs the optional admin
// listener ([metrics] listen), an HTTP server of its own that serves nothing but /metrics, on one
// io thread and no worker. Call from the main thread; the returned listener stops when destroyed.
#pragma once

#include <memory>

#include "adapters/net/http/router.h"
#include "adapters/net/http/server.h"
#include "app/config/config.h"
#include "common/result.h"

namespace callgate::app {

// Registers the families and, when configured, adds GET /metrics to the main `router`.
void addMetricsRoute(http::Router& router, const MetricsConfig& config);

// Starts the admin listener when config.listen is set (nullptr otherwise); kUnavailable when its
// address cannot be bound. Logs event=metrics_start; call it before announcing that the server
// listens, so whoever waits for that line finds /metrics there too.
Result<std::unique_ptr<http::Server>> startMetricsListener(const MetricsConfig& config);

}  // namespace callgate::app
