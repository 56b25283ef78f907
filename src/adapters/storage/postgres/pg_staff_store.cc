#include "adapters/storage/postgres/pg_staff_store.h"

#include <string_view>

namespace callgate {
namespace {

constexpr const char* kInsert =
    "INSERT INTO staff (username, role, password_hash, totp_seed, failures, locked_until_ms, "
    "last_totp_step, last_sign_in_ms, created_at_ms, epoch) VALUES ($1, $2, $3, $4, $5, $6, $7, "
    "$8, $9, $10) ON CONFLICT (username) DO NOTHING";
constexpr const char* kFind =
    "SELECT username, role, password_hash, totp_seed, failures, locked_until_ms, last_totp_step, "
    "last_sign_in_ms, created_at_ms, epoch FROM staff WHERE username = $1";
constexpr const char* kList =
    "SELECT username, role, password_hash, totp_seed, failures, locked_until_ms, last_totp_step, "
    "last_sign_in_ms, created_at_ms, epoch FROM staff ORDER BY username";
constexpr const char* kReset =
    "UPDATE staff SET role = $2, password_hash = $3, totp_seed = $4, failures = 0, "
    "locked_until_ms = 0, last_totp_step = 0, epoch = epoch + 1 WHERE username = $1";
constexpr const char* kRemove = "DELETE FROM staff WHERE username = $1";
constexpr const char* kRemoveSessions = "DELETE FROM staff_sessions WHERE username = $1";
constexpr const char* kExists = "SELECT 1 FROM staff WHERE username = $1";
// $2 now, $3 lockAfter, $4 the lock's end.
constexpr const char* kBegin =
    "UPDATE staff SET "
    "locked_until_ms = CASE WHEN failures + 1 >= $3 THEN $4 ELSE locked_until_ms END, "
    "failures = CASE WHEN failures + 1 >= $3 THEN 0 ELSE failures + 1 END "
    "WHERE username = $1 AND locked_until_ms <= $2";
constexpr const char* kComplete =
    "UPDATE staff SET failures = 0, locked_until_ms = 0, last_totp_step = $2, "
    "last_sign_in_ms = $3 WHERE username = $1 AND last_totp_step < $2";
constexpr const char* kCreateSession =
    "INSERT INTO staff_sessions (id_hash, username, epoch, csrf_token, created_at_ms, "
    "last_seen_ms, expires_at_ms) SELECT $1, username, epoch, $4, $5, $6, $7 FROM staff "
    "WHERE username = $2 AND epoch = $3";
constexpr const char* kFindSession =
    "SELECT s.id_hash, s.username, s.csrf_token, s.epoch, s.created_at_ms, s.last_seen_ms, "
    "s.expires_at_ms, a.role FROM staff_sessions s JOIN staff a ON a.username = s.username AND "
    "a.epoch = s.epoch WHERE s.id_hash = $1 AND s.expires_at_ms > $2 AND s.last_seen_ms > $3";
constexpr const char* kTouch = "UPDATE staff_sessions SET last_seen_ms = $2 WHERE id_hash = $1";
constexpr const char* kDeleteSession = "DELETE FROM staff_sessions WHERE id_hash = $1";
// $1 now, $2 the idle cut-off; both conditions have an index.
constexpr const char* kPurge =
    "DELETE FROM staff_sessions WHERE id_hash IN (SELECT id_hash FROM staff_sessions WHERE "
    "expires_at_ms <= $1 UNION SELECT id_hash FROM staff_sessions WHERE last_seen_ms <= $2 "
    "LIMIT $3)";

Result<StaffAccount> readAccount(const PgResult& r, int row) {
  StaffAccount a;
  a.username = r.text(row, 0);
  auto role = parseStaffRole(r.text(row, 1));
  if (!role) return Error::internal("staff " + a.username + " has an unknown role");
  a.role = *role;
  a.passwordHash = r.text(row, 2);
  a.totpSeedSealed = r.text(row, 3);
  a.failures = static_cast<int>(r.integer(row, 4));
  a.lockedUntil = fromUnixMillis(r.integer(row, 5));
  a.lastTotpStep = r.integer(row, 6);
  a.lastSignIn = fromUnixMillis(r.integer(row, 7));
  a.createdAt = fromUnixMillis(r.integer(row, 8));
  a.epoch = r.integer(row, 9);
  return a;
}

}  // namespace

Result<int64_t> PgStaffStore::change(const char* sql, std::initializer_list<PgParam> params) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto r = (*lease)->query(sql, params);
  if (!r) return r.error();
  return r->affected();
}

Status PgStaffStore::existsOrNotFound(const std::string& username) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto r = (*lease)->query(kExists, {username});
  if (!r) return r.error();
  if (r->rows() == 0) return Error::notFound("no staff account " + username);
  return okStatus();
}

