#include "app/cli/metrics_endpoint.h"

#include <spdlog/spdlog.h>

#include "adapters/net/http/metrics_route.h"
#include "common/metrics_catalog.h"

namespace callgate::app {

namespace {
// The version `callgate --version` prints (CMake's project version).
constexpr const char* kVersion = "0.1.0";
}  // namespace

void addMetricsRoute(http::Router& router, const MetricsConfig& config) {
  metrics::registerAll(kVersion);
  if (config.onMainListener) http::addMetricsRoute(router);
}

Result<std::unique_ptr<http::Server>> startMetricsListener(const MetricsConfig& config) {
  if (config.listen.empty()) return std::unique_ptr<http::Server>();
  metrics::registerAll(kVersion);
  auto hostPort = parseHostPort(config.listen);
  if (!hostPort.ok()) return hostPort.error();
  http::ServerOptions options;
  options.host = hostPort->host;
  options.port = hostPort->port;
  options.ioThreads = 1;
  options.workerThreads = 1;  // unused: the route runs on the io thread
  options.maxConnections = 64;
  options.accessLog = false;  // a scrape every few seconds would drown the log
  http::Router router;
  http::addMetricsRoute(router);
  auto server = std::make_unique<http::Server>(options, std::move(router));
  auto port = server->start();
  if (!port.ok()) {
    return Error::unavailable("cannot listen for metrics on " + config.listen + ": " +
                              port.error().message());
  }
  spdlog::info("event=metrics_start listen={}:{}", options.host, *port);
  return server;
}

}  // namespace callgate::app
