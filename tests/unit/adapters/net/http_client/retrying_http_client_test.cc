// The retry policy: what is retried (5xx, 429, timeouts and refused connections), what is not
// (other 4xx, success, permanent transport errors), with exponential backoff and jitter, within
// the attempt limit and the time budget, honouring Retry-After. The clock is fake: no test sleeps.
#include "adapters/net/http_client/retrying_http_client.h"

#include <gtest/gtest.h>

#include "fakes/fakes.h"
#include "unit/adapters/net/http_client/http_client_fakes.h"

namespace callgate {
namespace {

using testing::FakeBackoffClock;
using testing::FakeRandom;
using testing::ScriptedHttpClient;

class RetryTest : public ::testing::Test {
 protected:
  RetryPolicy policy() {
    RetryPolicy p;
    p.maxAttempts = 3;
    p.initialBackoff = Millis(200);
    p.maxBackoff = Millis(1000);
    p.maxRetryAfter = Millis(3000);
    p.totalBudget = Millis(10000);
    return p;
  }
  Result<HttpClientResponse> send(const RetryPolicy& p) {
    RetryingHttpClient client(inner_, p, clock_, random_);
    HttpClientRequest request;
    request.method = "POST";
    request.url = "https://api.example.com/x?password=secret";
    request.body = "a=1";
    return client.send(request);
  }
  ScriptedHttpClient inner_;
  FakeBackoffClock clock_;
  FakeRandom random_;  // uniform() answers 0 unless scripted: the lower edge of the jitter
};

TEST_F(RetryTest, ServerErrorThenSuccessIsRetriedWithBackoff) {
  inner_.respond(500);
  inner_.respond(503);
  inner_.respond(201, "ok");
  auto r = send(policy());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(inner_.requests.size(), 3u);
  // Equal jitter with uniform() = 0: half of 200 ms, then half of 400 ms.
  EXPECT_EQ(clock_.sleeps, (std::vector<Millis>{Millis(100), Millis(200)}));
  // Every attempt sends the same request.
  EXPECT_EQ(inner_.requests[2].body, "a=1");
  EXPECT_EQ(inner_.requests[2].method, "POST");
}

TEST_F(RetryTest, TooManyRequestsAndTransportFailuresAreRetried) {
  inner_.respond(429);
  inner_.fail(Error::unavailable("Timeout was reached (api.example.com)"));
  inner_.respond(200);
  auto r = send(policy());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(inner_.requests.size(), 3u);
}

TEST_F(RetryTest, ClientErrorsAreNeverRetried) {
  for (int status : {400, 401, 403, 404, 409, 422}) {
    inner_.requests.clear();
    inner_.respond(status);
    auto r = send(policy());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->status, status);
    EXPECT_EQ(inner_.requests.size(), 1u) << status;
  }
  EXPECT_TRUE(clock_.sleeps.empty());
}

TEST_F(RetryTest, PermanentTransportErrorsAndRedirectsAreNotRetried) {
  inner_.fail(Error::invalidArgument("URL using bad/illegal format"));
  EXPECT_EQ(send(policy()).error().code(), ErrorCode::kInvalidArgument);
  inner_.fail(Error::resourceExhausted("response too large"));
  EXPECT_EQ(send(policy()).error().code(), ErrorCode::kResourceExhausted);
  inner_.respond(302);
  EXPECT_EQ(send(policy())->status, 302);
  EXPECT_EQ(inner_.requests.size(), 3u);
}

TEST_F(RetryTest, AttemptsAreBounded) {
  inner_.fallback = HttpClientResponse{503, {}, ""};
  auto r = send(policy());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 503);  // the last answer comes back
  EXPECT_EQ(inner_.requests.size(), 3u);
  EXPECT_EQ(clock_.sleeps.size(), 2u);

  RetryPolicy once = policy();
  once.maxAttempts = 1;
  inner_.requests.clear();
  EXPECT_EQ(send(once)->status, 503);
  EXPECT_EQ(inner_.requests.size(), 1u);
}

