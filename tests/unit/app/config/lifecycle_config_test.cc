#include <gtest/gtest.h>

#include "app/config/config.h"

namespace callgate::app {
namespace {

TEST(LifecycleConfigTest, DefaultsDrainThirtySecondsAndLogToStandardError) {
  Config c;
  EXPECT_EQ(c.lifecycle.drainSeconds, 30);
  EXPECT_EQ(c.lifecycle.logFile, "");
}

TEST(LifecycleConfigTest, ReadsDrainSecondsAndTheLogFile) {
  Config c;
  auto s = applyToml("[server]\ndrain_seconds = 0\n[log]\nfile = \"/var/log/callgate.log\"\n",
                     "t.toml", c);
  ASSERT_TRUE(s.ok()) << s.error().message();
  EXPECT_EQ(c.lifecycle.drainSeconds, 0);
  EXPECT_EQ(c.lifecycle.logFile, "/var/log/callgate.log");
}

TEST(LifecycleConfigTest, RejectsADrainOutOfRange) {
  Config c;
  auto s = applyToml("[server]\ndrain_seconds = 3601\n", "t.toml", c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("drain_seconds"), std::string::npos) << s.error().message();
}

}  // namespace
}  // namespace callgate::app
