// The JWKS cache and the ID-token verifier over it: fetched on first use and kept, refreshed when
// old (keeping the old keys if the refresh fails), refetched once for an unknown kid but not more
// often than the interval allows, and failures that are errors, never a verified token.
#include "adapters/identity/jwks_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "adapters/identity/id_token_verifier.h"
#include "core/numeric_date.h"
#include "fakes/fakes.h"
#include "unit/adapters/identity/test_keys.h"
#include "unit/adapters/net/http_client/http_client_fakes.h"

namespace callgate::identity {
namespace {

using callgate::testing::FakeClock;
using callgate::testing::jwks;
using callgate::testing::makeKey;
using callgate::testing::ScriptedHttpClient;
using callgate::testing::TestKey;

constexpr const char* kUrl = "https://idp.example/jwks";

class JwksCacheTest : public ::testing::Test {
 protected:
  JwksCache makeCache() {
    return JwksCache(
        http, clock, [] { return Result<std::string>(std::string(kUrl)); },
        JwksCacheOptions{Seconds(3600), Seconds(30)});
  }
  static Deadline soon() { return std::chrono::steady_clock::now() + Millis(1500); }
  ScriptedHttpClient http;
  FakeClock clock;
  TestKey k1 = makeKey("OKP", "k1");
  TestKey k2 = makeKey("OKP", "k2");
};

TEST_F(JwksCacheTest, FetchesOnceAndKeeps) {
  http.respond(200, jwks({k1.jwk()}));
  JwksCache cache = makeCache();
  ASSERT_TRUE(cache.get(soon()).ok());
  ASSERT_TRUE(cache.get(soon()).ok());
  EXPECT_EQ(cache.fetches(), 1);
  ASSERT_EQ(http.requests.size(), 1u);
  EXPECT_EQ(http.requests[0].method, "GET");
  EXPECT_EQ(http.requests[0].url, kUrl);
  EXPECT_GT(http.requests[0].timeout, Millis(0));
  EXPECT_LE(http.requests[0].timeout, Millis(1500));
}

TEST_F(JwksCacheTest, RefreshesWhenOldAndKeepsOldKeysIfTheRefreshFails) {
  http.respond(200, jwks({k1.jwk()}));
  http.respond(503);
  http.respond(200, jwks({k2.jwk()}));
  JwksCache cache = makeCache();
  ASSERT_TRUE(cache.get(soon()).ok());
  clock.advance(Seconds(3601));
  auto stale = cache.get(soon());  // refresh fails: the old set
  ASSERT_TRUE(stale.ok());
  EXPECT_TRUE((*stale)->hasKid("k1"));
  auto fresh = cache.get(soon());  // tries again at once: still old
  ASSERT_TRUE(fresh.ok());
  EXPECT_TRUE((*fresh)->hasKid("k2"));
  EXPECT_EQ(cache.fetches(), 3);
}

TEST_F(JwksCacheTest, NoTimeLeftMeansNoFetch) {
  JwksCache cache = makeCache();
  auto r = cache.get(std::chrono::steady_clock::now() - Millis(1));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kUnavailable);
  EXPECT_TRUE(http.requests.empty());
}

TEST_F(JwksCacheTest, FirstFetchFailureIsUnavailable) {
  http.fail(Error::unavailable("connection refused (idp.example)"));
  http.respond(200, "<html>");
  http.respond(200, R"({"keys":[]})");
  JwksCache cache = makeCache();
  for (int i = 0; i < 3; ++i) {
    auto r = cache.get(soon());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), ErrorCode::kUnavailable);
  }
}

TEST_F(JwksCacheTest, UnknownKidRefetchesAtMostOncePerInterval) {
  http.respond(200, jwks({k1.jwk()}));
  http.respond(200, jwks({k1.jwk(), k2.jwk()}));
  JwksCache cache = makeCache();
  ASSERT_TRUE(cache.get(soon()).ok());
  clock.advance(Seconds(10));
  // Within 30 s of the last fetch: no refetch.
  auto same = cache.refreshForUnknownKid(soon());
  ASSERT_TRUE(same.ok());
  EXPECT_FALSE((*same)->hasKid("k2"));
  EXPECT_EQ(cache.fetches(), 1);
  clock.advance(Seconds(21));
  auto rotated = cache.refreshForUnknownKid(soon());
  ASSERT_TRUE(rotated.ok());
  EXPECT_TRUE((*rotated)->hasKid("k2"));
  EXPECT_EQ(cache.fetches(), 2);
  ASSERT_TRUE(cache.refreshForUnknownKid(soon()).ok());
  EXPECT_EQ(cache.fetches(), 2);
}