Status PgStaffStore::add(const StaffAccount& a) {
  const std::string role(staffRoleName(a.role));
  auto changed = change(kInsert, {a.username, role, a.passwordHash, a.totpSeedSealed, a.failures,
                                  toUnixMillis(a.lockedUntil), a.lastTotpStep,
                                  toUnixMillis(a.lastSignIn), toUnixMillis(a.createdAt), a.epoch});
  if (!changed) return changed.error();
  if (*changed == 0) return Error::alreadyExists("staff account " + a.username + " exists");
  return okStatus();
}

Result<std::optional<StaffAccount>> PgStaffStore::find(const std::string& username) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto r = (*lease)->query(kFind, {username});
  if (!r) return r.error();
  if (r->rows() == 0) return std::optional<StaffAccount>();
  auto account = readAccount(*r, 0);
  if (!account) return account.error();
  return std::optional<StaffAccount>(std::move(*account));
}

Result<std::vector<StaffAccount>> PgStaffStore::list() {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto r = (*lease)->query(kList);
  if (!r) return r.error();
  std::vector<StaffAccount> out;
  for (int row = 0; row < r->rows(); ++row) {
    auto account = readAccount(*r, row);
    if (!account) return account.error();
    out.push_back(std::move(*account));
  }
  return out;
}

Status PgStaffStore::resetCredentials(const std::string& username, StaffRole role,
                                      const std::string& passwordHash,
                                      const std::string& totpSeedSealed) {
  const std::string roleName(staffRoleName(role));
  auto changed = change(kReset, {username, roleName, passwordHash, totpSeedSealed});
  if (!changed) return changed.error();
  if (*changed == 0) return Error::notFound("no staff account " + username);
  return okStatus();
}

Status PgStaffStore::remove(const std::string& username) {
  auto changed = change(kRemove, {username});
  if (!changed) return changed.error();
  if (*changed == 0) return Error::notFound("no staff account " + username);
  // The sessions no longer count (findSession joins on the account); this only tidies.
  auto sessions = change(kRemoveSessions, {username});
  if (!sessions) return sessions.error();
  return okStatus();
}

Result<bool> PgStaffStore::beginSignIn(const std::string& username, TimePoint now, int lockAfter,
                                       Seconds lockFor) {
  auto changed =
      change(kBegin, {username, toUnixMillis(now), lockAfter, toUnixMillis(now + lockFor)});
  if (!changed) return changed.error();
  if (*changed == 1) return true;
  if (Status s = existsOrNotFound(username); !s.ok()) return s.error();
  return false;
}

Result<bool> PgStaffStore::completeSignIn(const std::string& username, int64_t step,
                                          TimePoint now) {
  auto changed = change(kComplete, {username, step, toUnixMillis(now)});
  if (!changed) return changed.error();
  if (*changed == 1) return true;
  if (Status s = existsOrNotFound(username); !s.ok()) return s.error();
  return false;
}

Status PgStaffStore::createSession(const StaffSession& s) {
  auto changed = change(
      kCreateSession, {s.idHash, s.username, s.accountEpoch, s.csrfToken, toUnixMillis(s.createdAt),
                       toUnixMillis(s.lastSeen), toUnixMillis(s.expiresAt)});
  if (!changed) return changed.error();
  if (*changed == 0) {
    return Error::failedPrecondition("staff account " + s.username + " was reset or removed");
  }
  return okStatus();
}

Result<std::optional<StaffSessionView>> PgStaffStore::findSession(const std::string& idHash,
                                                                  TimePoint now, Seconds idle) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto r = (*lease)->query(kFindSession, {idHash, toUnixMillis(now), toUnixMillis(now - idle)});
  if (!r) return r.error();
  if (r->rows() == 0) return std::optional<StaffSessionView>();
  StaffSessionView view;
  view.session.idHash = r->text(0, 0);
  view.session.username = r->text(0, 1);
  view.session.csrfToken = r->text(0, 2);
  view.session.accountEpoch = r->integer(0, 3);
  view.session.createdAt = fromUnixMillis(r->integer(0, 4));
  view.session.lastSeen = fromUnixMillis(r->integer(0, 5));
  view.session.expiresAt = fromUnixMillis(r->integer(0, 6));
  auto role = parseStaffRole(r->text(0, 7));
  if (!role) return Error::internal("staff " + view.session.username + " has an unknown role");
  view.role = *role;
  return std::optional<StaffSessionView>(std::move(view));
}

Status PgStaffStore::touchSession(const std::string& idHash, TimePoint now) {
  auto changed = change(kTouch, {idHash, toUnixMillis(now)});
  if (!changed) return changed.error();
  return okStatus();
}

Status PgStaffStore::deleteSession(const std::string& idHash) {
  auto changed = change(kDeleteSession, {idHash});
  if (!changed) return changed.error();
  return okStatus();
}

Result<int64_t> PgStaffStore::removeExpiredSessions(TimePoint now, Seconds idle, int limit) {
  return change(kPurge, {toUnixMillis(now), toUnixMillis(now - idle), limit});
}

}  // namespace callgate
