// Every contract suite against the PostgreSQL backend (postgres_store_factory.h; see README.md).
#include "contracts/callback_store_contract.h"
#include "contracts/challenge_store_contract.h"
#include "contracts/contact_auth_store_contract.h"
#include "contracts/credential_store_contract.h"
#include "contracts/customer_store_contract.h"
#include "contracts/grant_store_contract.h"
#include "contracts/handoff_store_contract.h"
#include "contracts/member_store_contract.h"
#include "contracts/postgres_store_factory.h"
#include "contracts/secret_fingerprint_store_contract.h"
#include "contracts/signing_key_store_contract.h"
#include "contracts/sms_message_store_contract.h"
#include "contracts/staff_store_contract.h"
#include "contracts/token_state_store_contract.h"
#include "contracts/voice_session_store_contract.h"

namespace callgate::contracts {

INSTANTIATE_TYPED_TEST_SUITE_P(Postgres, CustomerStoreContract, PostgresStoreFactory);
INSTANTIATE_TYPED_TEST_SUITE_P(Postgres, CredentialStoreContract, PostgresStoreFactory);
INSTANTIATE_TYPED_TEST_SUITE_P(Postgres, ChallengeStoreContract, PostgresStoreFactory);
INSTANTIATE_TYPED_TEST_SUITE_P(Postgres, GrantStoreContract, PostgresStoreFactory);
INSTANTIATE_TYPED_TEST_SUITE_P(Postgres, MemberStoreContract, PostgresStoreFactory);
INSTANTIATE_TYPED_TEST_SUITE_P(Postgres, TokenStateStoreContract, PostgresStoreFactory);
INSTANTIATE_TYPED_TEST_SUITE_P(Postgres, VoiceSessionStoreContract, PostgresStoreFactory);
INSTANTIATE_TYPED_TEST_SUITE_P(Postgres, SmsMessageStoreContract, PostgresStoreFactory);
INSTANTIATE_TYPED_TEST_SUITE_P(Postgres, SigningKeyStoreContract, PostgresStoreFactory);
INSTANTIATE_TYPED_TEST_SUITE_P(Postgres, SecretFingerprintStoreContract, PostgresStoreFactory);

INSTANTIATE_TYPED_TEST_SUITE_P(Postgres, CallbackStoreContract, PostgresStoreFactory);
INSTANTIATE_TYPED_TEST_SUITE_P(Postgres, ContactAuthStoreContract, PostgresStoreFactory);
INSTANTIATE_TYPED_TEST_SUITE_P(Postgres, StaffStoreContract, PostgresStoreFactory);
INSTANTIATE_TYPED_TEST_SUITE_P(Postgres, HandoffStoreContract, PostgresStoreFactory);

}  // namespace callgate::contracts
