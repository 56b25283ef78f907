// Every contract suite against the SQLite backend (sqlite_store_factory.h; see README.md).
#include "contracts/callback_store_contract.h"
#include "contracts/challenge_store_contract.h"
#include "contracts/contact_auth_store_contract.h"
#include "contracts/credential_store_contract.h"
#include "contracts/customer_store_contract.h"
#include "contracts/grant_store_contract.h"
#include "contracts/handoff_store_contract.h"
#include "contracts/member_store_contract.h"
#include "contracts/secret_fingerprint_store_contract.h"
#include "contracts/signing_key_store_contract.h"
#include "contracts/sms_message_store_contract.h"
#include "contracts/sqlite_store_factory.h"
#include "contracts/staff_store_contract.h"
#include "contracts/token_state_store_contract.h"
#include "contracts/voice_session_store_contract.h"

namespace callgate::contracts {

INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, CustomerStoreContract, SqliteStoreFactory);
INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, CredentialStoreContract, SqliteStoreFactory);
INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, ChallengeStoreContract, SqliteStoreFactory);
INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, GrantStoreContract, SqliteStoreFactory);
INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, MemberStoreContract, SqliteStoreFactory);
INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, TokenStateStoreContract, SqliteStoreFactory);
INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, VoiceSessionStoreContract, SqliteStoreFactory);
INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, SmsMessageStoreContract, SqliteStoreFactory);
INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, SigningKeyStoreContract, SqliteStoreFactory);
INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, SecretFingerprintStoreContract, SqliteStoreFactory);

INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, CallbackStoreContract, SqliteStoreFactory);
INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, ContactAuthStoreContract, SqliteStoreFactory);
INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, StaffStoreContract, SqliteStoreFactory);
INSTANTIATE_TYPED_TEST_SUITE_P(Sqlite, HandoffStoreContract, SqliteStoreFactory);

}  // namespace callgate::contracts
