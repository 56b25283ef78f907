// GET /metrics on a real server, and the HTTP metrics the server counts (route pattern, status,
// latency, worker queue). The registry is process-wide, so the tests compare deltas.

#include "adapters/net/http/metrics_route.h"

#include <gtest/gtest.h>

#include <string>

#include "common/metrics_catalog.h"
#include "unit/adapters/net/http/http_test_support.h"

namespace callgate::http {
namespace {

using testing::TestClient;

TEST_F(HttpServerTest, MetricsRouteServesTheTextFormat) {
  addMetricsRoute(router_);
  metrics::registerAll("test");
  TestClient c(start());
  auto r = c.request("GET", "/metrics");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(r->header("cache-control"), "no-store");
  EXPECT_NE(r->body.find("# TYPE callgate_http_requests_total counter\n"), std::string::npos);
  EXPECT_NE(r->body.find("callgate_build_info{version=\"test\"} 1\n"), std::string::npos);
}

TEST_F(HttpServerTest, CountsRequestsByRoutePatternAndStatus) {
  router_.add("GET", "/l/{code}", [](const Request&) { return Response{}; });
  auto& found = metrics::httpRequests().with({"/l/{code}", "200"});
  auto& missing = metrics::httpRequests().with({"unmatched", "404"});
  auto& wrongMethod = metrics::httpRequests().with({"/hello", "405"});
  auto& latency = metrics::httpRequestDuration().with({"/l/{code}"});
  const uint64_t found0 = found.value(), missing0 = missing.value();
  const uint64_t wrong0 = wrongMethod.value(), latency0 = latency.count();
  TestClient c(start());
  ASSERT_TRUE(c.request("GET", "/l/123456"));
  ASSERT_TRUE(c.request("GET", "/l/654321"));
  ASSERT_TRUE(c.request("GET", "/nothing/+14155550100"));
  ASSERT_TRUE(c.request("POST", "/hello"));
  EXPECT_EQ(found.value(), found0 + 2);
  EXPECT_EQ(missing.value(), missing0 + 1);
  EXPECT_EQ(wrongMethod.value(), wrong0 + 1);
  EXPECT_EQ(latency.count(), latency0 + 2);
  // The raw targets (a code, a number) never became labels.
  const std::string text = metrics::defaultRegistry().render();
  EXPECT_EQ(text.find("123456"), std::string::npos);
  EXPECT_EQ(text.find("4155550100"), std::string::npos);
  // Every blocking request left the worker queue.
  EXPECT_EQ(metrics::workerQueueDepth().with().value(), 0);
}

}  // namespace
}  // namespace callgate::http