class IdTokenVerifierTest : public JwksCacheTest {
 protected:
  nlohmann::json claims() {
    const int64_t now = toNumericDate(clock.now());
    return {{"iss", "https://idp.example"},
            {"aud", "callgate"},
            {"sub", "s1"},
            {"iat", now},
            {"exp", now + 300}};
  }
  IdTokenExpectations expected{"https://idp.example", "callgate", Seconds(60), ""};
};

TEST_F(IdTokenVerifierTest, VerifiesAndRefetchesForARotatedKey) {
  http.respond(200, jwks({k1.jwk()}));
  http.respond(200, jwks({k1.jwk(), k2.jwk()}));
  JwksCache cache = makeCache();
  IdTokenVerifier verifier(cache, clock, expected, {"EdDSA"});
  ASSERT_TRUE(verifier.verify(k1.sign("EdDSA", claims()), soon()).ok());
  clock.advance(Seconds(60));
  auto r = verifier.verify(k2.sign("EdDSA", claims()), soon());
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->get("sub"), "s1");
  EXPECT_EQ(cache.fetches(), 2);
}

TEST_F(IdTokenVerifierTest, AKidTheIdpDoesNotPublishIsUnauthenticated) {
  http.respond(200, jwks({k1.jwk()}));
  http.respond(200, jwks({k1.jwk()}));
  JwksCache cache = makeCache();
  IdTokenVerifier verifier(cache, clock, expected, {"EdDSA"});
  clock.advance(Seconds(31));
  TestKey stranger = makeKey("OKP", "stranger");
  auto r = verifier.verify(stranger.sign("EdDSA", claims()), soon());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kUnauthenticated);
}

TEST_F(IdTokenVerifierTest, ABadSignatureOrWrongAudienceIsUnauthenticated) {
  http.respond(200, jwks({k1.jwk()}));
  JwksCache cache = makeCache();
  IdTokenVerifier verifier(cache, clock, expected, {"EdDSA"});
  TestKey impostor = makeKey("OKP", "k1");  // same kid, another key
  auto forged = verifier.verify(impostor.sign("EdDSA", claims()), soon());
  ASSERT_FALSE(forged.ok());
  EXPECT_EQ(forged.error().message(), "token signature is invalid");
  auto c = claims();
  c["aud"] = "someone-else";
  auto wrongAud = verifier.verify(k1.sign("EdDSA", c), soon());
  ASSERT_FALSE(wrongAud.ok());
  EXPECT_EQ(wrongAud.error().code(), ErrorCode::kUnauthenticated);
  const std::string early = k1.sign("EdDSA", claims());  // exp = now + 300
  clock.advance(Seconds(400));
  auto expired = verifier.verify(early, soon());
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.error().message(), "ID token has expired");
}

// Answers every GET with one JWKS document, counting requests; safe to call from many threads.
class ConcurrentJwksServer final : public HttpClient {
 public:
  explicit ConcurrentJwksServer(std::string body) : body_(std::move(body)) {}
  Result<HttpClientResponse> send(const HttpClientRequest&) override {
    std::this_thread::sleep_for(Millis(20));  // a round trip, so first uses overlap
    std::lock_guard lock(mu_);
    ++requests;
    return HttpClientResponse{200, {}, body_};
  }
  std::mutex mu_;
  int requests = 0;

 private:
  const std::string body_;
};

TEST_F(IdTokenVerifierTest, ManyThreadsShareOneFetchAndAllVerify) {
  ConcurrentJwksServer server(jwks({k1.jwk()}));
  JwksCache cache(server, clock, [] { return Result<std::string>(std::string(kUrl)); });
  IdTokenVerifier verifier(cache, clock, expected, {"EdDSA"});
  const std::string token = k1.sign("EdDSA", claims());
  std::atomic<int> verified{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        if (verifier.verify(token, soon()).ok()) ++verified;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(verified.load(), 200);
  EXPECT_EQ(server.requests, 1);  // concurrent first uses waited for one fetch
}

}  // namespace
}  // namespace callgate::identity
