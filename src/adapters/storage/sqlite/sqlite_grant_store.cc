#include "adapters/storage/sqlite/sqlite_grant_store.h"

#include <sqlite3.h>

namespace callgate {
namespace {

constexpr const char* kInsert =
    "INSERT INTO action_grants (code_hash, user_id, action, phone, created_at_ms, expires_at_ms, "
    "state, redeemed_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, NULL)";
constexpr const char* kFind =
    "SELECT id, code_hash, user_id, action, phone, created_at_ms, expires_at_ms, state, "
    "COALESCE(redeemed_at_ms, 0) FROM action_grants WHERE code_hash = ?1";
// One statement, so the check and the change cannot be separated by another redeem.
constexpr const char* kRedeem =
    "UPDATE action_grants SET state = 'redeemed', redeemed_at_ms = ?2 "
    "WHERE id = ?1 AND state = 'issued' AND expires_at_ms > ?2";
constexpr const char* kCount =
    "SELECT COUNT(*) FROM action_grants WHERE user_id = ?1 AND created_at_ms >= ?2";

}  // namespace

Result<int64_t> SqliteGrantStore::insert(const Grant& grant) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto stmt = (*lease)->prepare(kInsert);
  if (!stmt) return stmt.error();
  stmt->bind(1, grant.codeHash)
      .bind(2, grant.userId)
      .bind(3, grant.action)
      .bind(4, grant.phone)
      .bind(5, toUnixMillis(grant.createdAt))
      .bind(6, toUnixMillis(grant.expiresAt))
      .bind(7, grantStateName(grant.state));
  if (Status s = stmt->run(); !s.ok()) return s.error();
  // Per connection, and we hold this one exclusively, so no other insert can interleave.
  return static_cast<int64_t>(sqlite3_last_insert_rowid((*lease)->handle()));
}

Result<std::optional<Grant>> SqliteGrantStore::findByCodeHash(const std::string& codeHash) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto stmt = (*lease)->prepare(kFind);
  if (!stmt) return stmt.error();
  stmt->bind(1, codeHash);
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) return std::optional<Grant>();
  Grant g;
  g.id = stmt->columnInt64(0);
  g.codeHash = stmt->columnText(1);
  g.userId = stmt->columnText(2);
  g.action = stmt->columnText(3);
  g.phone = stmt->columnText(4);
  g.createdAt = fromUnixMillis(stmt->columnInt64(5));
  g.expiresAt = fromUnixMillis(stmt->columnInt64(6));
  const std::string state = stmt->columnText(7);
  if (!parseGrantState(state, &g.state)) {
    return Error::internal("sqlite: grant " + std::to_string(g.id) + " has unknown state '" +
                           state + "'");
  }
  g.redeemedAt = fromUnixMillis(stmt->columnInt64(8));
  return std::optional<Grant>(std::move(g));
}

Result<bool> SqliteGrantStore::redeem(int64_t id, TimePoint now) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto stmt = (*lease)->prepare(kRedeem);
  if (!stmt) return stmt.error();
  stmt->bind(1, id).bind(2, toUnixMillis(now));
  if (Status s = stmt->run(); !s.ok()) return s.error();
  return sqlite3_changes((*lease)->handle()) == 1;
}

Result<int64_t> SqliteGrantStore::countIssuedSince(const std::string& userId, TimePoint since) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto stmt = (*lease)->prepare(kCount);
  if (!stmt) return stmt.error();
  stmt->bind(1, userId).bind(2, toUnixMillis(since));
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) return Error::internal("sqlite: COUNT(*) returned no row");
  return stmt->columnInt64(0);
}

}  // namespace callgate
