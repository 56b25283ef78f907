// The PostgreSQL backend of the contract suites (README.md): every store over one fresh, empty
// database (postgres_test_server.h) on the server the test binary shares, dropped with the
// factory. Also builds the two cluster-state stores (signingKeys(), secretFingerprints()).
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

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
#include "contracts/postgres_test_server.h"
#include "fakes/fakes.h"

namespace callgate::contracts {

class PostgresStoreFactory {
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
  static std::unique_ptr<PgDatabase> openOrDie(const std::string& url) {
    PgOptions options;
    options.url = url;
    auto db = PgDatabase::open(options);
    if (!db.ok()) {
      std::fprintf(stderr, "cannot open %s: %s\n", url.c_str(), db.error().toString().c_str());
      std::abort();
    }
    return std::move(*db);
  }

  // First, so it is dropped last, after every store and connection is gone.
  callgate::testing::PgTestDatabase database_;
  callgate::testing::FakeClock clock_;
  std::unique_ptr<PgDatabase> db_ = openOrDie(database_.url());
  PgCustomerStore customers_{*db_};
  PgCredentialStore credentials_{*db_};
  PgChallengeStore challenges_{*db_};
  PgGrantStore grants_{*db_};
  PgMemberStore members_{*db_};
  PgCallbackStore callbacks_{*db_};
  PgContactAuthStore contactAuth_{*db_};
  PgStaffStore staff_{*db_};
  PgHandoffStore handoffs_{*db_};
  PgTokenStateStore tokens_{*db_, clock_};
  PgVoiceSessionStore voiceSessions_{*db_};
  PgSmsMessageStore smsMessages_{*db_};
  PgSigningKeyStore signingKeys_{*db_};
  PgSecretFingerprintStore secretFingerprints_{*db_};
};

}  // namespace callgate::contracts
