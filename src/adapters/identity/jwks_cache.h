// JwksCache: an identity provider's JWK Set (jose.h), fetched over HTTP and kept in memory.
//
// - Fetched on first use (so a node starts while its IdP is away, and recovers by itself), then
//   again when older than maxAge; a refresh that fails keeps the keys it had.
// - refreshForUnknownKid() refetches at once when a token names a kid the set lacks (the IdP
//   rotated its keys), but at most once per minRefetchInterval: a stream of tokens with unknown
//   kids cannot make callgate hammer the IdP.
// - The URL comes from a function, so an OIDC verifier can hand over the jwks_uri its discovery
//   document names.
// A stale cache is harmless (the signature check still needs the IdP's private key), which is
// why each node keeps its own (DESIGN §5).
//
// Borrows the HttpClient and the Clock. Thread-safe: one mutex; a fetch holds it, so concurrent
// callers wait for one fetch instead of each making their own. Blocking (up to the timeout).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "adapters/identity/jose.h"
#include "adapters/net/http_client/http_client.h"
#include "core/ports.h"

namespace callgate::identity {

struct JwksCacheOptions {
  Seconds maxAge{3600};
  Seconds minRefetchInterval{30};
};

// When a whole credential check must be done by (monotonic time): every request a verifier
// makes for one check gets the time that is left.
using Deadline = std::chrono::steady_clock::time_point;

// The time left until `deadline` (at least 1 ms while there is any), or 0 when it has passed.
Millis timeLeft(Deadline deadline);

class JwksCache {
 public:
  using UrlSource = std::function<Result<std::string>()>;

  JwksCache(HttpClient& http, const Clock& clock, UrlSource url, JwksCacheOptions options = {});

  // The current set (fetching it if there is none yet or it is older than maxAge).
  // kUnavailable when there is none and it cannot be fetched.
  Result<std::shared_ptr<const JwkSet>> get(Deadline deadline);

  // The set after a refetch for a token whose kid the current set lacks; the current set, not
  // refetched, when the last fetch was less than minRefetchInterval ago.
  Result<std::shared_ptr<const JwkSet>> refreshForUnknownKid(Deadline deadline);

  int fetches() const;  // completed HTTP fetches, successful or not (for tests and metrics)

 private:
  Result<std::shared_ptr<const JwkSet>> fetchLocked(Deadline deadline);

  HttpClient& http_;
  const Clock& clock_;
  const UrlSource url_;
  const JwksCacheOptions options_;
  mutable std::mutex mu_;
  std::shared_ptr<const JwkSet> keys_;  // guarded by mu_
  TimePoint fetchedAt_{};               // last successful fetch; guarded by mu_
  TimePoint attemptedAt_{};             // last fetch attempt; guarded by mu_
  bool attempted_ = false;              // guarded by mu_
  int fetches_ = 0;                     // guarded by mu_
};

}  // namespace callgate::identity
