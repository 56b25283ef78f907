// The audit log's hash chain and checkpoints, written by JsonlAuditLog and checked by
// verifyChain: a clean file verifies, and each kind of tampering names the first bad line.

#include "adapters/platform/audit/audit_chain.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "adapters/platform/audit/jsonl_audit_log.h"
#include "fakes/fakes.h"

namespace callgate {
namespace {

using audit::PublicKeys;
using audit::verifyChain;
using testing::FakeClock;

token::Ed25519Key makeKey(unsigned char fill) {
  std::array<unsigned char, token::kEd25519SeedBytes> seed{};
  seed.fill(fill);
  auto key = token::keyFromSeed(seed, fromUnixMillis(1'700'000'000'000));
  EXPECT_TRUE(key.ok());
  return *key;
}

std::string readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void writeAll(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

std::vector<std::string> splitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream s(text);
  for (std::string line; std::getline(s, line);) lines.push_back(line);
  return lines;
}

std::string joinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

class AuditChainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    spdlog::set_level(spdlog::level::warn);  // one info line per record otherwise
    char dir[] = "/tmp/callgate-audit-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    dir_ = dir;
    path_ = dir_ + "/audit.jsonl";
    key_ = makeKey(7);
    keySet_ = std::make_shared<token::KeySet>(std::vector<token::Ed25519Key>{key_}, Seconds(60));
    publicKeys_[key_.kid] =
        std::string(reinterpret_cast<const char*>(key_.publicKey.data()), key_.publicKey.size());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  JsonlAuditLog makeLog(int checkpointEvery = 5) {
    return JsonlAuditLog(
        path_, clock_, [k = keySet_] { return k; }, checkpointEvery);
  }
  // `n` records (with a checkpoint after every 5th seq).
  void writeRecords(int n, int checkpointEvery = 5) {
    auto log = makeLog(checkpointEvery);
    for (int i = 0; i < n; ++i) {
      log.record("otp_sent", {{"phone", "+1415*****0" + std::to_string(i % 10)}});
      clock_.advance(Millis(1000));
    }
  }
  audit::VerifyReport verify() { return verifyChain(readAll(path_), publicKeys_); }

  FakeClock clock_;
  std::string dir_, path_;
  token::Ed25519Key key_;
  std::shared_ptr<const token::KeySet> keySet_;
  PublicKeys publicKeys_;
};

TEST_F(AuditChainTest, RecordsCarrySeqAndPrevChainedFromZeros) {
  writeRecords(3, /*checkpointEvery=*/0);
  auto lines = splitLines(readAll(path_));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_NE(lines[0].find("\"seq\":1,\"prev\":\"" + std::string(audit::kGenesisPrev) + "\""),
            std::string::npos)
      << lines[0];
  EXPECT_NE(lines[1].find("\"prev\":\"" + audit::sha256Hex(lines[0]) + "\""), std::string::npos);
  EXPECT_NE(lines[2].find("\"seq\":3"), std::string::npos);
  auto report = verify();
  EXPECT_TRUE(report.ok) << audit::formatReport(report);
  EXPECT_EQ(report.records, 3);
  EXPECT_EQ(report.uncovered, 3);
}

TEST_F(AuditChainTest, FieldNamedLikeTheChainKeepsTheChainIntact) {
  auto log = makeLog(0);
  log.record("odd", {{"seq", "99"}, {"prev", "x"}});
  auto lines = splitLines(readAll(path_));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("\"field_seq\":\"99\""), std::string::npos) << lines[0];
  EXPECT_TRUE(verify().ok);
}

TEST_F(AuditChainTest, CheckpointFollowsEveryNthRecordAndVerifies) {
  writeRecords(12);
  auto lines = splitLines(readAll(path_));
  // seq 5 -> checkpoint 6; seq 10 -> checkpoint 11; then seq 12..14.
  ASSERT_EQ(lines.size(), 14u);
  EXPECT_NE(lines[5].find("\"event\":\"audit_checkpoint\",\"seq\":6"), std::string::npos)
      << lines[5];
  EXPECT_NE(lines[5].find("\"chain\":\"" + audit::sha256Hex(lines[4]) + "\""), std::string::npos);
  EXPECT_NE(lines[5].find("\"kid\":\"" + key_.kid + "\""), std::string::npos);
  auto report = verify();
  ASSERT_TRUE(report.ok) << audit::formatReport(report);
  EXPECT_EQ(report.records, 14);
  EXPECT_EQ(report.checkpoints, 2);
  EXPECT_EQ(report.lastCheckpointSeq, 11);
  EXPECT_EQ(report.uncovered, 3);
  EXPECT_NE(audit::formatReport(report).find("ok: 14 records, 2 checkpoints, last checkpoint at "
                                             "seq 11"),
            std::string::npos);
  EXPECT_NE(audit::formatReport(report).find("not yet covered by a signature"), std::string::npos);
}

