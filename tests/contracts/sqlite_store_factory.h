// The SQLite backend of the contract suites (README.md): every store over one fresh database file
// in a temporary directory, removed with it.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

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
#include "fakes/fakes.h"
#include "fakes/temp_dir.h"

namespace callgate::contracts {

class SqliteStoreFactory {
 public:
  callgate::testing::FakeClock& clock() { return clock_; }
  CustomerStore& customers() { return customers_; }
  CredentialStore& credentials() { return credentials_; }
  ChallengeStore& challenges() { return challenges_; }
  GrantStore& grants() { return grants_; }
  MemberStore& members() { return members_; }
  TokenStateStore& tokens() { return tokens_; }
  VoiceSessionStore& voiceSessions() { return voiceSessions_; }
  SmsMessageStore& smsMessages() { return smsMessages_; }
  CallbackStore& callbacks() { return callbacks_; }
  ContactAuthStore& contactAuth() { return contactAuth_; }
  StaffStore& staff() { return staff_; }
  HandoffStore& handoffs() { return handoffs_; }
  SigningKeyStore& signingKeys() { return signingKeys_; }
  SecretFingerprintStore& secretFingerprints() { return secretFingerprints_; }

 private:
  // No test can run without its database: stop here rather than on a null pointer later.
  static std::unique_ptr<SqliteDatabase> openOrDie(const std::string& path) {
    auto db = SqliteDatabase::open(path);
    if (!db.ok()) {
      std::fprintf(stderr, "cannot open %s: %s\n", path.c_str(), db.error().toString().c_str());
      std::abort();
    }
    return std::move(*db);
  }

  callgate::testing::TempDir dir_;
  callgate::testing::FakeClock clock_;
  std::unique_ptr<SqliteDatabase> db_ = openOrDie(dir_.file("callgate.db"));
  SqliteCustomerStore customers_{*db_};
  SqliteCredentialStore credentials_{*db_};
  SqliteChallengeStore challenges_{*db_};
  SqliteGrantStore grants_{*db_};
  SqliteMemberStore members_{*db_};
  SqliteCallbackStore callbacks_{*db_};
  SqliteContactAuthStore contactAuth_{*db_};
  SqliteStaffStore staff_{*db_};
  SqliteHandoffStore handoffs_{*db_};
  SqliteTokenStateStore tokens_{*db_, clock_};
  SqliteVoiceSessionStore voiceSessions_{*db_};
  SqliteSmsMessageStore smsMessages_{*db_};
  SqliteSigningKeyStore signingKeys_{*db_};
  SqliteSecretFingerprintStore secretFingerprints_{*db_};
};

}  // namespace callgate::contracts
