// [audit]: how often the server signs the audit log's chain.

#include <gtest/gtest.h>

#include "app/config/config.h"

namespace callgate::app {
namespace {

TEST(AuditConfigTest, CheckpointEveryDefaultsToOneHundred) {
  Config c;
  EXPECT_EQ(c.auditCheckpointEvery, 100);
  ASSERT_TRUE(applyToml("[audit]\ncheckpoint_every = 0\n", "f.toml", c).ok());
  EXPECT_EQ(c.auditCheckpointEvery, 0);
}

TEST(AuditConfigTest, RejectsANegativeIntervalAndUnknownKeys) {
  Config c;
  auto s = applyToml("[audit]\ncheckpoint_every = -1\n", "f.toml", c);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message().find("checkpoint_every"), std::string::npos) << s.error().message();
  EXPECT_FALSE(applyToml("[audit]\nevery = 5\n", "f.toml", c).ok());
}

}  // namespace
}  // namespace callgate::app
