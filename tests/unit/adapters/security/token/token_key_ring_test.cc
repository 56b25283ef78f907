// The JWT key ring over a SigningKeyStore: sealing, the first key, the one-time import of a
// legacy key file, rotation and pruning, other nodes noticing a rotation, and what happens when
// the database is away or the ring does not open. Fake clock; in-memory store.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "adapters/security/token/base64url.h"
#include "adapters/security/token/key_file.h"
#include "unit/adapters/security/token/token_test_support.h"

namespace callgate {
namespace {

using testing::kOtpSecret;
using testing::kScope;

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

std::vector<std::string> storedKids(testing::InMemorySigningKeyStore& store) {
  std::vector<std::string> kids;
  for (const SealedSigningKey& k : store.ring().keys) kids.push_back(k.kid);
  return kids;
}

class KeyRingTest : public testing::TokenFixture {
 protected:
  std::string legacyPath() const { return dir_.file("keys/jwt-keys.json"); }

  // A legacy key file with two keys, as an earlier release wrote it; returns their kids.
  std::vector<std::string> writeLegacyFile() {
    std::vector<token::Ed25519Key> keys;
    for (unsigned char fill : {1, 2}) {
      std::array<unsigned char, token::kEd25519SeedBytes> seed{};
      seed.fill(fill);
      auto key = token::keyFromSeed(seed, clock_.now() - Seconds(100) + Seconds(fill * 10));
      EXPECT_TRUE(key.ok());
      keys.push_back(std::move(*key));
    }
    EXPECT_TRUE(token::writeKeyFile(legacyPath(), keys).ok());
    return {keys[0].kid, keys[1].kid};
  }
};

TEST_F(KeyRingTest, CreatesAFirstKeyAndStoresItOnlySealed) {
  EXPECT_EQ(ring_->origin(), token::KeyRingOrigin::kCreated);
  const token::Ed25519Key& key = ring_->current()->signingKey();
  const SigningKeyRing& stored = store_.ring();
  EXPECT_EQ(stored.version, 1);
  ASSERT_EQ(stored.keys.size(), 1u);
  EXPECT_EQ(stored.keys[0].kid, key.kid);
  EXPECT_EQ(stored.keys[0].createdAt, fromUnixMillis(1'800'000'000'000));
  // The raw seed is nowhere in what the database holds.
  const std::string seed = token::base64UrlEncode(
      std::string_view(reinterpret_cast<const char*>(key.seed().data()), key.seed().size()));
  EXPECT_TRUE(stored.keys[0].sealedSeed.starts_with("v1."));
  EXPECT_EQ(stored.keys[0].sealedSeed.find(seed), std::string::npos);
  // Another node opening the same store reads the same key back.
  auto again = openRing(store_);
  EXPECT_EQ(again->origin(), token::KeyRingOrigin::kLoaded);
  EXPECT_EQ(again->current()->signingKey().kid, key.kid);
  EXPECT_EQ(store_.ring().version, 1);
}

TEST_F(KeyRingTest, ARingSealedWithAnotherOtpSecretIsAClearError) {
  token::KeyRingOptions options;
  options.path = legacyPath();
  auto other = token::KeyRing::open(options, store_, std::string(32, 'o'), clock_, random_);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(other.error().message().find("OTP secret"), std::string::npos);
  EXPECT_NE(other.error().message().find("callgate keys reset"), std::string::npos);
  EXPECT_EQ(store_.ring().version, 1);  // nothing was overwritten
}

TEST_F(KeyRingTest, ASealedSeedMovedToAnotherKidDoesNotOpen) {
  clock_.advance(Seconds(10));
  ASSERT_TRUE(ring_->rotate().ok());
  auto& keys = store_.ring().keys;
  ASSERT_EQ(keys.size(), 2u);
  std::swap(keys[0].sealedSeed, keys[1].sealedSeed);
  auto reopened = token::KeyRing::open({}, store_, kOtpSecret, clock_, random_);
  ASSERT_FALSE(reopened.ok());
  EXPECT_EQ(reopened.error().code(), ErrorCode::kFailedPrecondition);
}

TEST_F(KeyRingTest, RefusesAnOtpSecretOfTheWrongSize) {
  testing::InMemorySigningKeyStore empty;
  auto ring = token::KeyRing::open({}, empty, "short", clock_, random_);
  ASSERT_FALSE(ring.ok());
  EXPECT_EQ(ring.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(empty.ring().version, 0);
}

TEST_F(KeyRingTest, ImportsTheLegacyKeyFileOnceAndLeavesItUntouched) {
  const std::vector<std::string> kids = writeLegacyFile();
  const std::string before = readText(legacyPath());
  testing::InMemorySigningKeyStore store;
  auto ring = openRing(store, legacyPath());
  ASSERT_TRUE(ring);
  EXPECT_EQ(ring->origin(), token::KeyRingOrigin::kImported);
  EXPECT_EQ(storedKids(store), kids);
  EXPECT_EQ(ring->current()->signingKey().kid, kids[1]);
  EXPECT_EQ(readText(legacyPath()), before);

  // Tokens go on being signed by the file's newest key, and verify on every node.
  auto tokens = service(*ring);
  auto t = tokens->issue("12345678", kScope, {});
  ASSERT_TRUE(t.ok());
  std::string headerJson;
  ASSERT_TRUE(token::base64UrlDecode(t->jwt.substr(0, t->jwt.find('.')), headerJson));
  const auto header = nlohmann::json::parse(headerJson);
  EXPECT_EQ(header["kid"], kids[1]);
  auto other = openRing(store);
  EXPECT_TRUE(service(*other)->verify(t->jwt, {kScope, std::nullopt}).ok());

  // Once the store holds the ring the file is not read again, even after a rotation.
  ASSERT_TRUE(ring->rotate().ok());
  auto later = openRing(store, legacyPath());
  EXPECT_EQ(later->origin(), token::KeyRingOrigin::kLoaded);
  EXPECT_EQ(store.ring().keys.size(), 3u);
  EXPECT_EQ(store.ring().version, 2);
}

TEST_F(KeyRingTest, RefusesALegacyFileItCannotImportAndStoresNothing) {
  writeLegacyFile();
  ASSERT_EQ(::chmod(legacyPath().c_str(), 0644), 0);
  testing::InMemorySigningKeyStore store;
  token::KeyRingOptions options;
  options.path = legacyPath();
  auto ring = token::KeyRing::open(options, store, kOtpSecret, clock_, random_);
  ASSERT_FALSE(ring.ok());
  EXPECT_EQ(ring.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(ring.error().message().find("chmod 600"), std::string::npos);
  EXPECT_EQ(store.ring().version, 0);
}

TEST_F(KeyRingTest, RefusesMalformedLegacyFilesWithoutTouchingThem) {
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
  EXPECT_EQ(store_.ring().version, 2);

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
  // ...and the next rotation prunes it from the store.
  auto again = ring_->rotate();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->prunedKids, std::vector<std::string>{oldKid});
  EXPECT_EQ(storedKids(store_), (std::vector<std::string>{rotated->addedKid, again->addedKid}));
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
  EXPECT_EQ(storedKids(store_), kids);
}

TEST_F(KeyRingTest, TwoRotationsInOneSecondStillOrderTheRing) {
  // Without a clock step, the second key must still be the newer one on every node.
  auto first = ring_->rotate();
  auto second = ring_->rotate();
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(ring_->current()->signingKey().kid, second->addedKid);
  auto other = openRing(store_);
  EXPECT_EQ(other->current()->signingKey().kid, second->addedKid);
}

TEST_F(KeyRingTest, AnotherNodeNoticesARotationWithinTheReloadInterval) {
  // "Another node": a second ring on the same store, as `callgate keys rotate` would be.
  auto cli = openRing(store_);
  const std::string before = ring_->current()->signingKey().kid;
  auto rotated = cli->rotate();
  ASSERT_TRUE(rotated.ok());

  // Within the reload interval the server keeps its snapshot and never asks the store...
  const int reads = store_.versionReads;
  for (int i = 0; i < 100; ++i) EXPECT_EQ(ring_->current()->signingKey().kid, before);
  EXPECT_EQ(store_.versionReads, reads);
  // ...and picks the new key up once the interval has passed, with one poll.
  clock_.advance(Seconds(1));
  EXPECT_EQ(ring_->current()->signingKey().kid, rotated->addedKid);
  EXPECT_EQ(store_.versionReads, reads + 1);
  // A token signed by the CLI's ring's new key verifies in the server.
  auto cliTokens = service(*cli);
  auto t = cliTokens->issue("12345678", kScope, {});
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(tokens().verify(t->jwt, {kScope, std::nullopt}).ok());
}

TEST_F(KeyRingTest, ATokenFromANewerKeyIsVerifiedBeforeTheNextPoll) {
  // Another node rotated and signs with its new key at once; this node has not polled yet.
  auto other = openRing(store_);
  ASSERT_TRUE(other->rotate().ok());
  auto t = service(*other)->issue("12345678", kScope, {});
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(tokens().verify(t->jwt, {kScope, std::nullopt}).ok());
  EXPECT_EQ(ring_->current()->signingKey().kid, other->current()->signingKey().kid);
}

TEST_F(KeyRingTest, MadeUpKidsDoNotHammerTheStore) {
  testing::InMemorySigningKeyStore strangerStore;
  auto stranger = openRing(strangerStore);
  auto strangerTokens = service(*stranger);
  tokens();  // the service exists before counting
  const int reads = store_.versionReads;
  for (int i = 0; i < 20; ++i) {
    auto t = strangerTokens->issue("12345678", kScope, {});
    ASSERT_TRUE(t.ok());
    EXPECT_FALSE(tokens().verify(t->jwt, {kScope, std::nullopt}).ok());
  }
  EXPECT_EQ(store_.versionReads, reads + 1);  // one poll per interval, however many tokens
  clock_.advance(token::kUnknownKidRefreshInterval);
  auto t = strangerTokens->issue("12345678", kScope, {});
  EXPECT_FALSE(tokens().verify(t->jwt, {kScope, std::nullopt}).ok());
  EXPECT_EQ(store_.versionReads, reads + 2);
}

TEST_F(KeyRingTest, AnUnchangedVersionIsNotReloaded) {
  const int loads = store_.loads;
  for (int i = 0; i < 5; ++i) {
    clock_.advance(Seconds(1));
    ring_->current();
  }
  EXPECT_EQ(store_.loads, loads);
}

TEST_F(KeyRingTest, ADatabaseThatIsAwayKeepsTheLoadedKeys) {
  const std::string kid = ring_->current()->signingKey().kid;
  const std::string token = mint();
  store_.failing = true;
  for (int i = 0; i < 3; ++i) {
    clock_.advance(Seconds(1));
    EXPECT_EQ(ring_->current()->signingKey().kid, kid);
  }
  EXPECT_TRUE(tokens().verify(token, {kScope, std::nullopt}).ok());
  EXPECT_FALSE(ring_->rotate().ok());  // a rotation needs the database
  store_.failing = false;
  auto cli = openRing(store_);
  auto rotated = cli->rotate();
  ASSERT_TRUE(rotated.ok());
  clock_.advance(Seconds(1));
  EXPECT_EQ(ring_->current()->signingKey().kid, rotated->addedKid);
}

TEST_F(KeyRingTest, ARingThatStopsOpeningKeepsTheLoadedKeys) {
  const std::string kid = ring_->current()->signingKey().kid;
  // Someone reset the ring with another OTP secret: this node cannot open it.
  auto reset = token::KeyRing::reset({}, store_, std::string(32, 'o'), clock_, random_);
  ASSERT_TRUE(reset.ok());
  clock_.advance(Seconds(1));
  EXPECT_EQ(ring_->current()->signingKey().kid, kid);
  // Nor will it rotate over keys it could not read.
  auto rotated = ring_->rotate();
  ASSERT_FALSE(rotated.ok());
  EXPECT_EQ(rotated.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(storedKids(store_), std::vector<std::string>{reset->addedKid});
}

TEST_F(KeyRingTest, ResetReplacesARingThatNoLongerOpens) {
  const std::string newSecret(32, 'n');
  ASSERT_FALSE(token::KeyRing::open({}, store_, newSecret, clock_, random_).ok());
  auto reset = token::KeyRing::reset({}, store_, newSecret, clock_, random_);
  ASSERT_TRUE(reset.ok()) << reset.error().toString();
  EXPECT_EQ(reset->prunedKids, std::vector<std::string>{ring_->current()->signingKey().kid});
  auto ring = token::KeyRing::open({}, store_, newSecret, clock_, random_);
  ASSERT_TRUE(ring.ok());
  EXPECT_EQ((*ring)->current()->signingKey().kid, reset->addedKid);
}

TEST_F(KeyRingTest, ListingDoesNotCreateARing) {
  testing::InMemorySigningKeyStore empty;
  writeLegacyFile();
  token::KeyRingOptions options;
  options.path = legacyPath();
  options.createIfMissing = false;
  auto ring = token::KeyRing::open(options, empty, kOtpSecret, clock_, random_);
  ASSERT_FALSE(ring.ok());
  EXPECT_EQ(ring.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(empty.ring().version, 0);
}

TEST_F(KeyRingTest, ConcurrentRotationsLoseNoKey) {
  std::vector<std::unique_ptr<token::KeyRing>> rings;
  for (int i = 0; i < 4; ++i) rings.push_back(openRing(store_));
  std::vector<std::thread> threads;
  for (auto& r : rings) {
    threads.emplace_back([&r] { EXPECT_TRUE(r->rotate().ok()); });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(store_.ring().keys.size(), 5u);
  EXPECT_EQ(store_.ring().version, 5);
}

TEST_F(KeyRingTest, NodesStartingTogetherAgreeOnOneFirstKey) {
  testing::InMemorySigningKeyStore store;
  std::vector<std::unique_ptr<token::KeyRing>> rings(4);
  std::vector<std::thread> threads;
  for (auto& r : rings) {
    threads.emplace_back([&] { r = openRing(store); });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(store.ring().keys.size(), 1u);
  for (auto& r : rings) {
    ASSERT_TRUE(r);
    EXPECT_EQ(r->current()->signingKey().kid, store.ring().keys[0].kid);
  }
}

TEST_F(KeyRingTest, TheBackgroundRefresherNoticesARotationWithoutAnyRequest) {
  token::KeyRingOptions options;
  options.path = legacyPath();
  options.reloadInterval = Millis(20);
  options.backgroundRefresh = true;
  auto opened = token::KeyRing::open(options, store_, kOtpSecret, clock_, random_);
  ASSERT_TRUE(opened.ok());
  std::unique_ptr<token::KeyRing> server = std::move(*opened);
  auto rotated = ring_->rotate();
  ASSERT_TRUE(rotated.ok());
  // The fake clock never moves: only the refresher's own (real) timer can pick the key up.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (server->current()->signingKey().kid != rotated->addedKid &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(server->current()->signingKey().kid, rotated->addedKid);
  server.reset();  // stops the refresher promptly
}

TEST(KeyThumbprintTest, MatchesTheRfc8037Example) {
  // RFC 8037 Appendix A.3: the thumbprint of the example Ed25519 public key.
  EXPECT_EQ(token::jwkThumbprint("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"),
            "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
}

}  // namespace
}  // namespace callgate
