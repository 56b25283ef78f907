#include <gtest/gtest.h>

#include <chrono>

#include "adapters/platform/clock/system_clock.h"

namespace callgate {
namespace {

TEST(SystemClockTest, ReadsTheWallClockInWholeMilliseconds) {
  SystemClock clock;
  const auto before = std::chrono::floor<Millis>(std::chrono::system_clock::now());
  const TimePoint now = clock.now();
  const auto after = std::chrono::system_clock::now();
  EXPECT_LE(before, now);
  EXPECT_LE(now, after);
  // Sanity: after 2020-01-01 and representable as RFC 3339.
  EXPECT_GT(toUnixMillis(now), 1'577'836'800'000);
  EXPECT_EQ(formatRfc3339(now).size(), 24u);
}

TEST(SystemClockTest, IsUsableThroughTheClockPort) {
  SystemClock system;
  const Clock& clock = system;
  const TimePoint a = clock.now();
  const TimePoint b = clock.now();
  // A wall clock may step (NTP), so only check that two reads are close.
  EXPECT_LT(std::chrono::abs(b - a), Seconds(5));
}

}  // namespace
}  // namespace callgate
