// PgTokenStateStore: the TokenStateStore port over the token_states table of a PgDatabase (one
// row per revoked or used access token, keyed by jti). consume() is a single INSERT ... ON
// CONFLICT DO NOTHING, so of concurrent uses of one token on any nodes exactly one inserts the
// row and wins. Rows past their expiry are deleted opportunistically: at most once per prune
// interval (per node), a write also deletes expired rows (an index range on expires_at_ms).
//
// Borrows the database and the clock, which must outlive it. Thread-safe: every call leases its
// own pooled connection; the prune schedule is an atomic.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "adapters/storage/postgres/pg_database.h"
#include "core/ports.h"

namespace callgate {

class PgTokenStateStore final : public TokenStateStore {
 public:
  PgTokenStateStore(PgDatabase& db, const Clock& clock, Millis pruneInterval = Millis(60'000))
      : db_(db), clock_(clock), pruneInterval_(pruneInterval) {}

  Status revoke(const std::string& jti, TimePoint expiresAt) override;
  Result<bool> consume(const std::string& jti, TimePoint expiresAt) override;
  Result<bool> isRevoked(const std::string& jti) override;

  // Deletes every row whose token expired before `now`; returns how many. Also run by writes.
  Result<int64_t> pruneExpired(TimePoint now);

 private:
  Result<bool> insert(const std::string& jti, const char* state, TimePoint expiresAt);
  void maybePrune();

  PgDatabase& db_;
  const Clock& clock_;
  const Millis pruneInterval_;
  std::atomic<int64_t> nextPruneMs_{0};
};

}  // namespace callgate
