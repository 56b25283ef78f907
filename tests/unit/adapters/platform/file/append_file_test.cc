// AppendFile: appendLine (the SMS outbox) and appendAfterTail (the audit log's chain), which
// hands the caller the file's last complete lines under the lock and reads only the tail.

#include "adapters/platform/file/append_file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace callgate {
namespace {

class AppendFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/callgate-append-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    dir_ = dir;
    path_ = dir_ + "/sub/file.jsonl";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string contents() const {
    std::ifstream in(path_, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  void write(const std::string& text) const {
    std::ofstream out(path_, std::ios::binary | std::ios::app);
    out << text;
  }
  // The tail appendAfterTail sees, and what it appends after it.
  std::vector<std::string> tailThenAppend(const std::string& next, bool* fromStart = nullptr) {
    std::vector<std::string> seen;
    Status s = file_().appendAfterTail([&](const AppendFile::Tail& tail) -> Result<std::string> {
      for (auto line : tail.lines) seen.emplace_back(line);
      if (fromStart) *fromStart = tail.fromStart;
      return next;
    });
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message());
    return seen;
  }
  AppendFile file_() const { return AppendFile(path_, "test file"); }

  std::string dir_, path_;
};

TEST_F(AppendFileTest, AppendLineCreatesTheFileAndItsDirectory) {
  ASSERT_TRUE(file_().appendLine("one").ok());
  ASSERT_TRUE(file_().appendLine("two").ok());
  EXPECT_EQ(contents(), "one\ntwo\n");
}

TEST_F(AppendFileTest, AppendLineStartsAFreshLineAfterATornOne) {
  ASSERT_TRUE(file_().appendLine("one").ok());
  write("tor");
  ASSERT_TRUE(file_().appendLine("two").ok());
  EXPECT_EQ(contents(), "one\ntor\ntwo\n");
}

TEST_F(AppendFileTest, TailOfAnEmptyFileIsEmptyFromTheStart) {
  bool fromStart = false;
  EXPECT_TRUE(tailThenAppend("first", &fromStart).empty());
  EXPECT_TRUE(fromStart);
  EXPECT_EQ(contents(), "first\n");
}

TEST_F(AppendFileTest, TailHoldsTheLastCompleteLinesAndSkipsATornEnd) {
  ASSERT_TRUE(file_().appendLine("one").ok());
  ASSERT_TRUE(file_().appendLine("two").ok());
  EXPECT_EQ(tailThenAppend("three"), (std::vector<std::string>{"one", "two"}));
  write("tor");
  EXPECT_EQ(tailThenAppend("four"), (std::vector<std::string>{"one", "two", "three"}));
  EXPECT_EQ(contents(), "one\ntwo\nthree\ntor\nfour\n");
}

TEST_F(AppendFileTest, EmptyNextAppendsNothingAndAnErrorIsReturned) {
  ASSERT_TRUE(file_().appendLine("one").ok());
  tailThenAppend("");
  Status s = file_().appendAfterTail(
      [](const AppendFile::Tail&) -> Result<std::string> { return Error::internal("no"); });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message(), "no");
  EXPECT_EQ(contents(), "one\n");
}

TEST_F(AppendFileTest, TailWindowGrowsToHoldALongLastLine) {
  const std::string longLine(200 * 1024, 'x');
  ASSERT_TRUE(file_().appendLine("before").ok());
  ASSERT_TRUE(file_().appendLine(longLine).ok());
  auto seen = tailThenAppend("after");
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back(), longLine);
}

TEST_F(AppendFileTest, ReadsOnlyTheTailOfAHugeFile) {
  // 100 MB of (sparse) old lines, then a few records: one append reads 64 KiB, not the file.
  ASSERT_TRUE(file_().appendLine("start").ok());
  {
    const int fd = ::open(path_.c_str(), O_WRONLY);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::ftruncate(fd, 100 * 1000 * 1000), 0);
    ::close(fd);
  }
  write("\n");
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(file_().appendLine("{\"seq\":" + std::to_string(i) + "}").ok());
  }
  const auto started = std::chrono::steady_clock::now();
  constexpr int kAppends = 20;
  std::vector<std::string> seen;
  for (int i = 0; i < kAppends; ++i)
    seen = tailThenAppend("{\"seq\":" + std::to_string(100 + i) + "}");
  const auto perAppend = (std::chrono::steady_clock::now() - started) / kAppends;
  ASSERT_FALSE(seen.empty());
  EXPECT_EQ(seen.back(), "{\"seq\":118}");
  std::printf("one appendAfterTail on a 100 MB file: %lld us\n",
              static_cast<long long>(
                  std::chrono::duration_cast<std::chrono::microseconds>(perAppend).count()));
  // Reading the whole file would take far longer; generous for a loaded machine.
  EXPECT_LT(perAppend, std::chrono::milliseconds(50));
}

}  // namespace
}  // namespace callgate
