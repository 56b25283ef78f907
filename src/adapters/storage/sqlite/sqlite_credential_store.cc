#include "adapters/storage/sqlite/sqlite_credential_store.h"

#include <sqlite3.h>

#include "core/pin_policy.h"

namespace callgate {
namespace {

// One query for both answers: no customer row -> no row; a customer without a PIN -> NULL hash.
constexpr const char* kPinHash =
    "SELECT p.pin_hash FROM customers c LEFT JOIN pin_credentials p ON p.user_id = c.user_id "
    "WHERE c.user_id = ?1";
constexpr const char* kUserExists = "SELECT 1 FROM customers WHERE user_id = ?1";
constexpr const char* kUpsertPin =
    "INSERT INTO pin_credentials (user_id, pin_hash, updated_at_ms) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (user_id) DO UPDATE SET pin_hash = excluded.pin_hash, "
    "updated_at_ms = excluded.updated_at_ms";
// The whole record, or no row (an id never tried: a zero record).
constexpr const char* kFailures =
    "SELECT failures, COALESCE(locked_at_ms, 0), locked_until_ms FROM pin_failures "
    "WHERE user_id = ?1";
// Writes what decidePinAttempt chose; it runs inside the attempt's BEGIN IMMEDIATE transaction,
// which holds the write lock from the read before it, so no other attempt interleaves.
constexpr const char* kStoreAttempt =
    "INSERT INTO pin_failures (user_id, failures, last_attempt_at_ms, locked_at_ms, "
    "locked_until_ms) VALUES (?1, ?2, ?3, NULLIF(?4, 0), ?5) "
    "ON CONFLICT (user_id) DO UPDATE SET failures = excluded.failures, "
    "last_attempt_at_ms = excluded.last_attempt_at_ms, locked_at_ms = excluded.locked_at_ms, "
    "locked_until_ms = excluded.locked_until_ms";
constexpr const char* kReset =
    "UPDATE pin_failures SET failures = 0, locked_at_ms = NULL, locked_until_ms = 0 "
    "WHERE user_id = ?1 AND (failures <> 0 OR locked_at_ms IS NOT NULL OR locked_until_ms <> 0)";
constexpr const char* kUnlock = "DELETE FROM pin_failures WHERE user_id = ?1";
constexpr const char* kRefund =
    "UPDATE pin_failures SET failures = ?2, locked_at_ms = NULLIF(?3, 0), locked_until_ms = ?4 "
    "WHERE user_id = ?1 AND failures = ?5 AND last_attempt_at_ms = ?6";

Result<PinFailureState> readFailures(SqliteConnection& connection, const std::string& userId) {
  auto stmt = connection.prepare(kFailures);
  if (!stmt) return stmt.error();
  stmt->bind(1, userId);
  auto row = stmt->step();
  if (!row) return row.error();
  PinFailureState state;
  if (*row) {
    state.failures = static_cast<int>(stmt->columnInt64(0));
    state.lockedAt = fromUnixMillis(stmt->columnInt64(1));
    state.lockedUntil = fromUnixMillis(stmt->columnInt64(2));
  }
  return state;
}

}  // namespace

Result<std::optional<std::string>> SqliteCredentialStore::pinHash(const std::string& userId) {
  if (userId.empty()) return std::optional<std::string>();
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto stmt = (*lease)->prepare(kPinHash);
  if (!stmt) return stmt.error();
  stmt->bind(1, userId);
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(stmt->columnText(0));  // NULL (no PIN) reads as ""
}

Status SqliteCredentialStore::setPinHash(const std::string& userId, const std::string& pinHash,
                                         TimePoint now) {
  if (userId.empty() || pinHash.empty())
    return Error::invalidArgument("user id and PIN hash are required");
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  SqliteConnection& connection = **lease;
  SqliteTransaction tx(connection);
  if (Status s = tx.begin(); !s.ok()) return s;
  {
    auto stmt = connection.prepare(kUserExists);
    if (!stmt) return stmt.error();
    stmt->bind(1, userId);
    auto row = stmt->step();
    if (!row) return row.error();
    if (!*row) return Error::notFound("no customer with user id " + userId);
  }
  {
    auto stmt = connection.prepare(kUpsertPin);
    if (!stmt) return stmt.error();
    stmt->bind(1, userId).bind(2, pinHash).bind(3, toUnixMillis(now));
    if (Status s = stmt->run(); !s.ok()) return s;
  }
  return tx.commit();
}

Result<PinAttempt> SqliteCredentialStore::beginPinAttempt(const std::string& userId,
                                                          const PinLockoutPolicy& policy,
                                                          TimePoint now) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  SqliteConnection& connection = **lease;
  SqliteTransaction tx(connection);
  if (Status s = tx.begin(); !s.ok()) return s.error();
  auto state = readFailures(connection, userId);
  if (!state) return state.error();
  const PinAttemptDecision decision = decidePinAttempt(policy, *state, now);
  if (decision.attempt.allowed) {
    auto stmt = connection.prepare(kStoreAttempt);
    if (!stmt) return stmt.error();
    const PinFailureState& next = decision.next;
    stmt->bind(1, userId)
        .bind(2, int64_t{next.failures})
        .bind(3, toUnixMillis(now))
        .bind(4, toUnixMillis(next.lockedAt))
        .bind(5, toUnixMillis(next.lockedUntil));
    if (Status s = stmt->run(); !s.ok()) return s.error();
  }
  if (Status s = tx.commit(); !s.ok()) return s.error();
  return decision.attempt;
}

Status SqliteCredentialStore::resetPinFailures(const std::string& userId) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto stmt = (*lease)->prepare(kReset);
  if (!stmt) return stmt.error();
  stmt->bind(1, userId);
  return stmt->run();
}

Result<bool> SqliteCredentialStore::refundPinAttempt(const std::string& userId,
                                                     const PinAttempt& attempt) {
  if (!attempt.allowed) return false;
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto stmt = (*lease)->prepare(kRefund);
  if (!stmt) return stmt.error();
  stmt->bind(1, userId)
      .bind(2, int64_t{attempt.before.failures})
      .bind(3, toUnixMillis(attempt.before.lockedAt))
      .bind(4, toUnixMillis(attempt.before.lockedUntil))
      .bind(5, int64_t{attempt.failures})
      .bind(6, toUnixMillis(attempt.at));
  if (Status s = stmt->run(); !s.ok()) return s.error();
  return sqlite3_changes((*lease)->handle()) > 0;
}

Result<PinFailureState> SqliteCredentialStore::pinFailures(const std::string& userId) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  return readFailures(**lease, userId);
}

Result<bool> SqliteCredentialStore::unlock(const std::string& userId) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto stmt = (*lease)->prepare(kUnlock);
  if (!stmt) return stmt.error();
  stmt->bind(1, userId);
  if (Status s = stmt->run(); !s.ok()) return s.error();
  return sqlite3_changes((*lease)->handle()) > 0;
}

}  // namespace callgate
