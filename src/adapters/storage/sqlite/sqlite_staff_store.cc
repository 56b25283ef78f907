#include "adapters/storage/sqlite/sqlite_staff_store.h"

#include <sqlite3.h>

#include <string_view>

namespace callgate {
namespace {

constexpr const char* kInsert =
    "INSERT INTO staff (username, role, password_hash, totp_seed, failures, locked_until_ms, "
    "last_totp_step, last_sign_in_ms, created_at_ms, epoch) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
    "?8, ?9, ?10) ON CONFLICT (username) DO NOTHING";
constexpr const char* kFind =
    "SELECT username, role, password_hash, totp_seed, failures, locked_until_ms, last_totp_step, "
    "last_sign_in_ms, created_at_ms, epoch FROM staff WHERE username = ?1";
constexpr const char* kList =
    "SELECT username, role, password_hash, totp_seed, failures, locked_until_ms, last_totp_step, "
    "last_sign_in_ms, created_at_ms, epoch FROM staff ORDER BY username";
constexpr const char* kReset =
    "UPDATE staff SET role = ?2, password_hash = ?3, totp_seed = ?4, failures = 0, "
    "locked_until_ms = 0, last_totp_step = 0, epoch = epoch + 1 WHERE username = ?1";
constexpr const char* kRemove = "DELETE FROM staff WHERE username = ?1";
constexpr const char* kRemoveSessions = "DELETE FROM staff_sessions WHERE username = ?1";
constexpr const char* kExists = "SELECT 1 FROM staff WHERE username = ?1";
// ?2 now, ?3 lockAfter, ?4 the lock's end.
constexpr const char* kBegin =
    "UPDATE staff SET "
    "locked_until_ms = CASE WHEN failures + 1 >= ?3 THEN ?4 ELSE locked_until_ms END, "
    "failures = CASE WHEN failures + 1 >= ?3 THEN 0 ELSE failures + 1 END "
    "WHERE username = ?1 AND locked_until_ms <= ?2";
constexpr const char* kComplete =
    "UPDATE staff SET failures = 0, locked_until_ms = 0, last_totp_step = ?2, "
    "last_sign_in_ms = ?3 WHERE username = ?1 AND last_totp_step < ?2";
constexpr const char* kCreateSession =
    "INSERT INTO staff_sessions (id_hash, username, epoch, csrf_token, created_at_ms, "
    "last_seen_ms, expires_at_ms) SELECT ?1, username, epoch, ?4, ?5, ?6, ?7 FROM staff "
    "WHERE username = ?2 AND epoch = ?3";
constexpr const char* kFindSession =
    "SELECT s.id_hash, s.username, s.csrf_token, s.epoch, s.created_at_ms, s.last_seen_ms, "
    "s.expires_at_ms, a.role FROM staff_sessions s JOIN staff a ON a.username = s.username AND "
    "a.epoch = s.epoch WHERE s.id_hash = ?1 AND s.expires_at_ms > ?2 AND s.last_seen_ms > ?3";
constexpr const char* kTouch = "UPDATE staff_sessions SET last_seen_ms = ?2 WHERE id_hash = ?1";
constexpr const char* kDeleteSession = "DELETE FROM staff_sessions WHERE id_hash = ?1";
// ?1 now, ?2 the idle cut-off; both conditions have an index.
constexpr const char* kPurge =
    "DELETE FROM staff_sessions WHERE id_hash IN (SELECT id_hash FROM staff_sessions WHERE "
    "expires_at_ms <= ?1 UNION SELECT id_hash FROM staff_sessions WHERE last_seen_ms <= ?2 "
    "LIMIT ?3)";

Result<StaffAccount> readAccount(const SqliteStatement& stmt) {
  StaffAccount a;
  a.username = stmt.columnText(0);
  auto role = parseStaffRole(stmt.columnText(1));
  if (!role) return Error::internal("staff " + a.username + " has an unknown role");
  a.role = *role;
  a.passwordHash = stmt.columnText(2);
  a.totpSeedSealed = stmt.columnText(3);
  a.failures = static_cast<int>(stmt.columnInt64(4));
  a.lockedUntil = fromUnixMillis(stmt.columnInt64(5));
  a.lastTotpStep = stmt.columnInt64(6);
  a.lastSignIn = fromUnixMillis(stmt.columnInt64(7));
  a.createdAt = fromUnixMillis(stmt.columnInt64(8));
  a.epoch = stmt.columnInt64(9);
  return a;
}

}  // namespace

Result<int64_t> SqliteStaffStore::change(const char* sql,
                                         const std::function<void(SqliteStatement&)>& bind) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  SqliteConnection& connection = **lease;
  auto stmt = connection.prepare(sql);
  if (!stmt) return stmt.error();
  bind(*stmt);
  if (Status s = stmt->run(); !s.ok()) return s.error();
  // Per connection, and this lease is ours alone, so the count is this statement's.
  return static_cast<int64_t>(sqlite3_changes(connection.handle()));
}

Status SqliteStaffStore::existsOrNotFound(const std::string& username) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto stmt = (*lease)->prepare(kExists);
  if (!stmt) return stmt.error();
  stmt->bind(1, username);
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) return Error::notFound("no staff account " + username);
  return okStatus();
}

Status SqliteStaffStore::add(const StaffAccount& a) {
  auto changed = change(kInsert, [&](SqliteStatement& s) {
    s.bind(1, a.username)
        .bind(2, std::string(staffRoleName(a.role)))
        .bind(3, a.passwordHash)
        .bind(4, a.totpSeedSealed)
        .bind(5, static_cast<int64_t>(a.failures))
        .bind(6, toUnixMillis(a.lockedUntil))
        .bind(7, a.lastTotpStep)
        .bind(8, toUnixMillis(a.lastSignIn))
        .bind(9, toUnixMillis(a.createdAt))
        .bind(10, a.epoch);
  });
  if (!changed) return changed.error();
  if (*changed == 0) return Error::alreadyExists("staff account " + a.username + " exists");
  return okStatus();
}

