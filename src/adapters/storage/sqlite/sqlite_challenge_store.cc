#include "adapters/storage/sqlite/sqlite_challenge_store.h"

#include <sqlite3.h>

#include "adapters/storage/sqlite/sqlite_rows.h"

namespace callgate {
namespace {

constexpr const char* kVoidActive =
    "UPDATE challenges SET state = 'voided' WHERE phone = ?1 AND state = 'active'";
constexpr const char* kInsert =
    "INSERT INTO challenges (phone, code_hash, language, created_at_ms, expires_at_ms, attempts, "
    "max_attempts, state) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
constexpr const char* kLatest =
    "SELECT id, phone, code_hash, language, created_at_ms, expires_at_ms, attempts, max_attempts, "
    "state FROM challenges WHERE phone = ?1 ORDER BY id DESC LIMIT 1";
constexpr const char* kById =
    "SELECT id, phone, code_hash, language, created_at_ms, expires_at_ms, attempts, max_attempts, "
    "state FROM challenges WHERE id = ?1";
// SET expressions read the row's old values, so "attempts + 1" is the count after this failure.
constexpr const char* kRecordFailure =
    "UPDATE challenges SET attempts = attempts + 1, "
    "state = CASE WHEN attempts + 1 >= max_attempts THEN 'locked' ELSE state END "
    "WHERE id = ?1 AND state = 'active'";
constexpr const char* kVerify =
    "UPDATE challenges SET state = 'verified' "
    "WHERE id = ?1 AND state = 'active' AND attempts < max_attempts AND expires_at_ms > ?2";
constexpr const char* kEnrol =
    "INSERT INTO customers (phone, first_name, last_name, level, language, created_at_ms, user_id, "
    "region) VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULLIF(?7, ''), ?8) ON CONFLICT (phone) DO NOTHING";
// Range, not LIKE: LIKE is case-insensitive by default and so cannot use the BINARY index.
constexpr const char* kCountRange =
    "SELECT COUNT(*) FROM challenges WHERE phone >= ?1 AND phone < ?2 AND created_at_ms >= ?3";
constexpr const char* kCountFrom =
    "SELECT COUNT(*) FROM challenges WHERE phone >= ?1 AND created_at_ms >= ?2";

constexpr const char* kCountFailures =
    "SELECT COALESCE(SUM(CASE WHEN created_at_ms >= ?2 THEN attempts ELSE 0 END), 0), "
    "COALESCE(SUM(CASE WHEN id > COALESCE((SELECT MAX(id) FROM challenges WHERE phone = ?1 AND "
    "state = 'verified'), 0) THEN attempts ELSE 0 END), 0) FROM challenges WHERE phone = ?1";

Result<int64_t> countRow(SqliteStatement& stmt) {
  auto row = stmt.step();
  if (!row) return row.error();
  if (!*row) return Error::internal("sqlite: COUNT(*) returned no row");
  return stmt.columnInt64(0);
}

}  // namespace

std::optional<std::string> prefixUpperBound(std::string_view prefix) {
  std::string bound(prefix);
  // Drop trailing 0xFF bytes (they cannot be incremented), then bump the last byte: every string
  // starting with `prefix` is then below `bound` in SQLite's memcmp (BINARY) order.
  while (!bound.empty() && static_cast<unsigned char>(bound.back()) == 0xFF) bound.pop_back();
  if (bound.empty()) return std::nullopt;
  bound.back() = static_cast<char>(static_cast<unsigned char>(bound.back()) + 1);
  return bound;
}

Result<int64_t> SqliteChallengeStore::replace(const Challenge& challenge) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  SqliteConnection& connection = **lease;
  SqliteTransaction tx(connection);
  if (Status s = tx.begin(); !s.ok()) return s.error();
  {
    auto stmt = connection.prepare(kVoidActive);
    if (!stmt) return stmt.error();
    stmt->bind(1, challenge.phone);
    if (Status s = stmt->run(); !s.ok()) return s.error();
  }
  int64_t id = 0;
  {
    auto stmt = connection.prepare(kInsert);
    if (!stmt) return stmt.error();
    stmt->bind(1, challenge.phone)
        .bind(2, challenge.codeHash)
        .bind(3, challenge.language)
        .bind(4, toUnixMillis(challenge.createdAt))
        .bind(5, toUnixMillis(challenge.expiresAt))
        .bind(6, int64_t{challenge.attempts})
        .bind(7, int64_t{challenge.maxAttempts})
        .bind(8, challengeStateName(challenge.state));
    if (Status s = stmt->run(); !s.ok()) return s.error();
    // Per connection, and we hold this one exclusively, so no other insert can interleave.
    id = sqlite3_last_insert_rowid(connection.handle());
  }
  if (Status s = tx.commit(); !s.ok()) return s.error();
  return id;
}