TEST_F(AuditChainTest, ShutdownCheckpointCoversTheTailOnce) {
  writeRecords(3);
  auto log = makeLog();
  ASSERT_TRUE(log.checkpoint().ok());
  ASSERT_TRUE(log.checkpoint().ok());  // already ends with one: nothing more
  auto lines = splitLines(readAll(path_));
  ASSERT_EQ(lines.size(), 4u);
  auto report = verify();
  ASSERT_TRUE(report.ok) << audit::formatReport(report);
  EXPECT_EQ(report.lastCheckpointSeq, 4);
  EXPECT_EQ(report.uncovered, 0);
}

TEST_F(AuditChainTest, CheckpointOnAnEmptyFileWritesNothing) {
  auto log = makeLog();
  ASSERT_TRUE(log.checkpoint().ok());
  EXPECT_EQ(readAll(path_), "");
}

TEST_F(AuditChainTest, WithoutKeysNoCheckpointButStillAChain) {
  JsonlAuditLog log(path_, clock_);
  for (int i = 0; i < 12; ++i) log.record("account_unlocked", {{"user_id", "1234"}});
  EXPECT_FALSE(log.checkpoint().ok());
  auto report = verify();
  ASSERT_TRUE(report.ok) << audit::formatReport(report);
  EXPECT_EQ(report.records, 12);
  EXPECT_EQ(report.checkpoints, 0);
}

TEST_F(AuditChainTest, RejectsOneEditedField) {
  writeRecords(12);
  auto lines = splitLines(readAll(path_));
  const size_t at = lines[2].find("+1415*****02");
  ASSERT_NE(at, std::string::npos);
  lines[2].replace(at, 12, "+1415*****99");
  writeAll(path_, joinLines(lines));
  auto report = verify();
  ASSERT_FALSE(report.ok);
  EXPECT_EQ(report.badLine, 3u) << audit::formatReport(report);
  EXPECT_EQ(report.badSeq, 3);
  EXPECT_NE(report.problem.find("edited"), std::string::npos) << report.problem;
}

TEST_F(AuditChainTest, RejectsAnEditedSeq) {
  writeRecords(4, 0);
  auto lines = splitLines(readAll(path_));
  lines[1].replace(lines[1].find("\"seq\":2"), 7, "\"seq\":7");
  writeAll(path_, joinLines(lines));
  auto report = verify();
  ASSERT_FALSE(report.ok);
  EXPECT_EQ(report.badLine, 2u) << audit::formatReport(report);
  EXPECT_NE(report.problem.find("edited"), std::string::npos) << report.problem;
}

TEST_F(AuditChainTest, RejectsADeletedLine) {
  writeRecords(12);
  auto lines = splitLines(readAll(path_));
  lines.erase(lines.begin() + 3);  // seq 4
  writeAll(path_, joinLines(lines));
  auto report = verify();
  ASSERT_FALSE(report.ok);
  EXPECT_EQ(report.badLine, 4u) << audit::formatReport(report);
  EXPECT_EQ(report.badSeq, 5);
  EXPECT_NE(report.problem.find("removed: 1 record (seq 4)"), std::string::npos) << report.problem;
}

TEST_F(AuditChainTest, RejectsTwoSwappedLines) {
  writeRecords(12);
  auto lines = splitLines(readAll(path_));
  std::swap(lines[6], lines[7]);  // seq 7 and 8
  writeAll(path_, joinLines(lines));
  auto report = verify();
  ASSERT_FALSE(report.ok);
  EXPECT_EQ(report.badLine, 7u) << audit::formatReport(report);
  EXPECT_EQ(report.badSeq, 8);
  EXPECT_NE(report.problem.find("reordered"), std::string::npos) << report.problem;
}

TEST_F(AuditChainTest, RejectsAnInsertedLine) {
  writeRecords(12);
  auto lines = splitLines(readAll(path_));
  lines.insert(lines.begin() + 2,
               R"({"at":"2027-01-15T08:00:00Z","event":"otp_verified","seq":3,"prev":"ab"})");
  writeAll(path_, joinLines(lines));
  auto report = verify();
  ASSERT_FALSE(report.ok);
  EXPECT_EQ(report.badLine, 3u) << audit::formatReport(report);
  EXPECT_NE(report.problem.find("inserted"), std::string::npos) << report.problem;
}

