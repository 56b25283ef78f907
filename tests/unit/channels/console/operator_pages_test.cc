// The SMS, audit log, flows and metrics pages, and GET /console.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "adapters/platform/audit/jsonl_audit_log.h"
#include "channels/console/operator_routes.h"
#include "fakes/in_memory_sms_message_store.h"
#include "fakes/temp_dir.h"
#include "unit/channels/console/operator_test_support.h"

namespace callgate::console {
namespace {

TEST(OperatorRoutesTest, WithoutAGuardNothingIsRegistered) {
  OperatorTestBed bed;
  addOperatorRoutes(bed.router, nullptr, OperatorDeps{bed.customersDeps(), {}, {}, {}, {}});
  EXPECT_TRUE(bed.router.paths().empty());
}

TEST(OperatorRoutesTest, ConsoleSendsAgentsToTheirCallsAndOthersToCustomers) {
  OperatorTestBed bed;
  addOperatorRoutes(bed.router, &bed.guard, OperatorDeps{bed.customersDeps(), {}, {}, {}, {}});
  EXPECT_EQ(headerOf(bed.call("GET", "/console", kAgent), "Location"), "/console/agent");
  EXPECT_EQ(headerOf(bed.call("GET", "/console", kSupervisor), "Location"), "/console/customers");
  EXPECT_EQ(headerOf(bed.call("GET", "/console", kAdmin), "Location"), "/console/customers");
  EXPECT_EQ(bed.call("GET", "/console", "").status, 303);
  // Every operator page refuses an agent.
  for (const char* path : {"/console/customers", "/console/sms", "/console/audit", "/console/flows",
                           "/console/metrics"}) {
    EXPECT_EQ(bed.call("GET", path, kAgent).status, 403) << path;
    EXPECT_EQ(bed.call("GET", path, kSupervisor).status, 200) << path;
  }
}

TEST(SmsPageTest, ListsTheNewestWithTheirReportsAndNoWholeNumber) {
  OperatorTestBed bed;
  testing::InMemorySmsMessageStore store;
  const TimePoint t = bed.clock.now();
  ASSERT_TRUE(store.insert({"a1", "twilio", "SM1", "+1415*****23", "delivered", "", t, t}).ok());
  ASSERT_TRUE(store
                  .insert({"b2", "kannel", "", "+4420*****50", "failed", "<b>http_503</b>",
                           t + std::chrono::seconds(1), t + std::chrono::seconds(2)})
                  .ok());
  addSmsRoutes(bed.router, bed.guard, SmsDeps{&store});
  EXPECT_EQ(bed.call("GET", "/console/sms", kAgent).status, 403);
  const http::Response page = bed.call("GET", "/console/sms", kSupervisor);
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(contains(page.body, "+1415*****23"));
  EXPECT_TRUE(contains(page.body, "badge ok\">delivered"));
  EXPECT_TRUE(contains(page.body, "badge bad\">failed"));
  EXPECT_TRUE(contains(page.body, "&lt;b&gt;http_503&lt;/b&gt;"));
  EXPECT_LT(page.body.find("kannel"), page.body.find("twilio"));  // newest first
  store.failing = true;
  EXPECT_EQ(bed.call("GET", "/console/sms", kSupervisor).status, 503);
}

TEST(SmsPageTest, TheOutboxIsExplained) {
  OperatorTestBed bed;
  addSmsRoutes(bed.router, bed.guard, SmsDeps{nullptr});
  EXPECT_TRUE(contains(bed.call("GET", "/console/sms", kSupervisor).body, "sms-outbox"));
}

class AuditPageTest : public ::testing::Test {
 protected:
  std::string path() { return dir.path() + "/audit.jsonl"; }
  void write(int records) {
    JsonlAuditLog log(path(), bed.clock);
    for (int i = 1; i <= records; ++i) {
      log.record("console_pin_unlocked",
                 {{"user_id", std::to_string(10000000 + i)}, {"by", "<i>sam</i>"}});
    }
  }
  http::Response page(const std::string& query = "") {
    return bed.call("GET", "/console/audit" + query, kSupervisor);
  }

