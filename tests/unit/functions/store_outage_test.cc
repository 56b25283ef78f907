// Every built-in function with the database taken away at each of its store calls in turn: the
// failure comes back as kUnavailable (so the Connect endpoints answer 503 and the voice channels
// take the flow's error branch), never as an answer, never as kInternal; no failed call claims
// success in its result or in the audit log, and nothing is texted for a code or link that was
// not stored.
#include <gtest/gtest.h>

#include <functional>
#include <memory>

#include "fakes/failing_stores.h"
#include "fakes/fakes.h"
#include "fakes/in_memory_contact_auth_store.h"
#include "functions/action_links.h"
#include "functions/builtin_credential_verifier.h"
#include "functions/issue_action_link.h"
#include "functions/lookup_caller.h"
#include "functions/send_otp.h"
#include "functions/verify_otp.h"
#include "functions/verify_pin.h"

namespace callgate {
namespace {

using namespace callgate::testing;  // NOLINT: test file

constexpr const char* kCaller = "+14155550100";
constexpr const char* kUserId = "12345678";
constexpr const char* kPin = "4321";

// One database (the in-memory fakes) behind failing wrappers, and every function over them.
struct World {
  World()
      : challenges(customers),
        credentials(customers),
        failingCustomers(customers, outage),
        failingChallenges(challenges, outage),
        failingCredentials(credentials, outage),
        failingGrants(grants, outage),
        failingContactAuth(contactAuth, outage),
        ledger(failingContactAuth, failingCustomers, clock),
        otp{failingCustomers, failingChallenges, sms, hasher, random, clock, audit, OtpConfig{}},
        lookup(failingCustomers, CallerIdTrust::kAttested),
        send(otp),
        verify(otp, ledger),
        pin(PinDeps{failingCustomers, failingCredentials, builtin, clock, audit,
                    PinLockoutPolicy::permanentAfter(5)},
            ledger),
        links(LinkDeps{failingCustomers, failingGrants, sms, hasher, random, clock, audit, {}}),
        issue(links, ledger) {
    Customer ada{kCaller, "Ada", "Lovelace", "Gold", "en-GB", {}};
    ada.userId = kUserId;
    EXPECT_TRUE(customers.addWithPins({{ada, *pinHasher.hash(kUserId, kPin)}}).ok());
  }

  FunctionRequest request(StringMap params = {}, const std::string& from = kCaller) const {
    FunctionRequest r;
    r.contact.contactId = "c-1";
    r.contact.customerAddress = from;
    r.contact.attestation = Attestation::kA;
    r.parameters = std::move(params);
    return r;
  }

