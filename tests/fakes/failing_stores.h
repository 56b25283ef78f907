// Store wrappers that fail on demand, for the "database unavailable" tests: each forwards to an
// inner store (usually an in-memory fake) until the shared StoreOutage says the database is away,
// then answers ErrorCode::kUnavailable without touching the inner store, as the SQLite and
// PostgreSQL adapters do when the server is stopped or unreachable. An outage can start now
// (goDown), after a number of further calls (failAfter, to sweep every store call of a function)
// and end (comeBack), so a test can take the database away mid-journey and bring it back.
// Thread-safety: StoreOutage is atomic; the wrappers are as thread-safe as their inner stores.
#pragma once

#include <atomic>
#include <climits>
#include <string>
#include <utility>
#include <vector>

#include "core/ports.h"

namespace callgate::testing {

class StoreOutage {
 public:
  // Every call from now on fails.
  void goDown() { failAfter(0); }
  // The next `calls` store calls succeed; every later one fails.
  void failAfter(int calls) { remaining_.store(calls); }
  void comeBack() { remaining_.store(INT_MAX); }
  // Counts one store call; true when it must fail.
  bool failsNow() {
    calls_.fetch_add(1);
    int left = remaining_.load();
    while (left > 0 && left != INT_MAX && !remaining_.compare_exchange_weak(left, left - 1)) {
    }
    const bool failed = left <= 0;
    if (failed) failures_.fetch_add(1);
    return failed;
  }
  int calls() const { return calls_.load(); }
  int failures() const { return failures_.load(); }

  static Error error() { return Error::unavailable("database unavailable (test outage)"); }

 private:
  std::atomic<int> remaining_{INT_MAX};
  std::atomic<int> calls_{0};
  std::atomic<int> failures_{0};
};

// Forwards `call` to the inner store unless the outage says this call fails.
#define CALLGATE_FORWARD(call)                           \
  do {                                                   \
    if (outage_.failsNow()) return StoreOutage::error(); \
    return inner_.call;                                  \
  } while (false)

class FailingCustomerStore : public CustomerStore {
 public:
  FailingCustomerStore(CustomerStore& inner, StoreOutage& outage)
      : inner_(inner), outage_(outage) {}
  Result<std::optional<Customer>> findByPhone(const std::string& e164) override {
    CALLGATE_FORWARD(findByPhone(e164));
  }
  Result<std::optional<Customer>> findByUserId(const std::string& userId) override {
    CALLGATE_FORWARD(findByUserId(userId));
  }
  Status add(const Customer& customer) override { CALLGATE_FORWARD(add(customer)); }
  Status addAll(const std::vector<Customer>& customers) override {
    CALLGATE_FORWARD(addAll(customers));
  }
  Status addWithPins(const std::vector<CustomerRecord>& records) override {
    CALLGATE_FORWARD(addWithPins(records));
  }
  Result<int64_t> count() override { CALLGATE_FORWARD(count()); }
  Result<int64_t> countUpTo(int64_t limit) override { CALLGATE_FORWARD(countUpTo(limit)); }
  Result<std::vector<std::string>> regionsOnFile() override { CALLGATE_FORWARD(regionsOnFile()); }
  Result<std::vector<Customer>> findByPhoneSuffix(const std::string& digits, int limit) override {
    CALLGATE_FORWARD(findByPhoneSuffix(digits, limit));
  }

 private:
  CustomerStore& inner_;
  StoreOutage& outage_;
};

class FailingCredentialStore : public CredentialStore {
 public:
  FailingCredentialStore(CredentialStore& inner, StoreOutage& outage)
      : inner_(inner), outage_(outage) {}
  Result<std::optional<std::string>> pinHash(const std::string& userId) override {
    CALLGATE_FORWARD(pinHash(userId));
  }
  Status setPinHash(const std::string& userId, const std::string& hash, TimePoint now) override {
    CALLGATE_FORWARD(setPinHash(userId, hash, now));
  }
  Result<PinAttempt> beginPinAttempt(const std::string& userId, const PinLockoutPolicy& policy,
                                     TimePoint now) override {
    CALLGATE_FORWARD(beginPinAttempt(userId, policy, now));
  }
  Status resetPinFailures(const std::string& userId) override {
    CALLGATE_FORWARD(resetPinFailures(userId));
  }
  Result<bool> refundPinAttempt(const std::string& userId, const PinAttempt& attempt) override {
    CALLGATE_FORWARD(refundPinAttempt(userId, attempt));
  }
  Result<PinFailureState> pinFailures(const std::string& userId) override {
    CALLGATE_FORWARD(pinFailures(userId));
  }
  Result<bool> unlock(const std::string& userId) override { CALLGATE_FORWARD(unlock(userId)); }

 private:
  CredentialStore& inner_;
  StoreOutage& outage_;
};

class FailingGrantStore : public GrantStore {
 public:
  FailingGrantStore(GrantStore& inner, StoreOutage& outage) : inner_(inner), outage_(outage) {}
  Result<int64_t> insert(const Grant& grant) override { CALLGATE_FORWARD(insert(grant)); }
  Result<std::optional<Grant>> findByCodeHash(const std::string& codeHash) override {
    CALLGATE_FORWARD(findByCodeHash(codeHash));
  }
  Result<bool> redeem(int64_t id, TimePoint now) override { CALLGATE_FORWARD(redeem(id, now)); }
  Result<int64_t> countIssuedSince(const std::string& userId, TimePoint since) override {
    CALLGATE_FORWARD(countIssuedSince(userId, since));
  }