TEST_F(AuditChainTest, RejectsAnInsertedLineWithACorrectPrev) {
  writeRecords(12);
  auto lines = splitLines(readAll(path_));
  // A forger who computes prev and seq right still breaks the record after it.
  const std::string forged = R"({"at":"2027-01-15T08:00:00Z","event":"otp_verified","seq":3,)"
                             R"("prev":")" +
                             audit::sha256Hex(lines[1]) + "\"}";
  lines.insert(lines.begin() + 2, forged);
  writeAll(path_, joinLines(lines));
  auto report = verify();
  ASSERT_FALSE(report.ok);
  EXPECT_EQ(report.badLine, 3u) << audit::formatReport(report);
  EXPECT_NE(report.problem.find("inserted"), std::string::npos) << report.problem;
}

TEST_F(AuditChainTest, RejectsALegacyLookingLineInsideTheChain) {
  writeRecords(4, 0);
  auto lines = splitLines(readAll(path_));
  lines.insert(lines.begin() + 2, R"({"at":"2027-01-15T08:00:00Z","event":"otp_verified"})");
  writeAll(path_, joinLines(lines));
  auto report = verify();
  ASSERT_FALSE(report.ok);
  EXPECT_EQ(report.badLine, 3u);
  EXPECT_NE(report.problem.find("inserted"), std::string::npos) << report.problem;
}

TEST_F(AuditChainTest, TruncationAfterACheckpointVerifiesUpToIt) {
  writeRecords(12);
  auto lines = splitLines(readAll(path_));
  lines.resize(11);  // up to checkpoint seq 11
  writeAll(path_, joinLines(lines));
  auto report = verify();
  ASSERT_TRUE(report.ok) << audit::formatReport(report);
  EXPECT_EQ(report.records, 11);
  EXPECT_EQ(report.lastCheckpointSeq, 11);
  EXPECT_EQ(report.uncovered, 0);
}

TEST_F(AuditChainTest, RejectsAnEditedLineCoveredOnlyByACheckpoint) {
  writeRecords(9);  // ... seq 10, checkpoint 11: the last record is a checkpoint
  auto lines = splitLines(readAll(path_));
  ASSERT_EQ(lines.size(), 11u);
  lines[9].replace(lines[9].find("+1415*****08"), 12, "+1415*****00");
  writeAll(path_, joinLines(lines));
  auto report = verify();
  ASSERT_FALSE(report.ok);
  EXPECT_EQ(report.badLine, 10u) << audit::formatReport(report);
}

TEST_F(AuditChainTest, RejectsABadSignature) {
  writeRecords(7);
  auto lines = splitLines(readAll(path_));
  // A forger rewrites a record and recomputes the chain; only the signature is left wrong.
  lines[1].replace(lines[1].find("+1415*****01"), 12, "+1415*****77");
  for (size_t i = 2; i < lines.size(); ++i) {
    const size_t p = lines[i].find("\"prev\":\"") + 8;
    const std::string hash = audit::sha256Hex(lines[i - 1]);
    lines[i].replace(p, 64, hash);
    const size_t c = lines[i].find("\"chain\":\"");
    if (c != std::string::npos) lines[i].replace(c + 9, 64, hash);
  }
  writeAll(path_, joinLines(lines));
  auto report = verify();
  ASSERT_FALSE(report.ok);
  EXPECT_EQ(report.badLine, 6u) << audit::formatReport(report);
  EXPECT_EQ(report.badSeq, 6);
  EXPECT_NE(report.problem.find("bad signature"), std::string::npos) << report.problem;
}

TEST_F(AuditChainTest, RejectsAnUnknownKid) {
  writeRecords(6);
  PublicKeys other;
  const token::Ed25519Key stranger = makeKey(9);
  other[stranger.kid] = std::string(reinterpret_cast<const char*>(stranger.publicKey.data()), 32);
  auto report = verifyChain(readAll(path_), other);
  ASSERT_FALSE(report.ok);
  EXPECT_EQ(report.badLine, 6u);
  EXPECT_NE(report.problem.find("unknown kid " + key_.kid), std::string::npos) << report.problem;
}

