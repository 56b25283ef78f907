#include "common/connection_limits.h"

#include <gtest/gtest.h>

namespace callgate {
namespace {

using namespace std::chrono_literals;

TEST(PerAddressCountTest, CapsEachAddressAlone) {
  PerAddressCount count(2);
  EXPECT_TRUE(count.tryAdd("10.0.0.1"));
  EXPECT_TRUE(count.tryAdd("10.0.0.1"));
  EXPECT_FALSE(count.tryAdd("10.0.0.1"));
  EXPECT_TRUE(count.tryAdd("10.0.0.2"));
  count.remove("10.0.0.1");
  EXPECT_TRUE(count.tryAdd("10.0.0.1"));
  count.remove("unknown");  // harmless
}

TEST(PerAddressCountTest, ZeroMeansNoCap) {
  PerAddressCount count(0);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(count.tryAdd("10.0.0.1"));
}

TEST(RefusalLogTest, OneReportPerIntervalCountingWhatWasHeldBack) {
  RefusalLog log(10s);
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(log.count(t0), 1u);
  for (int i = 0; i < 500; ++i) EXPECT_EQ(log.count(t0 + 1s), 0u);
  EXPECT_EQ(log.count(t0 + 11s), 501u);
  EXPECT_EQ(log.count(t0 + 12s), 0u);
}

}  // namespace
}  // namespace callgate
