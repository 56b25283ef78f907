// [hours.<name>], [queues.<name>] and [callbacks]: what the routing flow actions read.
#include <gtest/gtest.h>

#include <string>

#include "app/config/config.h"

namespace callgate::app {
namespace {

std::string errorOf(const std::string& toml) {
  Config c;
  Status s = applyToml(toml, "t.toml", c);
  EXPECT_FALSE(s.ok()) << toml;
  return s.ok() ? std::string() : s.error().message();
}

TEST(RoutingConfigTest, ReadsHoursQueuesAndCallbacks) {
  Config c;
  Status s = applyToml(R"(
[hours.office]
time_zone = "America/New_York"
id = "h-1"
monday = ["09:00-12:00", "13:00-17:00"]
saturday = ["22:00-02:00"]
closed = ["2026-12-25", "2026-12-31..2027-01-01"]
[hours.office.special]
"2026-12-24" = ["09:00-13:00"]

[queues.support]
id = "q-1"
hours = "office"
agents_staffed = 4
agents_available = 1

[callbacks]
per_number = 5
window_seconds = 600
)",
                       "t.toml", c);
  ASSERT_TRUE(s.ok()) << s.error().toString();
  ASSERT_EQ(c.routing.hours.size(), 1u);
  const HoursOfOperation& h = c.routing.hours[0];
  EXPECT_EQ(h.name, "office");
  EXPECT_EQ(h.id, "h-1");
  EXPECT_EQ(h.timeZone, "America/New_York");
  EXPECT_EQ(h.weekly[1], (std::vector<OpenRange>{{540, 720}, {780, 1020}}));
  EXPECT_EQ(h.weekly[6], (std::vector<OpenRange>{{1320, 120}}));
  EXPECT_TRUE(h.weekly[0].empty());
  ASSERT_EQ(h.overrides.size(), 3u);
  EXPECT_EQ(h.overrides[0].from, *parseCivilDay("2026-12-24"));  // special days first
  EXPECT_EQ(h.overrides[0].open, (std::vector<OpenRange>{{540, 780}}));
  EXPECT_TRUE(h.overrides[1].open.empty());
  EXPECT_EQ(h.overrides[2].to, *parseCivilDay("2027-01-01"));
  ASSERT_EQ(c.routing.queues.size(), 1u);
  EXPECT_EQ(c.routing.queues[0].name, "support");
  EXPECT_EQ(c.routing.queues[0].hours, "office");
  EXPECT_EQ(c.routing.queues[0].agentsStaffed, 4);
  EXPECT_EQ(c.routing.queues[0].agentsOnline, 0);
  EXPECT_EQ(c.routing.callbacks.perNumber, 5);
  EXPECT_EQ(c.routing.callbacks.window, Seconds(600));
}

TEST(RoutingConfigTest, RefusesBadHoursNamingTheKey) {
  EXPECT_NE(errorOf("[hours.x]\nmonday = [\"09:00-17:00\"]\n").find("hours.x.time_zone"),
            std::string::npos);
  EXPECT_NE(errorOf("[hours.x]\ntime_zone = \"UTC\"\nmonday = [\"9-5\"]\n").find("hours.x.monday"),
            std::string::npos);
  EXPECT_NE(
      errorOf("[hours.x]\ntime_zone = \"UTC\"\nclosed = [\"2026-13-01\"]\n").find("hours.x.closed"),
      std::string::npos);
  EXPECT_NE(errorOf("[hours.x]\ntime_zone = \"UTC\"\nclosed = [\"2026-12-31..2026-12-01\"]\n")
                .find("ends before it starts"),
            std::string::npos);
  EXPECT_NE(errorOf("[hours.x]\ntime_zone = \"UTC\"\nmondays = []\n").find("hours.x.mondays"),
            std::string::npos);
}

TEST(RoutingConfigTest, RefusesAQueueNamingUnknownHoursOrBadCounts) {
  EXPECT_NE(errorOf("[queues.support]\nhours = \"office\"\n").find("queues.support.hours"),
            std::string::npos);
  EXPECT_NE(
      errorOf("[queues.support]\nagents_available = -1\n").find("queues.support.agents_available"),
      std::string::npos);
  EXPECT_NE(errorOf("[callbacks]\nper_number = 0\n").find("callbacks.per_number"),
            std::string::npos);
}

}  // namespace
}  // namespace callgate::app
