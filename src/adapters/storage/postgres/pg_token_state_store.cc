#include "adapters/storage/postgres/pg_token_state_store.h"

#include <spdlog/spdlog.h>

namespace callgate {
namespace {

// DO NOTHING: a token already revoked or used stays dead; only a new row means "first".
constexpr const char* kInsert =
    "INSERT INTO token_states (jti, state, expires_at_ms) VALUES ($1, $2, $3) "
    "ON CONFLICT (jti) DO NOTHING";
constexpr const char* kExists = "SELECT 1 FROM token_states WHERE jti = $1";
constexpr const char* kPrune = "DELETE FROM token_states WHERE expires_at_ms < $1";

}  // namespace

Result<bool> PgTokenStateStore::insert(const std::string& jti, const char* state,
                                       TimePoint expiresAt) {
  if (jti.empty()) return Error::invalidArgument("empty jti");
  bool inserted = false;
  {
    auto lease = db_.acquire();
    if (!lease) return lease.error();
    auto r = (*lease)->query(kInsert, {jti, state, toUnixMillis(expiresAt)});
    if (!r) return r.error();
    inserted = r->affected() == 1;
  }
  maybePrune();
  return inserted;
}

Status PgTokenStateStore::revoke(const std::string& jti, TimePoint expiresAt) {
  auto r = insert(jti, "revoked", expiresAt);
  if (!r) return r.error();
  return okStatus();
}

Result<bool> PgTokenStateStore::consume(const std::string& jti, TimePoint expiresAt) {
  return insert(jti, "used", expiresAt);
}

Result<bool> PgTokenStateStore::isRevoked(const std::string& jti) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto r = (*lease)->query(kExists, {jti});
  if (!r) return r.error();
  return r->rows() > 0;
}

Result<int64_t> PgTokenStateStore::pruneExpired(TimePoint now) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto r = (*lease)->query(kPrune, {toUnixMillis(now)});
  if (!r) return r.error();
  return r->affected();
}

void PgTokenStateStore::maybePrune() {
  const int64_t now = toUnixMillis(clock_.now());
  int64_t due = nextPruneMs_.load(std::memory_order_relaxed);
  if (now < due) return;
  // One writer wins the slot; the others skip this round.
  if (!nextPruneMs_.compare_exchange_strong(due, now + pruneInterval_.count())) return;
  auto pruned = pruneExpired(fromUnixMillis(now));
  if (!pruned) {
    spdlog::warn("event=token_states_prune_failed error=\"{}\"", pruned.error().message());
  }
}

}  // namespace callgate