TEST_F(AuditChainTest, RejectsASignatureByAnotherKnownKey) {
  writeRecords(6);
  // The kid is known but names another key: as if the signature were forged.
  const token::Ed25519Key stranger = makeKey(9);
  PublicKeys swapped;
  swapped[key_.kid] = std::string(reinterpret_cast<const char*>(stranger.publicKey.data()), 32);
  auto report = verifyChain(readAll(path_), swapped);
  ASSERT_FALSE(report.ok);
  EXPECT_NE(report.problem.find("bad signature"), std::string::npos) << report.problem;
}

TEST_F(AuditChainTest, TornLastLineAfterACrashIsReportedNotFailed) {
  writeRecords(3);
  std::string text = readAll(path_);
  text += R"({"at":"2027-01-15T08:00:00Z","event":"otp_se)";  // no newline
  writeAll(path_, text);
  auto report = verify();
  ASSERT_TRUE(report.ok) << audit::formatReport(report);
  ASSERT_EQ(report.notes.size(), 1u);
  EXPECT_NE(report.notes[0].find("line 4: torn last line"), std::string::npos) << report.notes[0];

  // The next record chains to the last complete one, over the fragment.
  writeRecords(1);
  auto lines = splitLines(readAll(path_));
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_NE(lines[4].find("\"seq\":4,\"prev\":\"" + audit::sha256Hex(lines[2]) + "\""),
            std::string::npos)
      << lines[4];
  report = verify();
  ASSERT_TRUE(report.ok) << audit::formatReport(report);
  ASSERT_EQ(report.notes.size(), 1u);
  EXPECT_NE(report.notes[0].find("line 4: torn fragment"), std::string::npos) << report.notes[0];
  EXPECT_EQ(report.records, 4);
}

TEST_F(AuditChainTest, LegacyPrefixIsNotCalledTampered) {
  writeAll(path_,
           "{\"at\":\"2026-01-01T00:00:00Z\",\"event\":\"otp_sent\",\"phone\":\"+1415*****00\"}\n"
           "{\"at\":\"2026-01-01T00:00:01Z\",\"event\":\"otp_verified\"}\n");
  writeRecords(3);
  auto lines = splitLines(readAll(path_));
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_NE(lines[2].find("\"seq\":1,\"prev\":\"" + std::string(audit::kGenesisPrev)),
            std::string::npos);
  auto report = verify();
  ASSERT_TRUE(report.ok) << audit::formatReport(report);
  EXPECT_EQ(report.legacyLines, 2u);
  EXPECT_EQ(report.chainStartLine, 3u);
  EXPECT_NE(audit::formatReport(report).find("the chained part starts at line 3"),
            std::string::npos);
}

TEST_F(AuditChainTest, RejectsAChainWhoseHeadWasCut) {
  writeRecords(8);
  auto lines = splitLines(readAll(path_));
  lines.erase(lines.begin(), lines.begin() + 2);
  writeAll(path_, joinLines(lines));
  auto report = verify();
  ASSERT_FALSE(report.ok);
  EXPECT_EQ(report.badLine, 1u);
  EXPECT_NE(report.problem.find("removed"), std::string::npos) << report.problem;
}

TEST_F(AuditChainTest, TwoProcessesAppendingConcurrentlyFormOneChain) {
  constexpr int kPerWriter = 150;
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto log = makeLog(10);
    for (int i = 0; i < kPerWriter; ++i) log.record("child", {{"i", std::to_string(i)}});
    ::_exit(0);
  }
  {
    auto log = makeLog(10);
    std::thread other([&] {
      for (int i = 0; i < kPerWriter; ++i) log.record("thread", {{"i", std::to_string(i)}});
    });
    for (int i = 0; i < kPerWriter; ++i) log.record("parent", {{"i", std::to_string(i)}});
    other.join();
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  auto report = verify();
  ASSERT_TRUE(report.ok) << audit::formatReport(report);
  EXPECT_EQ(report.records - report.checkpoints, 3 * kPerWriter);
  EXPECT_GE(report.checkpoints, 40);
}

TEST(AuditJwksTest, ReadsEd25519KeysFromAJwks) {
  const token::Ed25519Key key = makeKey(3);
  token::KeySet set({key}, Seconds(60));
  PublicKeys keys;
  ASSERT_TRUE(audit::addJwksKeys(set.jwks(key.createdAt), keys).ok());
  ASSERT_EQ(keys.count(key.kid), 1u);
  EXPECT_EQ(keys[key.kid], std::string(reinterpret_cast<const char*>(key.publicKey.data()), 32));
  EXPECT_FALSE(audit::addJwksKeys("[1,2]", keys).ok());
}

}  // namespace
}  // namespace callgate