 private:
  GrantStore& inner_;
  StoreOutage& outage_;
};

class FailingMemberStore : public MemberStore {
 public:
  FailingMemberStore(MemberStore& inner, StoreOutage& outage) : inner_(inner), outage_(outage) {}
  Result<int64_t> add(const Member& member) override { CALLGATE_FORWARD(add(member)); }
  Result<std::vector<Member>> listByAccount(const std::string& accountUserId) override {
    CALLGATE_FORWARD(listByAccount(accountUserId));
  }

 private:
  MemberStore& inner_;
  StoreOutage& outage_;
};

class FailingChallengeStore : public ChallengeStore {
 public:
  FailingChallengeStore(ChallengeStore& inner, StoreOutage& outage)
      : inner_(inner), outage_(outage) {}
  Result<int64_t> replace(const Challenge& challenge) override {
    CALLGATE_FORWARD(replace(challenge));
  }
  Result<std::optional<Challenge>> latest(const std::string& e164) override {
    CALLGATE_FORWARD(latest(e164));
  }
  Result<Challenge> recordFailure(int64_t id) override { CALLGATE_FORWARD(recordFailure(id)); }
  Result<bool> redeem(int64_t id, TimePoint now, const std::optional<Customer>& enroll) override {
    CALLGATE_FORWARD(redeem(id, now, enroll));
  }
  Result<int64_t> countCreatedSince(const std::string& prefix, TimePoint since) override {
    CALLGATE_FORWARD(countCreatedSince(prefix, since));
  }
  Result<OtpFailures> countFailures(const std::string& e164, TimePoint since) override {
    CALLGATE_FORWARD(countFailures(e164, since));
  }

 private:
  ChallengeStore& inner_;
  StoreOutage& outage_;
};

class FailingTokenStateStore : public TokenStateStore {
 public:
  FailingTokenStateStore(TokenStateStore& inner, StoreOutage& outage)
      : inner_(inner), outage_(outage) {}
  Status revoke(const std::string& jti, TimePoint expiresAt) override {
    CALLGATE_FORWARD(revoke(jti, expiresAt));
  }
  Result<bool> consume(const std::string& jti, TimePoint expiresAt) override {
    CALLGATE_FORWARD(consume(jti, expiresAt));
  }
  Result<bool> isRevoked(const std::string& jti) override { CALLGATE_FORWARD(isRevoked(jti)); }

 private:
  TokenStateStore& inner_;
  StoreOutage& outage_;
};

class FailingContactAuthStore : public ContactAuthStore {
 public:
  FailingContactAuthStore(ContactAuthStore& inner, StoreOutage& outage)
      : inner_(inner), outage_(outage) {}
  Status record(const ContactAuthRecord& record, TimePoint now) override {
    CALLGATE_FORWARD(record(record, now));
  }
  Result<std::vector<ContactAuthRecord>> find(const std::string& contactId,
                                              TimePoint now) override {
    CALLGATE_FORWARD(find(contactId, now));
  }
  Result<int64_t> removeExpired(TimePoint now, int limit) override {
    CALLGATE_FORWARD(removeExpired(now, limit));
  }

 private:
  ContactAuthStore& inner_;
  StoreOutage& outage_;
};

class FailingVoiceSessionStore : public VoiceSessionStore {
 public:
  FailingVoiceSessionStore(VoiceSessionStore& inner, StoreOutage& outage)
      : inner_(inner), outage_(outage) {}
  Status insert(const VoiceSessionRecord& record) override { CALLGATE_FORWARD(insert(record)); }
  Result<std::optional<VoiceSessionRecord>> find(const std::string& id, TimePoint now) override {
    CALLGATE_FORWARD(find(id, now));
  }
  Result<std::optional<VoiceSessionRecord>> findByCallSid(const std::string& callSid,
                                                          TimePoint now) override {
    CALLGATE_FORWARD(findByCallSid(callSid, now));
  }
  Result<bool> update(const VoiceSessionRecord& record, int64_t expectedVersion) override {
    CALLGATE_FORWARD(update(record, expectedVersion));
  }
  Status remove(const std::string& id) override { CALLGATE_FORWARD(remove(id)); }
  Result<int64_t> removeExpired(TimePoint now) override { CALLGATE_FORWARD(removeExpired(now)); }

 private:
  VoiceSessionStore& inner_;
  StoreOutage& outage_;
};

#undef CALLGATE_FORWARD

// A flow for outage tests: lookup-caller, then straight to the agent, with no Error branch on the
// function, so a failing store makes the Session end with a flow error (what the channels'
// fail-safe diverts).
inline constexpr const char* kNoErrorBranchFlow =
    R"({"Version": "2019-10-30", "StartAction": "lookup",
  "Actions": [
    {"Identifier": "lookup", "Type": "InvokeLambdaFunction",
     "Parameters": {"LambdaFunctionARN": "arn:aws:lambda:us-east-1:000000000000:function:lookup-caller"},
     "Transitions": {"NextAction": "set"}},
    {"Identifier": "set", "Type": "UpdateContactAttributes",
     "Parameters": {"Attributes": {"authenticated": "$.External.authenticated"}},
     "Transitions": {"NextAction": "queue"}},
    {"Identifier": "queue", "Type": "UpdateContactTargetQueue", "Parameters": {"QueueId": "Agents"},
     "Transitions": {"NextAction": "transfer"}},
    {"Identifier": "transfer", "Type": "TransferContactToQueue", "Transitions": {}}]})";

}  // namespace callgate::testing
