#include "app/wiring/storage_backends.h"

#include "adapters/storage/sqlite/sqlite_challenge_store.h"
#include "adapters/storage/sqlite/sqlite_credential_store.h"
#include "adapters/storage/sqlite/sqlite_customer_store.h"
#include "adapters/storage/sqlite/sqlite_database.h"
#include "adapters/storage/sqlite/sqlite_grant_store.h"
#include "adapters/storage/sqlite/sqlite_member_store.h"
#include "adapters/storage/sqlite/sqlite_sms_message_store.h"
#include "adapters/storage/sqlite/sqlite_token_state_store.h"
#include "adapters/storage/sqlite/sqlite_voice_session_store.h"

namespace callgate::app::detail {

Status openSqliteStorage(const StorageConfig& storage, Services& s) {
  auto db = SqliteDatabase::open(storage.location);
  if (!db.ok()) return db.error();
  s.db = std::move(*db);
  SqliteDatabase& d = *s.db;
  s.customers = std::make_unique<SqliteCustomerStore>(d);
  s.challenges = std::make_unique<SqliteChallengeStore>(d);
  s.credentials = std::make_unique<SqliteCredentialStore>(d);
  s.grants = std::make_unique<SqliteGrantStore>(d);
  s.members = std::make_unique<SqliteMemberStore>(d);
  s.voiceSessions = std::make_unique<SqliteVoiceSessionStore>(d);
  s.tokenStates = std::make_unique<SqliteTokenStateStore>(d, *s.clock);
  s.smsMessages = std::make_unique<SqliteSmsMessageStore>(d);
  return okStatus();
}

Status openPostgresStorage(const StorageConfig& storage, Services&) {
  return Error::failedPrecondition("PostgreSQL storage (" + storage.redacted() +
                                   ") is not built in");
}

}  // namespace callgate::app::detail