Result<std::optional<Challenge>> SqliteChallengeStore::latest(const std::string& e164) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto stmt = (*lease)->prepare(kLatest);
  if (!stmt) return stmt.error();
  stmt->bind(1, e164);
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) return std::optional<Challenge>();
  auto challenge = sqlite_rows::readChallenge(*stmt);
  if (!challenge) return challenge.error();
  return std::optional<Challenge>(std::move(*challenge));
}

Result<Challenge> SqliteChallengeStore::recordFailure(int64_t id) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  SqliteConnection& connection = **lease;
  // The update and the read-back in one transaction, so the row returned is exactly the one this
  // failure produced, not one a concurrent caller changed in between.
  SqliteTransaction tx(connection);
  if (Status s = tx.begin(); !s.ok()) return s.error();
  {
    auto stmt = connection.prepare(kRecordFailure);
    if (!stmt) return stmt.error();
    stmt->bind(1, id);
    if (Status s = stmt->run(); !s.ok()) return s.error();
  }
  Result<Challenge> after = Error::internal("unset");
  {
    auto stmt = connection.prepare(kById);
    if (!stmt) return stmt.error();
    stmt->bind(1, id);
    auto row = stmt->step();
    if (!row) return row.error();
    if (!*row) return Error::notFound("challenge " + std::to_string(id) + " not found");
    after = sqlite_rows::readChallenge(*stmt);
    if (!after) return after.error();
  }  // the SELECT is reset here, before the commit
  if (Status s = tx.commit(); !s.ok()) return s.error();
  return after;
}

Result<bool> SqliteChallengeStore::redeem(int64_t id, TimePoint now,
                                          const std::optional<Customer>& enroll) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  SqliteConnection& connection = **lease;
  // IMMEDIATE: two redeems of one code (a double submit, two channels) serialize on the write
  // lock; the second finds the state no longer 'active' and loses.
  SqliteTransaction tx(connection);
  if (Status s = tx.begin(); !s.ok()) return s.error();
  {
    auto stmt = connection.prepare(kVerify);
    if (!stmt) return stmt.error();
    stmt->bind(1, id).bind(2, toUnixMillis(now));
    if (Status s = stmt->run(); !s.ok()) return s.error();
  }
  if (sqlite3_changes(connection.handle()) == 0) return false;  // tx rolls back; nothing changed
  if (enroll) {
    // DO NOTHING: a number enrolled meanwhile (or imported) keeps its existing record.
    auto stmt = connection.prepare(kEnrol);
    if (!stmt) return stmt.error();
    sqlite_rows::bindCustomer(*stmt, *enroll);
    if (Status s = stmt->run(); !s.ok()) return s.error();
  }
  if (Status s = tx.commit(); !s.ok()) return s.error();
  return true;
}

Result<int64_t> SqliteChallengeStore::countCreatedSince(const std::string& prefix,
                                                        TimePoint since) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  const std::optional<std::string> bound = prefixUpperBound(prefix);
  if (bound) {
    auto stmt = (*lease)->prepare(kCountRange);
    if (!stmt) return stmt.error();
    stmt->bind(1, prefix).bind(2, *bound).bind(3, toUnixMillis(since));
    return countRow(*stmt);
  }
  auto stmt = (*lease)->prepare(kCountFrom);
  if (!stmt) return stmt.error();
  stmt->bind(1, prefix).bind(2, toUnixMillis(since));
  return countRow(*stmt);
}

Result<OtpFailures> SqliteChallengeStore::countFailures(const std::string& e164, TimePoint since) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto stmt = (*lease)->prepare(kCountFailures);
  if (!stmt) return stmt.error();
  stmt->bind(1, e164).bind(2, toUnixMillis(since));
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) return Error::internal("sqlite: SUM returned no row");
  return OtpFailures{stmt->columnInt64(0), stmt->columnInt64(1)};
}

}  // namespace callgate
