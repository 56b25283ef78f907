#include "adapters/sms/outbox/outbox_sms_sender.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "fakes/fakes.h"
#include "fakes/temp_dir.h"

namespace callgate {
namespace {

using testing::TempDir;

std::vector<std::string> readLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(OutboxSmsSenderTest, AppendsOneJsonObjectPerLine) {
  TempDir dir;
  testing::FakeClock clock(fromUnixMillis(1'763'732'911'123));
  const std::string path = dir.file("spool/sms/outbox.jsonl");  // directories created on demand
  OutboxSmsSender sender(path, clock);
  ASSERT_TRUE(sender.send({"+15550100001", "Your code is 123456"}).ok());
  clock.advance(Millis(1500));
  ASSERT_TRUE(sender.send({"+442071838750", "second"}).ok());

  const auto lines = readLines(path);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].rfind("{\"to\":", 0), 0u) << lines[0];  // documented key order
  const auto first = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(first.size(), 3u);
  EXPECT_EQ(first.at("to"), "+15550100001");
  EXPECT_EQ(first.at("body"), "Your code is 123456");
  EXPECT_EQ(first.at("at"), "2025-11-21T13:48:31.123Z");
  const auto second = nlohmann::json::parse(lines[1]);
  EXPECT_EQ(second.at("to"), "+442071838750");
  EXPECT_EQ(second.at("at"), "2025-11-21T13:48:32.623Z");
}

TEST(OutboxSmsSenderTest, EscapesBodiesSoEachMessageStaysOnOneLine) {
  TempDir dir;
  testing::FakeClock clock;
  const std::string path = dir.file("outbox.jsonl");
  OutboxSmsSender sender(path, clock);
  const std::string tricky = "line one\nline \"two\"\t\\ ünïcödé 🔐\r\n}{";
  ASSERT_TRUE(sender.send({"+15550100001", tricky}).ok());
  ASSERT_TRUE(sender.send({"+15550100001", std::string("bad utf8 \xc3\x28 end")}).ok());
  const auto lines = readLines(path);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(nlohmann::json::parse(lines[0]).at("body"), tricky);
  EXPECT_FALSE(nlohmann::json::parse(lines[1], nullptr, /*allow_exceptions=*/false).is_discarded());
}

TEST(OutboxSmsSenderTest, StartsOnAFreshLineAfterATornOne) {
  TempDir dir;
  testing::FakeClock clock;
  const std::string path = dir.file("outbox.jsonl");
  {
    std::ofstream torn(path);
    torn << "{\"to\":\"+15550100001\",\"bo";  // what a power loss can leave
  }
  OutboxSmsSender sender(path, clock);
  ASSERT_TRUE(sender.send({"+15550100002", "after"}).ok());
  ASSERT_TRUE(sender.send({"+15550100003", "next"}).ok());
  const auto lines = readLines(path);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "{\"to\":\"+15550100001\",\"bo");
  EXPECT_EQ(nlohmann::json::parse(lines[1]).at("to"), "+15550100002");
  EXPECT_EQ(nlohmann::json::parse(lines[2]).at("to"), "+15550100003");
}

TEST(OutboxSmsSenderTest, CreatesTheFileReadableByItsOwnerOnly) {
  TempDir dir;
  testing::FakeClock clock;
  const std::string path = dir.file("outbox.jsonl");
  OutboxSmsSender sender(path, clock);
  ASSERT_TRUE(sender.send({"+15550100001", "x"}).ok());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0077, 0u);
}

TEST(OutboxSmsSenderTest, StartsANewFileWhenTheOldOneIsRemoved) {
  TempDir dir;
  testing::FakeClock clock;
  const std::string path = dir.file("outbox.jsonl");
  OutboxSmsSender sender(path, clock);
  ASSERT_TRUE(sender.send({"+15550100001", "one"}).ok());
  std::filesystem::remove(path);
  ASSERT_TRUE(sender.send({"+15550100001", "two"}).ok());
  const auto lines = readLines(path);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(lines[0]).at("body"), "two");
}

TEST(OutboxSmsSenderTest, ReportsAnUnwritablePathAsUnavailableNamingIt) {
  TempDir dir;
  testing::FakeClock clock;
  std::ofstream(dir.file("plain-file")) << "x";
  const std::string path = dir.file("plain-file/outbox.jsonl");
  OutboxSmsSender sender(path, clock);
  Status s = sender.send({"+15550100001", "x"});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(s.error().message().find(path), std::string::npos) << s.error().message();
}

TEST(OutboxSmsSenderTest, ConcurrentWritersFromThreadsAndProcessesNeverInterleaveLines) {
  TempDir dir;
  testing::FakeClock clock;
  const std::string path = dir.file("outbox.jsonl");
  constexpr int kPerWriter = 200;
  // Long bodies make a torn or interleaved write likely if lines were written in pieces.
  auto body = [](char tag, int i) {
    return std::string(1, tag) + std::to_string(i) + std::string(3000, tag);
  };

  // A second process first, forked while this one still has a single thread.
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    OutboxSmsSender childSender(path, clock);
    int failures = 0;
    for (int i = 0; i < kPerWriter; ++i) {
      failures += childSender.send({"+15550100009", body('p', i)}).ok() ? 0 : 1;
    }
    ::_exit(failures == 0 ? 0 : 1);
  }
  OutboxSmsSender shared(path, clock);
  std::vector<std::thread> threads;
  for (char tag : {'a', 'b', 'c', 'd'}) {
    threads.emplace_back([&, tag] {
      for (int i = 0; i < kPerWriter; ++i) {
        EXPECT_TRUE(shared.send({"+15550100001", body(tag, i)}).ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

  const auto lines = readLines(path);
  ASSERT_EQ(lines.size(), 5u * kPerWriter);
  std::map<char, int> perTag;
  for (const auto& line : lines) {
    const auto parsed = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    ASSERT_FALSE(parsed.is_discarded()) << line.substr(0, 80);
    const std::string b = parsed.at("body");
    ASSERT_GE(b.size(), 2u);
    EXPECT_EQ(b, body(b[0], std::stoi(b.substr(1))));  // whole, and not mixed with another
    ++perTag[b[0]];
  }
  for (char tag : {'a', 'b', 'c', 'd', 'p'}) EXPECT_EQ(perTag[tag], kPerWriter) << tag;
}

}  // namespace
}  // namespace callgate
