#include "adapters/net/http/metrics_route.h"

#include <string>

namespace callgate::http {

Response metricsResponse(const metrics::Registry& registry) {
  Response response;
  response.contentType = std::string(metrics::kContentType);
  response.body = registry.render();
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

void addMetricsRoute(Router& router, const metrics::Registry& registry) {
  router.add(
      "GET", kMetricsPath, [&registry](const Request&) { return metricsResponse(registry); },
      Lane::kIoThread);
}

}  // namespace callgate::http
