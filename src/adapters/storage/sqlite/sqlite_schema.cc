#include "adapters/storage/sqlite/sqlite_schema.h"

namespace callgate {
namespace {

// v1: customers and one-time-code challenges.
// - customers is WITHOUT ROWID: the phone lookup is the hot path, and a clustered primary key
//   answers it from one b-tree instead of an index probe plus a table probe.
// - challenges.id is AUTOINCREMENT so ids are never reused, even if old rows are purged: "latest"
//   means the highest id, which must stay true.
// - challenges_by_phone serves latest(phone) and replace()'s void without a sort;
//   challenges_by_phone_created is covering for the rate-limit counts (a phone range plus a time
//   bound), so they never touch the table.
constexpr const char* kV1 = R"sql(
CREATE TABLE customers (
  phone TEXT PRIMARY KEY NOT NULL,
  first_name TEXT NOT NULL,
  last_name TEXT NOT NULL,
  level TEXT NOT NULL,
  language TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE challenges (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  phone TEXT NOT NULL,
  code_hash TEXT NOT NULL,
  language TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('active', 'verified', 'voided', 'locked'))
);

CREATE INDEX challenges_by_phone ON challenges (phone, id);
CREATE INDEX challenges_by_phone_created ON challenges (phone, created_at_ms);
)sql";

// Twilio voice calls parked between webhook requests (SqliteVoiceSessionStore). id is the random
// session id in the webhook URLs; call_sid is unique so a retried incoming-call webhook finds the
// call it already started. voice_sessions_by_expiry serves the purge of stale calls.
constexpr const char* kVoiceSessions = R"sql(
CREATE TABLE voice_sessions (
  id TEXT PRIMARY KEY NOT NULL,
  call_sid TEXT NOT NULL UNIQUE,
  flow TEXT NOT NULL,
  state TEXT NOT NULL,
  response TEXT NOT NULL,
  version INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  expires_at_ms INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX voice_sessions_by_expiry ON voice_sessions (expires_at_ms);
)sql";

constexpr const char* kMigrations[] = {kV1, kVoiceSessions};

}  // namespace

std::span<const char* const> sqliteMigrations() { return kMigrations; }

}  // namespace callgate
