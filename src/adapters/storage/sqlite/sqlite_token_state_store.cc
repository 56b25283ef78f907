#include "adapters/storage/sqlite/sqlite_token_state_store.h"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

namespace callgate {

namespace {

// DO NOTHING: a token already revoked or used stays dead; only a new row means "first".
constexpr const char* kInsert =
    "INSERT INTO token_states (jti, state, expires_at_ms) VALUES (?1, ?2, ?3) ON CONFLICT (jti) DO "
    "NOTHING";
constexpr const char* kExists = "SELECT 1 FROM token_states WHERE jti = ?1";
constexpr const char* kPrune = "DELETE FROM token_states WHERE expires_at_ms < ?1";

}  // namespace

Result<bool> SqliteTokenStateStore::insert(const std::string& jti, const char* state,
                                           TimePoint expiresAt) {
  if (jti.empty()) return Error::invalidArgument("empty jti");
  bool inserted = false;
  {
    auto lease = db_.acquire();
    if (!lease) return lease.error();
    auto stmt = (*lease)->prepare(kInsert);
    if (!stmt) return stmt.error();
    stmt->bind(1, jti).bind(2, std::string_view(state)).bind(3, toUnixMillis(expiresAt));
    if (Status s = stmt->run(); !s.ok()) return s.error();
    // Per connection, and the lease is exclusive, so this counts our statement only.
    inserted = sqlite3_changes((*lease)->handle()) == 1;
  }
  maybePrune();
  return inserted;
}

Status SqliteTokenStateStore::revoke(const std::string& jti, TimePoint expiresAt) {
  auto r = insert(jti, "revoked", expiresAt);
  if (!r) return r.error();
  return okStatus();
}

Result<bool> SqliteTokenStateStore::consume(const std::string& jti, TimePoint expiresAt) {
  return insert(jti, "used", expiresAt);
}

Result<bool> SqliteTokenStateStore::isRevoked(const std::string& jti) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto stmt = (*lease)->prepare(kExists);
  if (!stmt) return stmt.error();
  stmt->bind(1, jti);
  return stmt->step();
}

Result<int64_t> SqliteTokenStateStore::pruneExpired(TimePoint now) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto stmt = (*lease)->prepare(kPrune);
  if (!stmt) return stmt.error();
  stmt->bind(1, toUnixMillis(now));
  if (Status s = stmt->run(); !s.ok()) return s.error();
  return static_cast<int64_t>(sqlite3_changes((*lease)->handle()));
}

void SqliteTokenStateStore::maybePrune() {
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
