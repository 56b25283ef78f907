#include "app/wiring/storage_backends.h"

#include <spdlog/spdlog.h>

#include <cstdlib>

#include "adapters/storage/postgres/pg_callback_store.h"
#include "adapters/storage/postgres/pg_challenge_store.h"
#include "adapters/storage/postgres/pg_contact_auth_store.h"
#include "adapters/storage/postgres/pg_credential_store.h"
#include "adapters/storage/postgres/pg_customer_store.h"
#include "adapters/storage/postgres/pg_database.h"
#include "adapters/storage/postgres/pg_grant_store.h"
#include "adapters/storage/postgres/pg_handoff_store.h"
#include "adapters/storage/postgres/pg_member_store.h"
#include "adapters/storage/postgres/pg_secret_fingerprint_store.h"
#include "adapters/storage/postgres/pg_signing_key_store.h"
#include "adapters/storage/postgres/pg_sms_message_store.h"
#include "adapters/storage/postgres/pg_staff_store.h"
#include "adapters/storage/postgres/pg_token_state_store.h"
#include "adapters/storage/postgres/pg_voice_session_store.h"
#include "adapters/storage/sqlite/sqlite_callback_store.h"
#include "adapters/storage/sqlite/sqlite_challenge_store.h"
#include "adapters/storage/sqlite/sqlite_contact_auth_store.h"
#include "adapters/storage/sqlite/sqlite_credential_store.h"
#include "adapters/storage/sqlite/sqlite_customer_store.h"
#include "adapters/storage/sqlite/sqlite_database.h"
#include "adapters/storage/sqlite/sqlite_grant_store.h"
#include "adapters/storage/sqlite/sqlite_handoff_store.h"
#include "adapters/storage/sqlite/sqlite_member_store.h"
#include "adapters/storage/sqlite/sqlite_secret_fingerprint_store.h"
#include "adapters/storage/sqlite/sqlite_signing_key_store.h"
#include "adapters/storage/sqlite/sqlite_sms_message_store.h"
#include "adapters/storage/sqlite/sqlite_staff_store.h"
#include "adapters/storage/sqlite/sqlite_token_state_store.h"
#include "adapters/storage/sqlite/sqlite_voice_session_store.h"

namespace callgate::app::detail {
namespace {

// Customers stored before the region column existed get theirs now, before anything reads it.
template <typename Store>
Status fillRegions(Store& customers) {
  auto filled = customers.fillMissingRegions();
  if (!filled.ok()) return filled.error();
  if (*filled > 0) spdlog::info("event=customer_regions_filled count={}", *filled);
  return okStatus();
}

}  // namespace

Status openSqliteStorage(const StorageConfig& storage, Services& s) {
  auto db = SqliteDatabase::open(storage.location);
  if (!db.ok()) return db.error();
  s.db = std::move(*db);
  SqliteDatabase& d = *s.db;
  auto customers = std::make_unique<SqliteCustomerStore>(d);
  if (Status filled = fillRegions(*customers); !filled.ok()) return filled;
  s.customers = std::move(customers);
  s.challenges = std::make_unique<SqliteChallengeStore>(d);
  s.credentials = std::make_unique<SqliteCredentialStore>(d);
  s.grants = std::make_unique<SqliteGrantStore>(d);
  s.members = std::make_unique<SqliteMemberStore>(d);
  s.callbacks = std::make_unique<SqliteCallbackStore>(d);
  s.contactAuth = std::make_unique<SqliteContactAuthStore>(d);
  s.staff = std::make_unique<SqliteStaffStore>(d);
  s.handoffs = std::make_unique<SqliteHandoffStore>(d);
  s.voiceSessions = std::make_unique<SqliteVoiceSessionStore>(d);
  s.tokenStates = std::make_unique<SqliteTokenStateStore>(d, *s.clock);
  s.smsMessages = std::make_unique<SqliteSmsMessageStore>(d);
  s.signingKeys = std::make_unique<SqliteSigningKeyStore>(d);
  s.secretFingerprints = std::make_unique<SqliteSecretFingerprintStore>(d);
  return okStatus();
}

Status openPostgresStorage(const StorageConfig& storage, Services& s) {
  PgOptions options;
  options.url = storage.location;
  // The password never sits in the config file; libpq reads PGPASSWORD and ~/.pgpass itself.
  if (const char* password = std::getenv("CALLGATE_DB_PASSWORD"); password && *password) {
    options.password = password;
  }
  options.maxConnections = storage.poolSize;
  options.connectTimeout = Millis(storage.connectTimeoutMs);
  options.statementTimeout = Millis(storage.statementTimeoutMs);
  auto db = PgDatabase::open(options);
  if (!db.ok()) return db.error();
  s.pg = std::move(*db);
  PgDatabase& d = *s.pg;
  auto customers = std::make_unique<PgCustomerStore>(d);
  if (Status filled = fillRegions(*customers); !filled.ok()) return filled;
  s.customers = std::move(customers);
  s.challenges = std::make_unique<PgChallengeStore>(d);
  s.credentials = std::make_unique<PgCredentialStore>(d);
  s.grants = std::make_unique<PgGrantStore>(d);
  s.members = std::make_unique<PgMemberStore>(d);
  s.callbacks = std::make_unique<PgCallbackStore>(d);
  s.contactAuth = std::make_unique<PgContactAuthStore>(d);
  s.staff = std::make_unique<PgStaffStore>(d);
  s.handoffs = std::make_unique<PgHandoffStore>(d);
  s.voiceSessions = std::make_unique<PgVoiceSessionStore>(d);
  s.tokenStates = std::make_unique<PgTokenStateStore>(d, *s.clock);
  s.smsMessages = std::make_unique<PgSmsMessageStore>(d);
  s.signingKeys = std::make_unique<PgSigningKeyStore>(d);
  s.secretFingerprints = std::make_unique<PgSecretFingerprintStore>(d);
  return okStatus();
}

}  // namespace callgate::app::detail
