#include "adapters/net/http_client/retrying_http_client.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <thread>

namespace callgate {

Millis SteadyBackoffClock::now() const {
  return std::chrono::duration_cast<Millis>(std::chrono::steady_clock::now().time_since_epoch());
}

void SteadyBackoffClock::sleepFor(Millis delay) { std::this_thread::sleep_for(delay); }

bool isRetryableOutcome(const Result<HttpClientResponse>& outcome) {
  if (!outcome.ok()) return outcome.error().code() == ErrorCode::kUnavailable;
  const int status = outcome->status;
  return status == 429 || (status >= 500 && status <= 599);
}

std::optional<Millis> parseRetryAfter(std::string_view value) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty() || value.size() > 6 ||
      value.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  return Millis(std::stoll(std::string(value)) * 1000);
}

Millis backoffDelay(const RetryPolicy& policy, int attempt, Random& random) {
  Millis exp = policy.initialBackoff;
  for (int i = 1; i < attempt && exp < policy.maxBackoff; ++i) exp *= 2;
  exp = std::min(exp, policy.maxBackoff);
  const int64_t half = exp.count() / 2;
  const auto jitter = static_cast<int64_t>(random.uniform(static_cast<uint32_t>(half + 1)));
  return Millis(exp.count() - half + jitter);
}

RetryingHttpClient::RetryingHttpClient(HttpClient& inner, RetryPolicy policy, BackoffClock& clock,
                                       Random& random)
    : inner_(inner), policy_(policy), clock_(clock), random_(random) {}

namespace {

std::string hostOf(const std::string& url) {
  auto parts = splitUrl(url);
  return parts.ok() ? parts->host : std::string("?");
}

std::string describe(const Result<HttpClientResponse>& outcome) {
  if (outcome.ok()) return "status=" + std::to_string(outcome->status);
  return std::string("error=\"") + outcome.error().message() + "\"";
}

}  // namespace

Result<HttpClientResponse> RetryingHttpClient::send(const HttpClientRequest& request) {
  const Millis start = clock_.now();
  const Millis deadline = start + policy_.totalBudget;
  HttpClientRequest attemptRequest = request;
  for (int attempt = 1;; ++attempt) {
    const Millis left = deadline - clock_.now();
    if (request.timeout.count() > 0) {
      attemptRequest.timeout = std::min(request.timeout, left);
    } else {
      attemptRequest.timeout = left;
    }
    if (attemptRequest.timeout.count() <= 0) attemptRequest.timeout = Millis(1);
    Result<HttpClientResponse> outcome = inner_.send(attemptRequest);
    if (!isRetryableOutcome(outcome) || attempt >= policy_.maxAttempts) return outcome;

    Millis delay = backoffDelay(policy_, attempt, random_);
    if (outcome.ok()) {
      if (auto ra = outcome->header("retry-after")) {
        if (auto wait = parseRetryAfter(*ra)) {
          if (*wait > policy_.maxRetryAfter) {
            spdlog::warn("event=http_retry_abandoned host={} attempt={} {} retry_after_ms={}",
                         hostOf(request.url), attempt, describe(outcome), wait->count());
            return outcome;
          }
          delay = std::max(delay, *wait);
        }
      }
    }
    // Leave room for the next attempt itself: a retry that cannot even start is pointless.
    if (clock_.now() + delay >= deadline) {
      spdlog::warn("event=http_retry_abandoned host={} attempt={} {} reason=budget",
                   hostOf(request.url), attempt, describe(outcome));
      return outcome;
    }
    spdlog::warn("event=http_retry host={} attempt={} {} delay_ms={}", hostOf(request.url), attempt,
                 describe(outcome), delay.count());
    clock_.sleepFor(delay);
  }
}

}  // namespace callgate
