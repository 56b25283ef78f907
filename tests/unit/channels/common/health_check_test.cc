#include "channels/common/health_check.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>
#include <vector>

#include "unit/channels/common/log_capture.h"

namespace callgate {
namespace {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

class HealthCheckTest : public ::testing::Test {
 protected:
  HealthCheck make() {
    return HealthCheck(
        [this]() -> Status {
          ++probes_;
          return answer_;
        },
        1000ms, [this] { return now_; });
  }

  Steady::time_point now_ = Steady::time_point(100s);
  Status answer_;
  std::atomic<int> probes_{0};
};

TEST_F(HealthCheckTest, AnAnsweringDatabaseIsOk) {
  HealthCheck health = make();
  HealthReport r = health.report();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"status":"ok","database":"ok"})");
}

TEST_F(HealthCheckTest, AnUnreachableDatabaseIs503NamingItWithoutTheMessage) {
  answer_ = Error::unavailable("could not connect to postgresql://callgate@10.0.0.5/callgate");
  HealthCheck health = make();
  HealthReport r = health.report();
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, R"({"status":"unavailable","database":"unreachable"})");
  answer_ = Error::internal("database disk image is malformed");
  now_ += 1s;
  EXPECT_EQ(health.report().body, R"({"status":"unavailable","database":"error"})");
}

TEST_F(HealthCheckTest, AProbeStormReachesTheDatabaseAboutOnceASecond) {
  HealthCheck health = make();
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(health.report().status, 200);
    now_ += 9ms;  // 100 probes over 0.9 s
  }
  EXPECT_EQ(probes_, 1);
  now_ += 100ms;
  health.report();
  EXPECT_EQ(probes_, 2);
}

TEST_F(HealthCheckTest, ItFollowsTheDatabaseAwayAndBackLoggingEachChangeOnce) {
  testing::LogCapture log;
  HealthCheck health = make();
  EXPECT_EQ(health.report().status, 200);
  answer_ = Error::unavailable("connection refused");
  for (int i = 0; i < 5; ++i) {
    now_ += 1s;
    EXPECT_EQ(health.report().status, 503);
  }
  answer_ = okStatus();
  now_ += 1s;
  EXPECT_EQ(health.report().status, 200);
  EXPECT_EQ(log.lines("event=health_database_unavailable code=unavailable"), 1) << log.text();
  EXPECT_EQ(log.lines("event=health_database_ok"), 1) << log.text();
}

TEST_F(HealthCheckTest, WithoutAProbeTheDatabaseIsUnchecked) {
  HealthCheck health(nullptr);
  HealthReport r = health.report();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"status":"ok","database":"unchecked"})");
}

// While one request probes a slow database, the others answer at once with the last answer.
TEST(HealthCheckThreadsTest, OneProbeAtATimeOthersGetTheLastAnswer) {
  std::atomic<int> probes{0};
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<Steady::rep> ticks{0};
  HealthCheck health(
      [&]() -> Status {
        if (++probes == 2) {
          entered.set_value();
          released.wait();
          return Error::unavailable("timed out");
        }
        return okStatus();
      },
      1000ms, [&] { return Steady::time_point(Steady::duration(ticks.load())); });
  EXPECT_EQ(health.report().status, 200);
  ticks += std::chrono::duration_cast<Steady::duration>(2s).count();
  auto slow = std::async(std::launch::async, [&] { return health.report(); });
  entered.get_future().wait();
  std::vector<std::future<HealthReport>> others;
  for (int i = 0; i < 8; ++i)
    others.push_back(std::async(std::launch::async, [&] { return health.report(); }));
  for (auto& f : others) EXPECT_EQ(f.get().status, 200);  // the previous answer
  release.set_value();
  EXPECT_EQ(slow.get().status, 503);
  EXPECT_EQ(health.report().status, 503);
  EXPECT_EQ(probes, 2);
}

}  // namespace
}  // namespace callgate
