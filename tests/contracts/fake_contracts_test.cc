// Every contract suite against the in-memory backend (fake_store_factory.h; see README.md).
#include "contracts/callback_store_contract.h"
#include "contracts/challenge_store_contract.h"
#include "contracts/contact_auth_store_contract.h"
#include "contracts/credential_store_contract.h"
#include "contracts/customer_store_contract.h"
#include "contracts/fake_store_factory.h"
#include "contracts/grant_store_contract.h"
#include "contracts/handoff_store_contract.h"
#include "contracts/member_store_contract.h"
#include "contracts/secret_fingerprint_store_contract.h"
#include "contracts/signing_key_store_contract.h"
#include "contracts/sms_message_store_contract.h"
#include "contracts/staff_store_contract.h"
#include "contracts/token_state_store_contract.h"
#include "contracts/voice_session_store_contract.h"

namespace callgate::contracts {

INSTANTIATE_TYPED_TEST_SUITE_P(Fake, CustomerStoreContract, FakeStoreFactory);
INSTANTIATE_TYPED_TEST_SUITE_P(Fake, CredentialStoreContract, FakeStoreFactory);
INSTANTIATE_TYPED_TEST_SUITE_P(Fake, ChallengeStoreContract, FakeStoreFactory);
INSTANTIATE_TYPED_TEST_SUITE_P(Fake, GrantStoreContract, FakeStoreFactory);
INSTANTIATE_TYPED_TEST_SUITE_P(Fake, MemberStoreContract, FakeStoreFactory);
INSTANTIATE_TYPED_TEST_SUITE_P(Fake, TokenStateStoreContract, FakeStoreFactory);
INSTANTIATE_TYPED_TEST_SUITE_P(Fake, VoiceSessionStoreContract, FakeStoreFactory);
INSTANTIATE_TYPED_TEST_SUITE_P(Fake, SmsMessageStoreContract, FakeStoreFactory);
INSTANTIATE_TYPED_TEST_SUITE_P(Fake, SigningKeyStoreContract, FakeStoreFactory);
INSTANTIATE_TYPED_TEST_SUITE_P(Fake, SecretFingerprintStoreContract, FakeStoreFactory);

INSTANTIATE_TYPED_TEST_SUITE_P(Fake, CallbackStoreContract, FakeStoreFactory);
INSTANTIATE_TYPED_TEST_SUITE_P(Fake, ContactAuthStoreContract, FakeStoreFactory);
INSTANTIATE_TYPED_TEST_SUITE_P(Fake, StaffStoreContract, FakeStoreFactory);
INSTANTIATE_TYPED_TEST_SUITE_P(Fake, HandoffStoreContract, FakeStoreFactory);

}  // namespace callgate::contracts
