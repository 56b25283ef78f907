#include "adapters/identity/jwks_cache.h"

#include <utility>

namespace callgate::identity {

Millis timeLeft(Deadline deadline) {
  const auto left = std::chrono::duration_cast<Millis>(deadline - std::chrono::steady_clock::now());
  if (left.count() > 0) return left;
  return deadline > std::chrono::steady_clock::now() ? Millis(1) : Millis(0);
}

JwksCache::JwksCache(HttpClient& http, const Clock& clock, UrlSource url, JwksCacheOptions options)
    : http_(http), clock_(clock), url_(std::move(url)), options_(options) {}

Result<std::shared_ptr<const JwkSet>> JwksCache::fetchLocked(Deadline deadline) {
  const Millis left = timeLeft(deadline);
  if (left.count() == 0) return Error::unavailable("no time left to fetch the JWKS");
  auto url = url_();
  if (!url.ok()) return url.error();
  auto parts = splitUrl(*url);
  const std::string host = parts.ok() ? parts->host : std::string("?");
  HttpClientRequest request;
  request.method = "GET";
  request.url = *url;
  request.headers.emplace_back("Accept", "application/json");
  request.timeout = left;
  attempted_ = true;
  attemptedAt_ = clock_.now();
  auto response = http_.send(request);
  ++fetches_;
  if (!response.ok()) {
    return Error::unavailable("JWKS from " + host + ": " + response.error().message());
  }
  if (response->status != 200) {
    return Error::unavailable("JWKS from " + host + " answered HTTP " +
                              std::to_string(response->status));
  }
  auto set = JwkSet::parse(response->body);
  if (!set.ok()) return Error::unavailable("JWKS from " + host + ": " + set.error().message());
  if ((*set)->size() == 0) {
    return Error::unavailable("JWKS from " + host + " has no usable signature key");
  }
  keys_ = *set;
  fetchedAt_ = attemptedAt_;
  return keys_;
}

Result<std::shared_ptr<const JwkSet>> JwksCache::get(Deadline deadline) {
  std::lock_guard lock(mu_);
  if (keys_ && clock_.now() - fetchedAt_ < options_.maxAge) return keys_;
  auto fetched = fetchLocked(deadline);
  if (!fetched.ok() && keys_) return keys_;  // stale keys still verify the IdP's signatures
  return fetched;
}

Result<std::shared_ptr<const JwkSet>> JwksCache::refreshForUnknownKid(Deadline deadline) {
  std::lock_guard lock(mu_);
  if (attempted_ && clock_.now() - attemptedAt_ < options_.minRefetchInterval) {
    if (keys_) return keys_;
    return Error::unavailable("JWKS could not be fetched recently; not retrying yet");
  }
  auto fetched = fetchLocked(deadline);
  if (!fetched.ok() && keys_) return keys_;
  return fetched;
}

int JwksCache::fetches() const {
  std::lock_guard lock(mu_);
  return fetches_;
}

}  // namespace callgate::identity
