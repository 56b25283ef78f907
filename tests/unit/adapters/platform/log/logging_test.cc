// The log sink's line-safety backstop: one event stays one line, control bytes become \xNN, and
// a line longer than 16 KiB is cut with a marker. Logged through setupLogging() to a file.
#include "adapters/platform/log/logging.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace callgate {
namespace {

class LoggingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = std::filesystem::temp_directory_path() /
            ("callgate-logging-test-" + std::to_string(::getpid()) + ".log");
    std::filesystem::remove(path_);
    ASSERT_TRUE(setupLogging("info", /*buffered=*/false, path_.string()).ok());
  }
  void TearDown() override {
    spdlog::drop_all();
    std::filesystem::remove(path_);
  }
  // Everything after the level field of each line ("event=...").
  std::vector<std::string> lines() const {
    std::ifstream in(path_);
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);) {
      const auto at = line.find("level=info ");
      out.push_back(at == std::string::npos ? line : line.substr(at + 11));
    }
    return out;
  }

  std::filesystem::path path_;
};

TEST_F(LoggingTest, PrintableLineIsWrittenAsIs) {
  spdlog::info("event=http method=POST path=/connect/v1/lookup-caller status=200");
  EXPECT_EQ(lines(), std::vector<std::string>{
                         "event=http method=POST path=/connect/v1/lookup-caller status=200"});
}

TEST_F(LoggingTest, ControlBytesAreEscapedAndTheEventStaysOneLine) {
  spdlog::info("event=x value=\"a\nlevel=error forged\r\x01\x7f\tz\"");
  EXPECT_EQ(lines(), std::vector<std::string>{
                         "event=x value=\"a\\x0alevel=error forged\\x0d\\x01\\x7f\\x09z\""});
}

TEST_F(LoggingTest, OverlongLineIsCutWithAMarker) {
  const std::string longValue(20000, 'a');
  spdlog::info("event=long value={}", longValue);
  spdlog::info("event=after");
  const auto got = lines();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_LT(got[0].size(), 16 * 1024u);
  EXPECT_TRUE(got[0].ends_with("aaa...[line cut]")) << got[0].substr(got[0].size() - 40);
  EXPECT_EQ(got[1], "event=after");
}

TEST_F(LoggingTest, EscapesNearTheLimitStillCutTheLine) {
  // A run of control bytes crossing the limit: each escape is 4 bytes, and the cut comes after
  // the escape that crossed it.
  const std::string controls(6000, '\x01');
  spdlog::info("event=ctl value={}", controls);
  const auto got = lines();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(got[0].ends_with("\\x01...[line cut]"));
  EXPECT_LE(got[0].size(), 16 * 1024u + 3 + 13);
}

}  // namespace
}  // namespace callgate
