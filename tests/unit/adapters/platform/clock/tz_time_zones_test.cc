// TzTimeZones over the system tz database: local civil time, daylight saving, unknown zones.
#include "adapters/platform/clock/tz_time_zones.h"

#include <gtest/gtest.h>

namespace callgate {
namespace {

// 2026-07-01T12:30:00Z and 2026-01-15T12:30:00Z.
constexpr int64_t kJulyNoonMs = 1782909000000;
constexpr int64_t kJanuaryNoonMs = 1768480200000;

TEST(TzTimeZonesTest, GivesLocalTimeWithDaylightSaving) {
  TzTimeZones zones;
  auto summer = zones.localTime("America/New_York", fromUnixMillis(kJulyNoonMs));
  ASSERT_TRUE(summer.ok());
  EXPECT_EQ(summer->minute, 8 * 60 + 30);  // EDT, UTC-4
  EXPECT_EQ(summer->weekday, 3);           // Wednesday
  auto winter = zones.localTime("America/New_York", fromUnixMillis(kJanuaryNoonMs));
  ASSERT_TRUE(winter.ok());
  EXPECT_EQ(winter->minute, 7 * 60 + 30);  // EST, UTC-5
  EXPECT_EQ(winter->weekday, 4);           // Thursday
}

TEST(TzTimeZonesTest, LocalDayCanDifferFromTheUtcDay) {
  TzTimeZones zones;
  auto tokyo = zones.localTime("Asia/Tokyo", fromUnixMillis(kJulyNoonMs));
  auto utc = zones.localTime("UTC", fromUnixMillis(kJulyNoonMs));
  ASSERT_TRUE(tokyo.ok() && utc.ok());
  EXPECT_EQ(tokyo->day, utc->day);  // 21:30 the same day
  EXPECT_EQ(tokyo->minute, 21 * 60 + 30);
  auto auckland = zones.localTime("Pacific/Auckland", fromUnixMillis(kJulyNoonMs));
  ASSERT_TRUE(auckland.ok());
  EXPECT_EQ(auckland->day, utc->day + 1);  // 00:30 the next day (NZST, UTC+12)
}

TEST(TzTimeZonesTest, AnUnknownZoneIsNotFound) {
  TzTimeZones zones;
  auto r = zones.localTime("Mars/Olympus_Mons", fromUnixMillis(kJulyNoonMs));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace callgate
