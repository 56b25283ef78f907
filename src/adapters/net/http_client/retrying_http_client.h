// RetryingHttpClient: an HttpClient decorator that retries what may succeed later, with
// exponential backoff and jitter, within a bounded number of attempts and a total time budget.
//
// Retried: 5xx and 429 responses, and kUnavailable transport errors (refused, reset, timeout).
// Never retried: other 4xx (the request is wrong and will stay wrong), 2xx/3xx, and the other
// transport errors. A Retry-After header (delta-seconds) on a retryable response is honoured (the
// wait is at least that long) when it is at most policy.maxRetryAfter; a longer one ends the
// retries (the caller gets that response) rather than retrying sooner than the provider asked. No
// retry starts if its delay would run past the budget, and each attempt's timeout is cut to what is
// left of the budget, so send() returns within about policy.totalBudget. The last response or error
// is returned.
//
// Retrying a POST that timed out can duplicate it (the provider may have accepted it); for a
// one-time PIN a rare duplicate text beats no text.
//
// Time comes from a BackoffClock so tests never sleep; jitter from the Random port.
// Blocking (it sleeps between attempts): never call it from an Asio io thread. Thread-safe if
// the wrapped client, clock and random are. Borrows all three; they must outlive it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "adapters/net/http_client/http_client.h"
#include "core/ports.h"

namespace callgate {

struct RetryPolicy {
  int maxAttempts = 3;         // attempts in all, the first included (1 = no retry)
  Millis initialBackoff{250};  // before the 2nd attempt; doubles each time
  Millis maxBackoff{2000};     // cap on one computed backoff
  Millis maxRetryAfter{3000};  // longest Retry-After we are willing to wait
  Millis totalBudget{8000};    // wall time for all attempts and waits together
};

// A monotonic clock that can also wait: the production one is steady_clock + sleep_for; the
// test one advances its time on sleepFor() without sleeping.
class BackoffClock {
 public:
  virtual ~BackoffClock() = default;
  virtual Millis now() const = 0;  // monotonic, arbitrary epoch
  virtual void sleepFor(Millis delay) = 0;
};

class SteadyBackoffClock final : public BackoffClock {
 public:
  Millis now() const override;
  void sleepFor(Millis delay) override;
};

// True when the outcome of one attempt is worth another attempt (see above).
bool isRetryableOutcome(const Result<HttpClientResponse>& outcome);

// Retry-After as delta-seconds ("120"); nullopt for an HTTP-date or anything malformed, in which
// case the computed backoff applies.
std::optional<Millis> parseRetryAfter(std::string_view value);

// The computed wait after failed attempt number `attempt` (1-based): exp = min(maxBackoff,
// initialBackoff * 2^(attempt-1)), then "equal jitter": exp/2 + uniform[0, exp/2].
Millis backoffDelay(const RetryPolicy& policy, int attempt, Random& random);

class RetryingHttpClient final : public HttpClient {
 public:
  RetryingHttpClient(HttpClient& inner, RetryPolicy policy, BackoffClock& clock, Random& random);
  Result<HttpClientResponse> send(const HttpClientRequest& request) override;

  const RetryPolicy& policy() const { return policy_; }

 private:
  HttpClient& inner_;
  const RetryPolicy policy_;
  BackoffClock& clock_;
  Random& random_;
};

}  // namespace callgate