  testing::TempDir dir;
  OperatorTestBed bed;
};

TEST_F(AuditPageTest, NewestFirstPagedAndTheChainVerifies) {
  write(kAuditPageSize + 5);
  addAuditRoutes(bed.router, bed.guard, AuditDeps{path(), nullptr});
  EXPECT_EQ(bed.call("GET", "/console/audit", kAgent).status, 403);
  const http::Response first = page();
  ASSERT_EQ(first.status, 200);
  EXPECT_TRUE(contains(first.body, "Chain verifies"));
  EXPECT_TRUE(contains(first.body, "10000055"));
  EXPECT_FALSE(contains(first.body, "10000005<"));
  EXPECT_LT(first.body.find("10000055"), first.body.find("10000054"));
  EXPECT_TRUE(contains(first.body, "&lt;i&gt;sam&lt;/i&gt;"));
  EXPECT_TRUE(contains(first.body, "page=2"));
  const http::Response second = page("?page=2");
  EXPECT_TRUE(contains(second.body, "10000005<"));
  EXPECT_TRUE(contains(second.body, "10000001<"));
  EXPECT_FALSE(contains(second.body, "10000006<"));
  EXPECT_FALSE(contains(second.body, "page=3"));
}

TEST_F(AuditPageTest, AnEditedLineBreaksTheChainAndIsNamed) {
  write(3);
  std::string text;
  {
    std::ifstream in(path());
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  text.replace(text.find("10000002"), 8, "99999999");
  std::ofstream(path(), std::ios::trunc) << text;
  addAuditRoutes(bed.router, bed.guard, AuditDeps{path(), nullptr});
  const http::Response r = page();
  ASSERT_EQ(r.status, 200);
  EXPECT_TRUE(contains(r.body, "Chain broken"));
  EXPECT_TRUE(contains(r.body, "line 3"));
}

TEST_F(AuditPageTest, NoFileYetIsSaid) {
  addAuditRoutes(bed.router, bed.guard, AuditDeps{path(), nullptr});
  EXPECT_TRUE(contains(page().body, "no-audit"));
}

TEST(FlowsPageTest, ShowsChecksAndServesTheDiagramAsSvgOnce) {
  OperatorTestBed bed;
  FlowEntry good{"Caller <ID>", "flows/a.json", {}, {"block 'x' unused"}, "3 actions", ""};
  good.dot = "digraph flow { start -> \"<b>end</b>\"; }";
  FlowEntry bad{"Broken", "flows/b.json", {"flows/b.json: unknown action type 'Nope'"}, {}, "", ""};
  addFlowRoutes(bed.router, bed.guard, FlowsDeps{{good, bad}, "dot", std::chrono::seconds(10)});
  const http::Response page = bed.call("GET", "/console/flows", kSupervisor);
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(contains(page.body, "Caller &lt;ID&gt;"));
  EXPECT_TRUE(contains(page.body, "Checks out"));
  EXPECT_TRUE(contains(page.body, "unknown action type &#39;Nope&#39;"));
  EXPECT_TRUE(contains(page.body, "<img src=\"/console/flows/0/diagram.svg\""));
  EXPECT_FALSE(contains(page.body, "/console/flows/1/diagram.svg"));
  EXPECT_EQ(bed.call("GET", "/console/flows/0/diagram.svg", kAgent).status, 403);
  const http::Response svg = bed.call("GET", "/console/flows/0/diagram.svg", kSupervisor);
  ASSERT_EQ(svg.status, 200) << svg.body;
  EXPECT_EQ(svg.contentType, "image/svg+xml");
  EXPECT_TRUE(contains(svg.body, "<svg"));
  EXPECT_TRUE(contains(svg.body, "&lt;b&gt;end&lt;/b&gt;"));  // dot escapes the label
  EXPECT_EQ(headerOf(svg, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(bed.call("GET", "/console/flows/1/diagram.svg", kSupervisor).status, 503);
  EXPECT_EQ(bed.call("GET", "/console/flows/2/diagram.svg", kSupervisor).status, 404);
  EXPECT_EQ(bed.call("GET", "/console/flows/x/diagram.svg", kSupervisor).status, 404);
}

TEST(FlowsPageTest, AMissingDotProgramIsA503NotACrash) {
  OperatorTestBed bed;
  FlowEntry good{"A", "a.json", {}, {}, "", "digraph { a -> b; }"};
  addFlowRoutes(bed.router, bed.guard,
                FlowsDeps{{good}, "/nonexistent/dot", std::chrono::seconds(10)});
  EXPECT_EQ(bed.call("GET", "/console/flows/0/diagram.svg", kSupervisor).status, 503);
}

constexpr const char* kExposition1 =
    "# TYPE callgate_calls_total counter\n"
    "callgate_calls_total{channel=\"sip\",outcome=\"transferred\"} 3\n"
    "callgate_calls_total{channel=\"twilio\",outcome=\"transferred\"} 2\n"
    "callgate_signed_verdicts_total{channel=\"sip\",acr=\"2fa\"} 1\n"
    "callgate_sms_total{provider=\"twilio\",outcome=\"sent\"} 4\n"
    "callgate_http_request_duration_seconds_bucket{route=\"/a\",le=\"0.01\"} 10\n"
    "callgate_http_request_duration_seconds_bucket{route=\"/a\",le=\"0.1\"} 10\n"
    "callgate_http_request_duration_seconds_bucket{route=\"/a\",le=\"+Inf\"} 10\n"
    "callgate_http_request_duration_seconds_sum{route=\"/a\"} 0.05\n"
    "callgate_http_request_duration_seconds_count{route=\"/a\"} 10\n";
constexpr const char* kExposition2 =
    "callgate_calls_total{channel=\"sip\",outcome=\"transferred\"} 10\n"
    "callgate_calls_total{channel=\"twilio\",outcome=\"transferred\"} 2\n"
    "callgate_calls_total{channel=\"sip\",outcome=\"hangup\"} 1\n"
    "callgate_signed_verdicts_total{channel=\"sip\",acr=\"2fa\"} 1\n"
    "callgate_sms_total{provider=\"twilio\",outcome=\"sent\"} 4\n"
    "callgate_sms_total{provider=\"twilio\",outcome=\"failed\"} 1\n"
    "callgate_http_request_duration_seconds_bucket{route=\"/a\",le=\"0.01\"} 10\n"
    "callgate_http_request_duration_seconds_bucket{route=\"/a\",le=\"0.1\"} 110\n"
    "callgate_http_request_duration_seconds_bucket{route=\"/a\",le=\"+Inf\"} 110\n"
    "callgate_http_request_duration_seconds_sum{route=\"/a\"} 5.05\n"
    "callgate_http_request_duration_seconds_count{route=\"/a\"} 110\n";

TEST(MetricsSamplerTest, KeepsTheChartValuesSummedOverOtherLabels) {
  const auto values = chartValues(kExposition1);
  EXPECT_EQ(values.at("calls/transferred"), 5);
  EXPECT_EQ(values.at("acr/2fa"), 1);
  EXPECT_EQ(values.at("sms/sent"), 4);
  EXPECT_EQ(values.at("http/count"), 10);
  EXPECT_EQ(values.at("http/le=+Inf"), 10);
  EXPECT_EQ(values.count("callgate_calls_total"), 0u);
}

TEST(MetricsSamplerTest, TheRingKeepsTheNewest) {
  MetricsSampler sampler(2);
  const TimePoint t = fromUnixMillis(1'800'000'000'000);
  sampler.add(t, kExposition1);
  sampler.add(t + std::chrono::seconds(10), kExposition2);
  sampler.add(t + std::chrono::seconds(20), kExposition2);
  const auto samples = sampler.samples();
  ASSERT_EQ(samples.size(), 2u);
  EXPECT_EQ(samples[0].at, t + std::chrono::seconds(10));
}

TEST(MetricsPageTest, DrawsTheIncreasesAsSvgCharts) {
  OperatorTestBed bed;
  MetricsSampler sampler;
  addMetricsRoutes(bed.router, bed.guard, MetricsDeps{&sampler});
  EXPECT_TRUE(
      contains(bed.call("GET", "/console/metrics", kSupervisor).body, "metrics-collecting"));
  const TimePoint t = fromUnixMillis(1'800'000'000'000);
  sampler.add(t, kExposition1);
  sampler.add(t + std::chrono::seconds(10), kExposition2);
  const http::Response page = bed.call("GET", "/console/metrics", kSupervisor);
  ASSERT_EQ(page.status, 200);
  EXPECT_TRUE(contains(page.body, "<svg class=\"chart\""));
  EXPECT_TRUE(contains(page.body, "role=\"img\""));
  EXPECT_FALSE(contains(page.body, "<script"));
  EXPECT_FALSE(contains(page.body, "style="));  // the CSP allows no inline style
  // transferred went 5 -> 12: 7 in the interval; hangup 0 -> 1; failed SMS 1.
  EXPECT_TRUE(contains(page.body, "<th scope=\"row\">transferred</th><td>7</td>"));
  EXPECT_TRUE(contains(page.body, "<th scope=\"row\">hangup</th><td>1</td>"));
  EXPECT_TRUE(contains(page.body, "<th scope=\"row\">failed</th><td>1</td>"));
  // 100 requests, 5 s in all: a 50 ms mean; all of them between 10 and 100 ms, so the 95th
  // percentile interpolates to 10 + 90 * 95/100 = 95.5 ms.
  EXPECT_TRUE(contains(page.body, "<th scope=\"row\">mean</th><td>50</td>"));
  EXPECT_TRUE(contains(page.body, "<th scope=\"row\">p95</th><td>95.5</td>"));
}

TEST(MetricsPageTest, ChartTextIsEscaped) {
  const std::string html =
      chartHtml("x", "<T>", "u", {fromUnixMillis(0), fromUnixMillis(10'000)}, {{"<s>", {1}}});
  EXPECT_FALSE(contains(html, "<s>"));
  EXPECT_TRUE(contains(html, "&lt;s&gt;"));
}

}  // namespace
}  // namespace callgate::console