  StoreOutage outage;
  FakeClock clock;
  FakeRandom random;
  FakeCodeHasher hasher;
  FakePinHasher pinHasher;
  InMemoryCustomerStore customers;
  InMemoryChallengeStore challenges;
  InMemoryCredentialStore credentials;
  InMemoryGrantStore grants;
  InMemoryContactAuthStore contactAuth;
  RecordingSmsSender sms;
  RecordingAuditLog audit;
  FailingCustomerStore failingCustomers;
  FailingChallengeStore failingChallenges;
  FailingCredentialStore failingCredentials;
  FailingGrantStore failingGrants;
  FailingContactAuthStore failingContactAuth;
  ContactAuthLedger ledger;
  BuiltinCredentialVerifier builtin{failingCredentials, pinHasher, failingCustomers, clock};
  OtpDeps otp;
  LookupCaller lookup;
  SendOtp send;
  VerifyOtp verify;
  VerifyPin pin;
  ActionLinks links;
  IssueActionLink issue;
};

struct Sweep {
  std::function<void(World&)> arrange;  // runs with the database up
  std::function<Result<StringMap>(World&)> act;
  std::vector<std::string> successEvents;  // audit events that claim success
};

// Fails the database from the n-th store call of `act` on, for n = 0, 1, ... until `act` no longer
// reaches a failing call. Returns how many store calls the successful run made.
int sweep(const Sweep& s) {
  for (int n = 0; n < 50; ++n) {
    World w;
    if (s.arrange) s.arrange(w);
    const size_t smsBefore = w.sms.sent.size();
    const size_t auditBefore = w.audit.events.size();
    w.outage.failAfter(n);
    Result<StringMap> result = s.act(w);
    if (w.outage.failures() == 0) {
      EXPECT_TRUE(result.ok()) << "n=" << n << ": " << result.error().toString();
      return n;
    }
    SCOPED_TRACE("database down from store call " + std::to_string(n));
    EXPECT_FALSE(result.ok()) << "a store call failed but the function answered";
    if (result.ok()) {
      EXPECT_NE(result->count("authenticated") ? result->at("authenticated") : "", "True");
      continue;
    }
    EXPECT_EQ(result.error().code(), ErrorCode::kUnavailable) << result.error().toString();
    for (size_t i = auditBefore; i < w.audit.events.size(); ++i) {
      for (const std::string& claim : s.successEvents) {
        EXPECT_NE(w.audit.events[i].first, claim) << "the audit log claims success";
      }
    }
    EXPECT_EQ(w.sms.sent.size(), smsBefore) << "texted something that was not stored";
  }
  ADD_FAILURE() << "the function never succeeded";
  return -1;
}

TEST(StoreOutageTest, LookupCallerAnswersUnavailable) {
  const int calls = sweep({nullptr, [](World& w) { return w.lookup.invoke(w.request()); }, {}});
  EXPECT_EQ(calls, 1);  // findByPhone
}

TEST(StoreOutageTest, SendOtpAnswersUnavailableAndTextsNothingUnstored) {
  const int calls = sweep({nullptr,
                           [](World& w) {
                             w.random.scriptDigits("123456");
                             return w.send.invoke(w.request({}, "+14155550123"));
                           },
                           {"otp_sent"}});
  // the countries on file (no dialled number here), four rate counts and the challenge
  EXPECT_EQ(calls, 6);
}

TEST(StoreOutageTest, VerifyOtpNeverAuthenticatesWhenAWriteFails) {
  // An unknown caller: the right code enrols them, so every write of the journey is swept.
  constexpr const char* kNewCaller = "+14155550123";
  const int calls = sweep({[](World& w) {
                             w.random.scriptDigits("123456");
                             ASSERT_TRUE(w.send.invoke(w.request({}, kNewCaller)).ok());
                           },
                           [](World& w) {
                             auto r = w.verify.invoke(w.request({{"code", "123456"}}, kNewCaller));
                             if (r.ok()) {
                               EXPECT_EQ(r->at("authenticated"), "True");
                             }
                             return r;
                           },
                           {"otp_verified", "customer_enrolled"}});
  EXPECT_EQ(calls, 5);  // latest, findByPhone, redeem (with the enrolment), findByPhone, record
}

TEST(StoreOutageTest, AWrongOtpIsNotCountedAsAnAnswerWhenTheCounterCannotBeWritten) {
  sweep({[](World& w) {
           w.random.scriptDigits("123456");
           ASSERT_TRUE(w.send.invoke(w.request()).ok());
         },
         [](World& w) {
           return w.verify.invoke(w.request({{"code", "000000"}}));
         },
         {"otp_verified"}});
}

TEST(StoreOutageTest, VerifyPinNeverAuthenticatesWhenAWriteFails) {
  const int calls = sweep({nullptr,
                           [](World& w) {
                             auto r = w.pin.invoke(w.request({{"userId", kUserId}, {"pin", kPin}}));
                             if (r.ok()) {
                               EXPECT_EQ(r->at("authenticated"), "True");
                             }
                             return r;
                           },
                           {"pin_verified"}});
  EXPECT_EQ(calls, 5);  // beginPinAttempt, pinHash, resetPinFailures, findByUserId, record
}

TEST(StoreOutageTest, IssueActionLinkAnswersUnavailableAndTextsNoUnstoredLink) {
  const int calls =
      sweep({[](World& w) {
               ASSERT_TRUE(w.ledger.record("c-1", kContactAuthPin, kUserId, kCaller).ok());
             },
             [](World& w) {
               FunctionRequest r = w.request({{"userId", kUserId}});
               auto out = w.issue.invoke(r);
               if (out.ok()) {
                 EXPECT_EQ(out->at("linkResult"), "Sent");
               }
               return out;
             },
             {"link_issued"}});
  EXPECT_EQ(calls, 4);  // the contact's records, findByUserId, countIssuedSince, insert
}

// The database comes back: the next call works without anything being reset.
TEST(StoreOutageTest, FunctionsRecoverWhenTheDatabaseComesBack) {
  World w;
  w.outage.goDown();
  auto down = w.lookup.invoke(w.request());
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.error().code(), ErrorCode::kUnavailable);
  w.outage.comeBack();
  auto up = w.lookup.invoke(w.request());
  ASSERT_TRUE(up.ok());
  EXPECT_EQ(up->at("authenticated"), "True");
}

}  // namespace
}  // namespace callgate
