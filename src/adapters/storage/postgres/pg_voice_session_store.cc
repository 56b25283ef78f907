#include "adapters/storage/postgres/pg_voice_session_store.h"

namespace callgate {
namespace {

constexpr const char* kInsert =
    "INSERT INTO voice_sessions (id, call_sid, flow, state, response, version, updated_at_ms, "
    "expires_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
constexpr const char* kById =
    "SELECT id, call_sid, flow, state, response, version, updated_at_ms, expires_at_ms "
    "FROM voice_sessions WHERE id = $1 AND expires_at_ms > $2";
constexpr const char* kByCallSid =
    "SELECT id, call_sid, flow, state, response, version, updated_at_ms, expires_at_ms "
    "FROM voice_sessions WHERE call_sid = $1 AND expires_at_ms > $2";
constexpr const char* kUpdate =
    "UPDATE voice_sessions SET state = $2, response = $3, version = $4, updated_at_ms = $5, "
    "expires_at_ms = $6 WHERE id = $1 AND version = $7";
constexpr const char* kDelete = "DELETE FROM voice_sessions WHERE id = $1";
constexpr const char* kDeleteExpired = "DELETE FROM voice_sessions WHERE expires_at_ms <= $1";

}  // namespace

Status PgVoiceSessionStore::insert(const VoiceSessionRecord& r) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto result = (*lease)->query(kInsert, {r.id, r.callSid, r.flow, r.state, r.response, r.version,
                                          toUnixMillis(r.updatedAt), toUnixMillis(r.expiresAt)});
  if (!result) return result.error();
  return okStatus();
}

Result<std::optional<VoiceSessionRecord>> PgVoiceSessionStore::findOne(const char* sql,
                                                                       const std::string& key,
                                                                       TimePoint now) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto r = (*lease)->query(sql, {key, toUnixMillis(now)});
  if (!r) return r.error();
  if (r->rows() == 0) return std::optional<VoiceSessionRecord>();
  VoiceSessionRecord v;
  v.id = r->text(0, 0);
  v.callSid = r->text(0, 1);
  v.flow = r->text(0, 2);
  v.state = r->text(0, 3);
  v.response = r->text(0, 4);
  v.version = r->integer(0, 5);
  v.updatedAt = fromUnixMillis(r->integer(0, 6));
  v.expiresAt = fromUnixMillis(r->integer(0, 7));
  return std::optional<VoiceSessionRecord>(std::move(v));
}

Result<std::optional<VoiceSessionRecord>> PgVoiceSessionStore::find(const std::string& id,
                                                                    TimePoint now) {
  return findOne(kById, id, now);
}

Result<std::optional<VoiceSessionRecord>> PgVoiceSessionStore::findByCallSid(
    const std::string& callSid, TimePoint now) {
  return findOne(kByCallSid, callSid, now);
}

Result<bool> PgVoiceSessionStore::update(const VoiceSessionRecord& r, int64_t expectedVersion) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto result =
      (*lease)->query(kUpdate, {r.id, r.state, r.response, r.version, toUnixMillis(r.updatedAt),
                                toUnixMillis(r.expiresAt), expectedVersion});
  if (!result) return result.error();
  return result->affected() == 1;
}

Status PgVoiceSessionStore::remove(const std::string& id) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto r = (*lease)->query(kDelete, {id});
  if (!r) return r.error();
  return okStatus();
}

Result<int64_t> PgVoiceSessionStore::removeExpired(TimePoint now) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto r = (*lease)->query(kDeleteExpired, {toUnixMillis(now)});
  if (!r) return r.error();
  return r->affected();
}

}  // namespace callgate