TEST_F(RetryTest, TotalTimeIsBounded) {
  inner_.fallback = Error::unavailable("Timeout was reached");
  inner_.clock = &clock_;
  inner_.attemptDuration = Millis(4000);  // every attempt runs into a 4 s timeout
  RetryPolicy p = policy();
  p.maxAttempts = 10;
  p.totalBudget = Millis(9000);
  const Millis start = clock_.now();
  auto r = send(p);
  EXPECT_EQ(r.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(inner_.requests.size(), 3u);
  EXPECT_LE(clock_.now() - start, Millis(4000) * 3 + Millis(1000));
  // Each attempt is given at most what is left of the budget.
  EXPECT_EQ(inner_.requests[0].timeout, Millis(9000));
  EXPECT_LT(inner_.requests[2].timeout, Millis(9000) - Millis(8000));
}

TEST_F(RetryTest, RequestTimeoutIsCutToTheBudget) {
  RetryPolicy p = policy();
  p.totalBudget = Millis(1500);
  RetryingHttpClient client(inner_, p, clock_, random_);
  HttpClientRequest request;
  request.url = "http://127.0.0.1/";
  request.timeout = Millis(5000);
  ASSERT_TRUE(client.send(request).ok());
  EXPECT_EQ(inner_.requests[0].timeout, Millis(1500));
}

TEST_F(RetryTest, BackoffGrowsExponentiallyWithJitterUpToTheCap) {
  RetryPolicy p = policy();
  FakeRandom zero;
  EXPECT_EQ(backoffDelay(p, 1, zero), Millis(100));
  EXPECT_EQ(backoffDelay(p, 2, zero), Millis(200));
  EXPECT_EQ(backoffDelay(p, 3, zero), Millis(400));
  EXPECT_EQ(backoffDelay(p, 4, zero), Millis(500));  // 1000 ms cap, halved
  EXPECT_EQ(backoffDelay(p, 30, zero), Millis(500));
  FakeRandom top;
  top.script({100, 1000000});
  EXPECT_EQ(backoffDelay(p, 1, top), Millis(200));  // 100 + 100: the upper edge
  EXPECT_EQ(backoffDelay(p, 4, top), Millis(500 + 1000000 % 501));
}

TEST_F(RetryTest, RetryAfterIsHonouredUpToTheCap) {
  inner_.respond(429, "", {{"retry-after", "2"}});
  inner_.respond(200);
  ASSERT_EQ(send(policy())->status, 200);
  EXPECT_EQ(clock_.sleeps, std::vector<Millis>{Millis(2000)});

  // Longer than we are willing to wait: no retry, the 429 comes back.
  clock_.sleeps.clear();
  inner_.requests.clear();
  inner_.respond(429, "", {{"retry-after", "60"}});
  EXPECT_EQ(send(policy())->status, 429);
  EXPECT_EQ(inner_.requests.size(), 1u);
  EXPECT_TRUE(clock_.sleeps.empty());

  // An HTTP-date is not understood: the computed backoff applies.
  inner_.requests.clear();
  inner_.respond(503, "", {{"retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"}});
  inner_.respond(200);
  EXPECT_EQ(send(policy())->status, 200);
  EXPECT_EQ(clock_.sleeps, std::vector<Millis>{Millis(100)});
}

TEST_F(RetryTest, NoRetryStartsPastTheBudget) {
  RetryPolicy p = policy();
  p.totalBudget = Millis(1000);
  inner_.respond(429, "", {{"retry-after", "2"}});  // within the cap, beyond the budget
  EXPECT_EQ(send(p)->status, 429);
  EXPECT_EQ(inner_.requests.size(), 1u);
  EXPECT_TRUE(clock_.sleeps.empty());
}

TEST(RetryAfterTest, ParsesDeltaSecondsOnly) {
  EXPECT_EQ(parseRetryAfter("0"), Millis(0));
  EXPECT_EQ(parseRetryAfter(" 3 "), Millis(3000));
  EXPECT_EQ(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT"), std::nullopt);
  EXPECT_EQ(parseRetryAfter("-1"), std::nullopt);
  EXPECT_EQ(parseRetryAfter(""), std::nullopt);
  EXPECT_EQ(parseRetryAfter("99999999999"), std::nullopt);
}

TEST(RetryableOutcomeTest, Classifies) {
  EXPECT_TRUE(isRetryableOutcome(HttpClientResponse{500, {}, ""}));
  EXPECT_TRUE(isRetryableOutcome(HttpClientResponse{599, {}, ""}));
  EXPECT_TRUE(isRetryableOutcome(HttpClientResponse{429, {}, ""}));
  EXPECT_TRUE(isRetryableOutcome(Error::unavailable("refused")));
  EXPECT_FALSE(isRetryableOutcome(HttpClientResponse{400, {}, ""}));
  EXPECT_FALSE(isRetryableOutcome(HttpClientResponse{201, {}, ""}));
  EXPECT_FALSE(isRetryableOutcome(HttpClientResponse{301, {}, ""}));
  EXPECT_FALSE(isRetryableOutcome(Error::invalidArgument("bad url")));
}

}  // namespace
}  // namespace callgate