Result<std::optional<StaffAccount>> SqliteStaffStore::find(const std::string& username) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto stmt = (*lease)->prepare(kFind);
  if (!stmt) return stmt.error();
  stmt->bind(1, username);
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) return std::optional<StaffAccount>();
  auto account = readAccount(*stmt);
  if (!account) return account.error();
  return std::optional<StaffAccount>(std::move(*account));
}

Result<std::vector<StaffAccount>> SqliteStaffStore::list() {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto stmt = (*lease)->prepare(kList);
  if (!stmt) return stmt.error();
  std::vector<StaffAccount> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return row.error();
    if (!*row) break;
    auto account = readAccount(*stmt);
    if (!account) return account.error();
    out.push_back(std::move(*account));
  }
  return out;
}

Status SqliteStaffStore::resetCredentials(const std::string& username, StaffRole role,
                                          const std::string& passwordHash,
                                          const std::string& totpSeedSealed) {
  auto changed = change(kReset, [&](SqliteStatement& s) {
    s.bind(1, username)
        .bind(2, std::string(staffRoleName(role)))
        .bind(3, passwordHash)
        .bind(4, totpSeedSealed);
  });
  if (!changed) return changed.error();
  if (*changed == 0) return Error::notFound("no staff account " + username);
  return okStatus();
}

Status SqliteStaffStore::remove(const std::string& username) {
  auto changed = change(kRemove, [&](SqliteStatement& s) { s.bind(1, username); });
  if (!changed) return changed.error();
  if (*changed == 0) return Error::notFound("no staff account " + username);
  // The sessions no longer count (findSession joins on the account); this only tidies.
  auto sessions = change(kRemoveSessions, [&](SqliteStatement& s) { s.bind(1, username); });
  if (!sessions) return sessions.error();
  return okStatus();
}

Result<bool> SqliteStaffStore::beginSignIn(const std::string& username, TimePoint now,
                                           int lockAfter, Seconds lockFor) {
  auto changed = change(kBegin, [&](SqliteStatement& s) {
    s.bind(1, username)
        .bind(2, toUnixMillis(now))
        .bind(3, static_cast<int64_t>(lockAfter))
        .bind(4, toUnixMillis(now + lockFor));
  });
  if (!changed) return changed.error();
  if (*changed == 1) return true;
  if (Status s = existsOrNotFound(username); !s.ok()) return s.error();
  return false;
}

Result<bool> SqliteStaffStore::completeSignIn(const std::string& username, int64_t step,
                                              TimePoint now) {
  auto changed = change(kComplete, [&](SqliteStatement& s) {
    s.bind(1, username).bind(2, step).bind(3, toUnixMillis(now));
  });
  if (!changed) return changed.error();
  if (*changed == 1) return true;
  if (Status s = existsOrNotFound(username); !s.ok()) return s.error();
  return false;
}

Status SqliteStaffStore::createSession(const StaffSession& session) {
  auto changed = change(kCreateSession, [&](SqliteStatement& s) {
    s.bind(1, session.idHash)
        .bind(2, session.username)
        .bind(3, session.accountEpoch)
        .bind(4, session.csrfToken)
        .bind(5, toUnixMillis(session.createdAt))
        .bind(6, toUnixMillis(session.lastSeen))
        .bind(7, toUnixMillis(session.expiresAt));
  });
  if (!changed) return changed.error();
  if (*changed == 0) {
    return Error::failedPrecondition("staff account " + session.username + " was reset or removed");
  }
  return okStatus();
}

Result<std::optional<StaffSessionView>> SqliteStaffStore::findSession(const std::string& idHash,
                                                                      TimePoint now, Seconds idle) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto stmt = (*lease)->prepare(kFindSession);
  if (!stmt) return stmt.error();
  stmt->bind(1, idHash).bind(2, toUnixMillis(now)).bind(3, toUnixMillis(now - idle));
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) return std::optional<StaffSessionView>();
  StaffSessionView view;
  view.session.idHash = stmt->columnText(0);
  view.session.username = stmt->columnText(1);
  view.session.csrfToken = stmt->columnText(2);
  view.session.accountEpoch = stmt->columnInt64(3);
  view.session.createdAt = fromUnixMillis(stmt->columnInt64(4));
  view.session.lastSeen = fromUnixMillis(stmt->columnInt64(5));
  view.session.expiresAt = fromUnixMillis(stmt->columnInt64(6));
  auto role = parseStaffRole(stmt->columnText(7));
  if (!role) return Error::internal("staff " + view.session.username + " has an unknown role");
  view.role = *role;
  return std::optional<StaffSessionView>(std::move(view));
}

Status SqliteStaffStore::touchSession(const std::string& idHash, TimePoint now) {
  auto changed =
      change(kTouch, [&](SqliteStatement& s) { s.bind(1, idHash).bind(2, toUnixMillis(now)); });
  if (!changed) return changed.error();
  return okStatus();
}

Status SqliteStaffStore::deleteSession(const std::string& idHash) {
  auto changed = change(kDeleteSession, [&](SqliteStatement& s) { s.bind(1, idHash); });
  if (!changed) return changed.error();
  return okStatus();
}

Result<int64_t> SqliteStaffStore::removeExpiredSessions(TimePoint now, Seconds idle, int limit) {
  return change(kPurge, [&](SqliteStatement& s) {
    s.bind(1, toUnixMillis(now))
        .bind(2, toUnixMillis(now - idle))
        .bind(3, static_cast<int64_t>(limit));
  });
}

}  // namespace callgate
