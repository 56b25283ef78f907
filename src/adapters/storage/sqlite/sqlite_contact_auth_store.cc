#include "adapters/storage/sqlite/sqlite_contact_auth_store.h"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

namespace callgate {
namespace {

constexpr const char* kUpsert =
    "INSERT INTO contact_auth (contact_id, method, user_id, phone, expires_at_ms) "
    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (contact_id, method) DO UPDATE SET "
    "user_id = excluded.user_id, phone = excluded.phone, expires_at_ms = excluded.expires_at_ms";
constexpr const char* kFind =
    "SELECT contact_id, method, user_id, phone, expires_at_ms FROM contact_auth "
    "WHERE contact_id = ?1 AND expires_at_ms > ?2 ORDER BY method";
// The oldest expired rows first, through the expiry index; LIMIT bounds the work of one call.
constexpr const char* kPurge =
    "DELETE FROM contact_auth WHERE (contact_id, method) IN (SELECT contact_id, method FROM "
    "contact_auth WHERE expires_at_ms <= ?1 ORDER BY expires_at_ms LIMIT ?2)";

}  // namespace

Status SqliteContactAuthStore::record(const ContactAuthRecord& r, TimePoint now) {
  if (r.contactId.empty()) return Error::invalidArgument("empty contact id");
  {
    auto lease = db_.acquire();
    if (!lease) return lease.error();
    auto stmt = (*lease)->prepare(kUpsert);
    if (!stmt) return stmt.error();
    stmt->bind(1, r.contactId)
        .bind(2, r.method)
        .bind(3, r.userId)
        .bind(4, r.phone)
        .bind(5, toUnixMillis(r.expiresAt));
    if (Status s = stmt->run(); !s.ok()) return s.error();
  }
  auto purged = removeExpired(now, kContactAuthPurgeBatch);
  if (!purged) {
    spdlog::warn("event=contact_auth_purge_failed error=\"{}\"", purged.error().message());
  }
  return okStatus();
}

Result<std::vector<ContactAuthRecord>> SqliteContactAuthStore::find(const std::string& contactId,
                                                                    TimePoint now) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto stmt = (*lease)->prepare(kFind);
  if (!stmt) return stmt.error();
  stmt->bind(1, contactId).bind(2, toUnixMillis(now));
  std::vector<ContactAuthRecord> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return row.error();
    if (!*row) break;
    out.push_back({stmt->columnText(0), stmt->columnText(1), stmt->columnText(2),
                   stmt->columnText(3), fromUnixMillis(stmt->columnInt64(4))});
  }
  return out;
}

Result<int64_t> SqliteContactAuthStore::removeExpired(TimePoint now, int limit) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  SqliteConnection& connection = **lease;
  auto stmt = connection.prepare(kPurge);
  if (!stmt) return stmt.error();
  stmt->bind(1, toUnixMillis(now)).bind(2, static_cast<int64_t>(limit));
  if (Status s = stmt->run(); !s.ok()) return s.error();
  // Per connection, and this lease is ours alone, so the count is this statement's.
  return static_cast<int64_t>(sqlite3_changes(connection.handle()));
}

}  // namespace callgate
