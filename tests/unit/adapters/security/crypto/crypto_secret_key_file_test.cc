#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "adapters/security/crypto/secret_key_file.h"
#include "fakes/temp_dir.h"

namespace callgate {
namespace {

using testing::TempDir;

mode_t modeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0);
  return st.st_mode & 07777;
}

void writeFile(const std::string& path, const std::string& content, mode_t mode) {
  std::ofstream(path) << content;
  ASSERT_EQ(::chmod(path.c_str(), mode), 0);
}

TEST(SecretKeyFileTest, CreatesAPrivateRandomKeyAndReadsItBack) {
  TempDir dir;
  const std::string path = dir.file("secrets/server.key");
  const mode_t old = ::umask(0);  // even with a permissive umask the file must be 0600
  auto created = loadOrCreateSecretKey(path);
  ::umask(old);
  ASSERT_TRUE(created.ok()) << created.error().toString();
  EXPECT_EQ(created->size(), kSecretKeyBytes);
  EXPECT_EQ(modeOf(path), 0600u);

  std::ifstream in(path);
  std::string hex;
  in >> hex;
  EXPECT_EQ(hex.size(), 2 * kSecretKeyBytes);
  EXPECT_EQ(hex.find_first_not_of("0123456789abcdef"), std::string::npos);

  auto loaded = loadOrCreateSecretKey(path);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(*loaded, *created);
  // No temporary file is left next to the key.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.file("secrets")),
                          std::filesystem::directory_iterator()),
            1);
}

TEST(SecretKeyFileTest, TwoFreshKeysDiffer) {
  TempDir dir;
  auto a = loadOrCreateSecretKey(dir.file("a.key"));
  auto b = loadOrCreateSecretKey(dir.file("b.key"));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
}

TEST(SecretKeyFileTest, ReadsAHexKeyWrittenByAnOperator) {
  TempDir dir;
  const std::string path = dir.file("server.key");
  writeFile(path, std::string(62, '0') + "ff\n", 0400);
  auto key = loadOrCreateSecretKey(path);
  ASSERT_TRUE(key.ok()) << key.error().toString();
  EXPECT_EQ(*key, std::string(31, '\0') + "\xff");
}

TEST(SecretKeyFileTest, RefusesAKeyFileReadableByOthers) {
  TempDir dir;
  const std::string path = dir.file("server.key");
  writeFile(path, std::string(64, 'a'), 0644);
  auto key = loadOrCreateSecretKey(path);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(key.error().message().find("0644"), std::string::npos) << key.error().message();
  EXPECT_NE(key.error().message().find("chmod 600"), std::string::npos);
  EXPECT_EQ(modeOf(path), 0644u);  // refused, not silently "fixed"

  writeFile(path, std::string(64, 'a'), 0640);
  EXPECT_FALSE(loadOrCreateSecretKey(path).ok());
}

TEST(SecretKeyFileTest, RefusesMalformedKeyFiles) {
  TempDir dir;
  const std::string path = dir.file("server.key");
  for (const std::string& content :
       {std::string(), std::string(63, 'a'), std::string(66, 'a'), std::string(64, 'g'),
        std::string(32, 'a') + " " + std::string(31, 'a')}) {
    writeFile(path, content, 0600);
    auto key = loadOrCreateSecretKey(path);
    ASSERT_FALSE(key.ok()) << content;
    EXPECT_EQ(key.error().code(), ErrorCode::kInvalidArgument);
    // The message never echoes the file's content.
    if (!content.empty()) {
      EXPECT_EQ(key.error().message().find(content), std::string::npos);
    }
  }
}

TEST(SecretKeyFileTest, RacingCreatorsAllGetTheSameKey) {
  TempDir dir;
  const std::string path = dir.file("server.key");
  std::vector<std::string> keys(6);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < keys.size(); ++i) {
    threads.emplace_back([&, i] {
      auto key = loadOrCreateSecretKey(path);
      EXPECT_TRUE(key.ok());
      if (key.ok()) keys[i] = *key;
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& key : keys) EXPECT_EQ(key, keys[0]);
  EXPECT_EQ(keys[0].size(), kSecretKeyBytes);
}

TEST(SecretKeyFileTest, RefusesAKeyFileOwnedByAnotherUser) {
  // make test runs as root (README); without root this check fails rather than pass unseen.
  ASSERT_EQ(::geteuid(), 0u) << "needs root to give a file to another user";
  TempDir dir;
  const std::string path = dir.file("server.key");
  writeFile(path, std::string(64, 'a'), 0600);
  ASSERT_EQ(::chown(path.c_str(), 65534, 65534), 0);
  auto key = loadOrCreateSecretKey(path);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(key.error().message().find(path), std::string::npos) << key.error().message();
  EXPECT_NE(key.error().message().find("owned by uid 65534"), std::string::npos)
      << key.error().message();
}

TEST(SecretKeyFileTest, CreatesMissingDirectoriesPrivateWhateverTheUmask) {
  TempDir dir;
  const mode_t old = ::umask(0);
  auto key = loadOrCreateSecretKey(dir.file("state/keys/server.key"));
  ::umask(old);
  ASSERT_TRUE(key.ok()) << key.error().toString();
  EXPECT_EQ(modeOf(dir.file("state")), 0700u);
  EXPECT_EQ(modeOf(dir.file("state/keys")), 0700u);
  EXPECT_EQ(modeOf(dir.file("state/keys/server.key")), 0600u);
}

TEST(SecretKeyFileTest, ReportsAnUnusablePath) {
  TempDir dir;
  writeFile(dir.file("plain-file"), "x", 0600);
  auto key = loadOrCreateSecretKey(dir.file("plain-file/server.key"));
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().code(), ErrorCode::kUnavailable);
  EXPECT_FALSE(loadOrCreateSecretKey(dir.path()).ok());  // a directory is not a key file
}

}  // namespace
}  // namespace callgate
