#include "adapters/storage/sqlite/sqlite_credential_store.h"

#include <sqlite3.h>

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
constexpr const char* kEnsureFailureRow =
    "INSERT INTO pin_failures (user_id, failures, last_attempt_at_ms) VALUES (?1, 0, ?2) "
    "ON CONFLICT (user_id) DO NOTHING";
// SET expressions read the old row, so "failures + 1" is the count including this attempt. The
// WHERE refuses the attempt once the limit is reached: then no row changes.
constexpr const char* kCountAttempt =
    "UPDATE pin_failures SET failures = failures + 1, last_attempt_at_ms = ?3, "
    "locked_at_ms = CASE WHEN failures + 1 >= ?2 THEN COALESCE(locked_at_ms, ?3) ELSE locked_at_ms "
    "END "
    "WHERE user_id = ?1 AND failures < ?2";
constexpr const char* kFailures =
    "SELECT failures, COALESCE(locked_at_ms, 0) FROM pin_failures WHERE user_id = ?1";
constexpr const char* kReset =
    "UPDATE pin_failures SET failures = 0, locked_at_ms = NULL WHERE user_id = ?1 AND "
    "(failures <> 0 OR locked_at_ms IS NOT NULL)";
constexpr const char* kUnlock = "DELETE FROM pin_failures WHERE user_id = ?1";

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
                                                          int maxFailures, TimePoint now) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  SqliteConnection& connection = **lease;
  SqliteTransaction tx(connection);
  if (Status s = tx.begin(); !s.ok()) return s.error();
  {
    auto stmt = connection.prepare(kEnsureFailureRow);
    if (!stmt) return stmt.error();
    stmt->bind(1, userId).bind(2, toUnixMillis(now));
    if (Status s = stmt->run(); !s.ok()) return s.error();
  }
  PinAttempt attempt;
  {
    auto stmt = connection.prepare(kCountAttempt);
    if (!stmt) return stmt.error();
    stmt->bind(1, userId).bind(2, int64_t{maxFailures}).bind(3, toUnixMillis(now));
    if (Status s = stmt->run(); !s.ok()) return s.error();
    attempt.allowed = sqlite3_changes(connection.handle()) == 1;
  }
  auto state = readFailures(connection, userId);
  if (!state) return state.error();
  attempt.failures = state->failures;
  if (Status s = tx.commit(); !s.ok()) return s.error();
  return attempt;
}

Status SqliteCredentialStore::resetPinFailures(const std::string& userId) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto stmt = (*lease)->prepare(kReset);
  if (!stmt) return stmt.error();
  stmt->bind(1, userId);
  return stmt->run();
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
