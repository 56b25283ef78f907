// The JWT key ring: the key file's creation and permissions, rotation, pruning and the running
// server noticing a rotation made by another process. Fake clock; real files in a temp dir.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "adapters/security/token/key_file.h"
#include "unit/adapters/security/token/token_test_support.h"

namespace callgate {
namespace {

using testing::kScope;

mode_t modeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0);
  return st.st_mode & 07777;
}

std::string readText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> jwksKids(TokenService& tokens) {
  std::vector<std::string> kids;
  const auto doc = nlohmann::json::parse(tokens.jwks());
  for (const auto& k : doc["keys"]) kids.push_back(k["kid"]);
  return kids;
}

class KeyRingTest : public testing::TokenFixture {
 protected:
  std::string path() const { return dir_.file("keys/jwt-keys.json"); }
};

TEST_F(KeyRingTest, CreatesAPrivateKeyFileWithItsDirectory) {
  EXPECT_EQ(modeOf(path()), 0600u);
  const auto doc = nlohmann::json::parse(readText(path()));
  EXPECT_EQ(doc["format"], "callgate-jwt-keys/1");
  ASSERT_EQ(doc["keys"].size(), 1u);
  EXPECT_EQ(doc["keys"][0]["kid"], ring_->current()->signingKey().kid);
  EXPECT_EQ(doc["keys"][0]["seed"].get<std::string>().size(), 43u);
  EXPECT_EQ(doc["keys"][0]["created_at"], 1'800'000'000);
  // Reopening reads the same key back.
  auto again = openRing(path());
  EXPECT_EQ(again->current()->signingKey().kid, ring_->current()->signingKey().kid);
}

TEST_F(KeyRingTest, CreatesTheFile0600EvenWithAPermissiveUmask) {
  const mode_t old = ::umask(0);
  auto ring = openRing(dir_.file("other/keys.json"));
  ::umask(old);
  ASSERT_TRUE(ring);
  EXPECT_EQ(modeOf(dir_.file("other/keys.json")), 0600u);
}

TEST_F(KeyRingTest, RefusesAGroupOrWorldReadableFile) {
  ASSERT_EQ(::chmod(path().c_str(), 0644), 0);
  token::KeyRingOptions options;
  options.path = path();
  auto ring = token::KeyRing::open(options, clock_, random_);
  ASSERT_FALSE(ring.ok());
  EXPECT_EQ(ring.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(ring.error().message().find("chmod 600"), std::string::npos);
  ASSERT_EQ(::chmod(path().c_str(), 0640), 0);
  EXPECT_FALSE(token::KeyRing::open(options, clock_, random_).ok());
  // A rotation must not overwrite (or "fix") a file it refused to read.
  EXPECT_FALSE(ring_->rotate().ok());
  EXPECT_EQ(modeOf(path()), 0640u);
}

TEST_F(KeyRingTest, RefusesMalformedFilesWithoutTouchingThem) {
  const std::string p = dir_.file("bad.json");
  const std::vector<std::string> bad = {
      "not json",
      "[]",
      R"({"format":"callgate-jwt-keys/1","keys":[]})",
      R"({"format":"other","keys":[]})",
      R"({"format":"callgate-jwt-keys/1","keys":[{"kid":"x","created_at":1,"seed":"short"}]})",
      R"({"format":"callgate-jwt-keys/1","keys":[{"kid":"x","created_at":1,"seed":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}]})",
      R"({"format":"callgate-jwt-keys/1","keys":[],"extra":1})"};
  for (const std::string& text : bad) {
    SCOPED_TRACE(text);
    { std::ofstream(p) << text; }
    ASSERT_EQ(::chmod(p.c_str(), 0600), 0);
    auto keys = token::readKeyFile(p);
    ASSERT_FALSE(keys.ok());
    EXPECT_EQ(keys.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(readText(p), text);
  }
}

TEST_F(KeyRingTest, RotationKeepsTheOldKeyVerifyingUntilItsTokensExpired) {
  const std::string oldKid = ring_->current()->signingKey().kid;
  const std::string oldToken = mint();

  clock_.advance(Seconds(10));
  auto rotated = ring_->rotate();
  ASSERT_TRUE(rotated.ok()) << rotated.error().toString();
  EXPECT_NE(rotated->addedKid, oldKid);
  EXPECT_TRUE(rotated->prunedKids.empty());
  EXPECT_EQ(modeOf(path()), 0600u);

  // New tokens use the new key; the old token still verifies; both keys are published.
  const std::string newToken = mint();
  EXPECT_NE(newToken.substr(0, newToken.find('.')), oldToken.substr(0, oldToken.find('.')));
  EXPECT_TRUE(tokens().verify(oldToken, {kScope, std::nullopt}).ok());
  EXPECT_TRUE(tokens().verify(newToken, {kScope, std::nullopt}).ok());
  EXPECT_EQ(jwksKids(tokens()), (std::vector<std::string>{rotated->addedKid, oldKid}));

  // The old key stays published for the longest lifetime + leeway + reload interval.
  clock_.advance(token::kKeyRetention);
  EXPECT_EQ(jwksKids(tokens()).size(), 2u);
  clock_.advance(Seconds(1));
  // Past its retention the retired key verifies nothing, even a token forged with it now...
  EXPECT_EQ(jwksKids(tokens()), (std::vector<std::string>{rotated->addedKid}));
  EXPECT_FALSE(ring_->current()->verificationKey(oldKid, clock_.now()));
  // ...and the next rotation prunes it from the file.
  auto again = ring_->rotate();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->prunedKids, std::vector<std::string>{oldKid});
  const auto doc = nlohmann::json::parse(readText(path()));
  ASSERT_EQ(doc["keys"].size(), 2u);
  EXPECT_EQ(doc["keys"][0]["kid"], rotated->addedKid);
  EXPECT_EQ(doc["keys"][1]["kid"], again->addedKid);
}

TEST_F(KeyRingTest, RotationWithinTheRetentionKeepsEveryRetiringKey) {
  std::vector<std::string> kids{ring_->current()->signingKey().kid};
  for (int i = 0; i < 3; ++i) {
    clock_.advance(Seconds(60));
    auto r = ring_->rotate();
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->prunedKids.empty());
    kids.push_back(r->addedKid);
  }
  EXPECT_EQ(ring_->current()->keys().size(), 4u);
  EXPECT_EQ(ring_->current()->signingKey().kid, kids.back());
}

TEST_F(KeyRingTest, TheServerNoticesARotationByAnotherProcess) {
  // "Another process": a second ring on the same file, as `callgate keys rotate` would be.
  auto cli = openRing(path());
  const std::string before = ring_->current()->signingKey().kid;
  auto rotated = cli->rotate();
  ASSERT_TRUE(rotated.ok());

  // Within the reload interval the server keeps its snapshot (no stat on the hot path)...
  EXPECT_EQ(ring_->current()->signingKey().kid, before);
  // ...and picks the new key up once the interval has passed.
  clock_.advance(Seconds(1));
  EXPECT_EQ(ring_->current()->signingKey().kid, rotated->addedKid);
  // A token signed by the CLI's ring's new key verifies in the server.
  auto cliTokens = service(*cli);
  auto t = cliTokens->issue("12345678", kScope, {});
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(tokens().verify(t->jwt, {kScope, std::nullopt}).ok());
}

TEST_F(KeyRingTest, AFileThatBreaksLaterKeepsTheLoadedKeys) {
  const std::string kid = ring_->current()->signingKey().kid;
  { std::ofstream(path(), std::ios::trunc) << "{ broken"; }
  clock_.advance(Seconds(1));
  EXPECT_EQ(ring_->current()->signingKey().kid, kid);
  ASSERT_EQ(::unlink(path().c_str()), 0);
  clock_.advance(Seconds(1));
  EXPECT_EQ(ring_->current()->signingKey().kid, kid);
}

TEST_F(KeyRingTest, ListingDoesNotCreateAMissingFile) {
  token::KeyRingOptions options;
  options.path = dir_.file("absent/keys.json");
  options.createIfMissing = false;
  auto ring = token::KeyRing::open(options, clock_, random_);
  ASSERT_FALSE(ring.ok());
  EXPECT_EQ(ring.error().code(), ErrorCode::kNotFound);
  struct stat st {};
  EXPECT_NE(::stat(options.path.c_str(), &st), 0);
}

TEST_F(KeyRingTest, ConcurrentRotationsLoseNoKey) {
  std::vector<std::unique_ptr<token::KeyRing>> rings;
  for (int i = 0; i < 4; ++i) rings.push_back(openRing(path()));
  std::vector<std::thread> threads;
  for (auto& r : rings) {
    threads.emplace_back([&r] { EXPECT_TRUE(r->rotate().ok()); });
  }
  for (auto& t : threads) t.join();
  auto keys = token::readKeyFile(path());
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(keys->size(), 5u);
}

TEST(KeyThumbprintTest, MatchesTheRfc8037Example) {
  // RFC 8037 Appendix A.3: the thumbprint of the example Ed25519 public key.
  EXPECT_EQ(token::jwkThumbprint("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"),
            "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
}

}  // namespace
}  // namespace callgate
