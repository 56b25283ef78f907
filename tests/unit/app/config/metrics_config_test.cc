// The [metrics] table: /metrics on the main listener by default, an optional admin listener.
#include <gtest/gtest.h>

#include "app/config/config.h"

namespace callgate::app {
namespace {

TEST(MetricsConfigTest, OnTheMainListenerByDefault) {
  Config c;
  ASSERT_TRUE(applyToml("", "t.toml", c).ok());
  EXPECT_TRUE(c.metrics.onMainListener);
  EXPECT_EQ(c.metrics.listen, "");
}

TEST(MetricsConfigTest, ReadsAnAdminListener) {
  Config c;
  auto s =
      applyToml("[metrics]\nlisten = \"127.0.0.1:9464\"\non_main_listener = false\n", "t.toml", c);
  ASSERT_TRUE(s.ok()) << s.error().message();
  EXPECT_EQ(c.metrics.listen, "127.0.0.1:9464");
  EXPECT_FALSE(c.metrics.onMainListener);
}

TEST(MetricsConfigTest, RejectsABadListenAddress) {
  Config c;
  auto s = applyToml("[metrics]\nlisten = \"9464\"\n", "t.toml", c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("metrics.listen"), std::string::npos);
}

TEST(MetricsConfigTest, RejectsMetricsServedNowhere) {
  Config c;
  auto s = applyToml("[metrics]\non_main_listener = false\n", "t.toml", c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("metrics.listen"), std::string::npos);
}

TEST(MetricsConfigTest, RejectsAnUnknownKey) {
  Config c;
  auto s = applyToml("[metrics]\nport = 9464\n", "t.toml", c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("port"), std::string::npos);
}

}  // namespace
}  // namespace callgate::app
