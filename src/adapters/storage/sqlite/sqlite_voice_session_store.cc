#include "adapters/storage/sqlite/sqlite_voice_session_store.h"

#include <sqlite3.h>

namespace callgate {
namespace {

constexpr const char* kInsert =
    "INSERT INTO voice_sessions (id, call_sid, flow, state, response, version, updated_at_ms, "
    "expires_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
constexpr const char* kById =
    "SELECT id, call_sid, flow, state, response, version, updated_at_ms, expires_at_ms "
    "FROM voice_sessions WHERE id = ?1 AND expires_at_ms > ?2";
constexpr const char* kByCallSid =
    "SELECT id, call_sid, flow, state, response, version, updated_at_ms, expires_at_ms "
    "FROM voice_sessions WHERE call_sid = ?1 AND expires_at_ms > ?2";
constexpr const char* kUpdate =
    "UPDATE voice_sessions SET state = ?2, response = ?3, version = ?4, updated_at_ms = ?5, "
    "expires_at_ms = ?6 WHERE id = ?1 AND version = ?7";
constexpr const char* kDelete = "DELETE FROM voice_sessions WHERE id = ?1";
constexpr const char* kDeleteExpired = "DELETE FROM voice_sessions WHERE expires_at_ms <= ?1";

VoiceSessionRecord readRecord(const SqliteStatement& stmt) {
  VoiceSessionRecord r;
  r.id = stmt.columnText(0);
  r.callSid = stmt.columnText(1);
  r.flow = stmt.columnText(2);
  r.state = stmt.columnText(3);
  r.response = stmt.columnText(4);
  r.version = stmt.columnInt64(5);
  r.updatedAt = fromUnixMillis(stmt.columnInt64(6));
  r.expiresAt = fromUnixMillis(stmt.columnInt64(7));
  return r;
}

}  // namespace

Status SqliteVoiceSessionStore::insert(const VoiceSessionRecord& r) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto stmt = (*lease)->prepare(kInsert);
  if (!stmt) return stmt.error();
  stmt->bind(1, r.id)
      .bind(2, r.callSid)
      .bind(3, r.flow)
      .bind(4, r.state)
      .bind(5, r.response)
      .bind(6, r.version)
      .bind(7, toUnixMillis(r.updatedAt))
      .bind(8, toUnixMillis(r.expiresAt));
  return stmt->run();
}

Result<std::optional<VoiceSessionRecord>> SqliteVoiceSessionStore::findOne(const char* sql,
                                                                           const std::string& key,
                                                                           TimePoint now) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto stmt = (*lease)->prepare(sql);
  if (!stmt) return stmt.error();
  stmt->bind(1, key).bind(2, toUnixMillis(now));
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) return std::optional<VoiceSessionRecord>();
  return std::optional<VoiceSessionRecord>(readRecord(*stmt));
}

Result<std::optional<VoiceSessionRecord>> SqliteVoiceSessionStore::find(const std::string& id,
                                                                        TimePoint now) {
  return findOne(kById, id, now);
}

Result<std::optional<VoiceSessionRecord>> SqliteVoiceSessionStore::findByCallSid(
    const std::string& callSid, TimePoint now) {
  return findOne(kByCallSid, callSid, now);
}

Result<bool> SqliteVoiceSessionStore::update(const VoiceSessionRecord& r, int64_t expectedVersion) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  SqliteConnection& connection = **lease;
  auto stmt = connection.prepare(kUpdate);
  if (!stmt) return stmt.error();
  stmt->bind(1, r.id)
      .bind(2, r.state)
      .bind(3, r.response)
      .bind(4, r.version)
      .bind(5, toUnixMillis(r.updatedAt))
      .bind(6, toUnixMillis(r.expiresAt))
      .bind(7, expectedVersion);
  if (Status s = stmt->run(); !s.ok()) return s.error();
  // Per connection, and this lease is ours alone, so the count is this statement's.
  return sqlite3_changes(connection.handle()) == 1;
}

Status SqliteVoiceSessionStore::remove(const std::string& id) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto stmt = (*lease)->prepare(kDelete);
  if (!stmt) return stmt.error();
  stmt->bind(1, id);
  return stmt->run();
}

Result<int64_t> SqliteVoiceSessionStore::removeExpired(TimePoint now) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  SqliteConnection& connection = **lease;
  auto stmt = connection.prepare(kDeleteExpired);
  if (!stmt) return stmt.error();
  stmt->bind(1, toUnixMillis(now));
  if (Status s = stmt->run(); !s.ok()) return s.error();
  return static_cast<int64_t>(sqlite3_changes(connection.handle()));
}

}  // namespace callgate
