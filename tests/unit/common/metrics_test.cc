#include "common/metrics.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "common/metrics_catalog.h"

namespace callgate::metrics {
namespace {

TEST(MetricsTest, RendersCounterWithLabels) {
  Registry registry;
  auto& calls = registry.counter("test_calls_total", "Calls.", {"channel", "outcome"});
  calls.with({"sip", "transferred"}).inc();
  calls.with({"sip", "transferred"}).inc(2);
  calls.with({"twilio", "hangup"}).inc();
  EXPECT_EQ(registry.render(),
            "# HELP test_calls_total Calls.\n"
            "# TYPE test_calls_total counter\n"
            "test_calls_total{channel=\"sip\",outcome=\"transferred\"} 3\n"
            "test_calls_total{channel=\"twilio\",outcome=\"hangup\"} 1\n");
}

TEST(MetricsTest, UnlabelledFamiliesShowZeroFromTheStart) {
  Registry registry;
  registry.counter("test_lockouts_total", "Lockouts.");
  registry.gauge("test_depth", "Depth.");
  EXPECT_EQ(registry.render(),
            "# HELP test_depth Depth.\n"
            "# TYPE test_depth gauge\n"
            "test_depth 0\n"
            "# HELP test_lockouts_total Lockouts.\n"
            "# TYPE test_lockouts_total counter\n"
            "test_lockouts_total 0\n");
}

TEST(MetricsTest, GaugeGoesUpAndDown) {
  Registry registry;
  Gauge& g = registry.gauge("test_active", "Active.", {"channel"}).with({"sip"});
  g.add();
  g.add(3);
  g.sub();
  EXPECT_EQ(g.value(), 3);
  g.set(-2);
  EXPECT_NE(registry.render().find("test_active{channel=\"sip\"} -2\n"), std::string::npos);
}

TEST(MetricsTest, HistogramBucketsAreCumulative) {
  Registry registry;
  auto& h = registry.histogram("test_seconds", "Latency.", {"route"}, {0.1, 1});
  h.with({"/a"}).observe(0.05);
  h.with({"/a"}).observe(0.1);  // on the bound: le is inclusive
  h.with({"/a"}).observe(0.5);
  h.with({"/a"}).observe(7);
  EXPECT_EQ(registry.render(),
            "# HELP test_seconds Latency.\n"
            "# TYPE test_seconds histogram\n"
            "test_seconds_bucket{route=\"/a\",le=\"0.1\"} 2\n"
            "test_seconds_bucket{route=\"/a\",le=\"1\"} 3\n"
            "test_seconds_bucket{route=\"/a\",le=\"+Inf\"} 4\n"
            "test_seconds_sum{route=\"/a\"} 7.65\n"
            "test_seconds_count{route=\"/a\"} 4\n");
}

TEST(MetricsTest, LabelNeverHoldsANumberOrCode) {
  EXPECT_EQ(boundedLabel("+14155550100"), "other");  // a phone number
  EXPECT_EQ(boundedLabel("123456"), "other");        // a one-time code
  EXPECT_EQ(boundedLabel("user 42"), "other");       // a space: not a token
  EXPECT_EQ(boundedLabel("a\"b"), "other");
  EXPECT_EQ(boundedLabel(std::string(65, 'a')), "other");
  EXPECT_EQ(boundedLabel(""), "none");
  EXPECT_EQ(boundedLabel("486"), "486");  // status codes are fine
  EXPECT_EQ(boundedLabel("/connect/v1/lookup-caller"), "/connect/v1/lookup-caller");
  EXPECT_EQ(boundedLabel("/l/{code}"), "/l/{code}");

  Registry registry;
  registry.counter("test_total", "T.", {"who"}).with({"+14155550100"}).inc();
  const std::string text = registry.render();
  EXPECT_NE(text.find("test_total{who=\"other\"} 1"), std::string::npos);
  EXPECT_EQ(text.find("4155550100"), std::string::npos);
}

TEST(MetricsTest, SeriesBeyondTheLimitGoToOther) {
  Registry registry;
  auto& f = registry.counter("test_total", "T.", {"k"}, /*maxSeries=*/2);
  f.with({"a"}).inc();
  f.with({"b"}).inc();
  f.with({"c"}).inc();
  f.with({"d"}).inc();
  f.with({"a"}).inc();
  EXPECT_EQ(f.with({"a"}).value(), 2u);
  EXPECT_EQ(f.with({"zzz"}).value(), 2u);  // c, d (and this lookup's own series is "other")
  const std::string text = registry.render();
  EXPECT_NE(text.find("test_total{k=\"other\"} 2"), std::string::npos);
  EXPECT_EQ(text.find("k=\"c\""), std::string::npos);
}

TEST(MetricsTest, WrongLabelCountGoesToOtherInsteadOfCrashing) {
  Registry registry;
  auto& f = registry.counter("test_total", "T.", {"a", "b"});
  f.with({"x"}).inc();
  EXPECT_NE(registry.render().find("test_total{a=\"other\",b=\"other\"} 1"), std::string::npos);
}

TEST(MetricsTest, SameNameReturnsTheSameFamily) {
  Registry registry;
  auto& a = registry.counter("test_total", "T.", {"k"});
  auto& b = registry.counter("test_total", "T.", {"k"});
  EXPECT_EQ(&a, &b);
  // Another kind under the same name is detached: usable, never rendered.
  registry.gauge("test_total", "G.").with().set(5);
  EXPECT_EQ(registry.render().find("gauge"), std::string::npos);
}

TEST(MetricsTest, HelpIsEscaped) {
  Registry registry;
  registry.counter("test_total", "back\\slash\nnewline");
  EXPECT_NE(registry.render().find("# HELP test_total back\\\\slash\\nnewline\n"),
            std::string::npos);
}

TEST(MetricsTest, ConcurrentIncrementsAreAllCounted) {
  Registry registry;
  auto& f = registry.counter("test_total", "T.", {"k"});
  auto& h = registry.histogram("test_seconds", "H.", {}, {1});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&f, &h, t] {
      const std::string key = "k" + std::to_string(t % 2);
      for (int i = 0; i < 10000; ++i) {
        f.with({key}).inc();
        h.with().observe(0.5);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(f.with({"k0"}).value() + f.with({"k1"}).value(), 40000u);
  EXPECT_EQ(h.with().count(), 40000u);
  EXPECT_DOUBLE_EQ(h.with().sum(), 20000.0);
}

TEST(MetricsTest, NewSeriesWhileAScrapeRunsAreAllCounted) {
  Registry registry;
  auto& f = registry.counter("test_total", "T.", {"k"});
  std::atomic<bool> stop{false};
  std::thread scraper([&] {
    while (!stop.load()) EXPECT_FALSE(registry.render().empty());
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&f] {
      // Letters only: a label value with digits would be folded into "other".
      for (int i = 0; i < 2000; ++i)
        f.with({std::string(1, static_cast<char>('a' + i % 26))}).inc();
    });
  }
  for (auto& t : threads) t.join();
  stop = true;
  scraper.join();
  std::uint64_t total = 0;
  for (int i = 0; i < 26; ++i)
    total += f.with({std::string(1, static_cast<char>('a' + i))}).value();
  EXPECT_EQ(total, 4000u);
}

TEST(MetricsCatalogTest, VerdictMethodOutsideTheKnownSetIsOther) {
  const uint64_t before = verdicts().with({"other", "verified"}).value();
  const uint64_t otpBefore = verdicts().with({"SmsOtp", "verified"}).value();
  recordVerdict("sip", "made-up-method", true, 3.0);
  recordVerdict("sip", "SmsOtp", true, 3.0);
  EXPECT_EQ(verdicts().with({"other", "verified"}).value(), before + 1);
  EXPECT_EQ(verdicts().with({"SmsOtp", "verified"}).value(), otpBefore + 1);
}

TEST(MetricsCatalogTest, HttpRouteAndStatusLabels) {
  const uint64_t before = httpRequests().with({"unmatched", "404"}).value();
  recordHttpRequest(nullptr, 404, 0.001);
  EXPECT_EQ(httpRequests().with({"unmatched", "404"}).value(), before + 1);
  const std::string route = "/l/{code}";
  recordHttpRequest(&route, 200, 0.002);
  EXPECT_NE(defaultRegistry().render().find(
                "callgate_http_requests_total{route=\"/l/{code}\",status=\"200\"}"),
            std::string::npos);
}

TEST(MetricsCatalogTest, RegisterAllExposesEveryFamily) {
  registerAll("0.1.0");
  const std::string text = defaultRegistry().render();
  for (const char* name : {"callgate_calls_total",
                           "callgate_verdicts_total",
                           "callgate_otp_sends_total",
                           "callgate_otp_verifies_total",
                           "callgate_pin_verifies_total",
                           "callgate_pin_lockouts_total",
                           "callgate_pin_unlock_codes_total",
                           "callgate_pin_self_service_unlocks_total",
                           "callgate_links_total",
                           "callgate_signed_verdicts_total",
                           "callgate_sms_total",
                           "callgate_sms_delivery_reports_total",
                           "callgate_sms_provider_state",
                           "callgate_sms_failovers_total",
                           "callgate_sms_prefix_throttled_total",
                           "callgate_sip_responses_total",
                           "callgate_active_calls",
                           "callgate_rtp_ports_in_use",
                           "callgate_http_requests_total",
                           "callgate_http_request_duration_seconds",
                           "callgate_function_duration_seconds",
                           "callgate_verdict_seconds",
                           "callgate_speech_recognition_seconds",
                           "callgate_worker_queue_depth",
                           "callgate_db_pool_in_use",
                           "callgate_build_info"}) {
    EXPECT_NE(text.find(std::string("# TYPE ") + name + " "), std::string::npos) << name;
  }
  EXPECT_NE(text.find("callgate_build_info{version=\"0.1.0\"} 1\n"), std::string::npos);
}

}  // namespace
}  // namespace callgate::metrics
