// The in-memory backend of the contract suites (README.md): the fakes of tests/fakes, sharing one
// InMemoryCustomerStore as the SQLite stores share one database.
#pragma once

#include "core/cluster_state.h"
#include "core/ports.h"
#include "core/sms_message.h"
#include "fakes/fakes.h"
#include "fakes/in_memory_callback_store.h"
#include "fakes/in_memory_cluster_state.h"
#include "fakes/in_memory_contact_auth_store.h"
#include "fakes/in_memory_handoff_store.h"
#include "fakes/in_memory_sms_message_store.h"
#include "fakes/in_memory_staff_store.h"

namespace callgate::contracts {

class FakeStoreFactory {
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
  SigningKeyStore& signingKeys() { return signingKeys_; }
  SecretFingerprintStore& secretFingerprints() { return secretFingerprints_; }
  CallbackStore& callbacks() { return callbacks_; }
  ContactAuthStore& contactAuth() { return contactAuth_; }
  StaffStore& staff() { return staff_; }
  HandoffStore& handoffs() { return handoffs_; }

 private:
  callgate::testing::FakeClock clock_;
  callgate::testing::InMemoryCustomerStore customers_;
  callgate::testing::InMemoryCredentialStore credentials_{customers_};
  callgate::testing::InMemoryChallengeStore challenges_{customers_};
  callgate::testing::InMemoryGrantStore grants_;
  callgate::testing::InMemoryMemberStore members_{customers_};
  callgate::testing::InMemoryTokenStateStore tokens_;
  callgate::testing::InMemoryVoiceSessionStore voiceSessions_;
  callgate::testing::InMemorySmsMessageStore smsMessages_;
  callgate::testing::InMemorySigningKeyStore signingKeys_;
  callgate::testing::InMemorySecretFingerprintStore secretFingerprints_;
  callgate::testing::InMemoryCallbackStore callbacks_;
  callgate::testing::InMemoryContactAuthStore contactAuth_;
  callgate::testing::InMemoryStaffStore staff_;
  callgate::testing::InMemoryHandoffStore handoffs_;
};

}  // namespace callgate::contracts
