// verify-pin in front of a verifier that is not callgate's own store (a directory): the lockout,
// the fail-safe answer when it cannot answer, the attributes and the number on file it states.
#include <gtest/gtest.h>

#include "fakes/fake_credential_verifier.h"
#include "fakes/fakes.h"
#include "fakes/in_memory_contact_auth_store.h"
#include "functions/action_links.h"
#include "functions/issue_action_link.h"
#include "functions/verify_pin.h"

namespace callgate {
namespace {

using namespace callgate::testing;  // NOLINT: test file

constexpr const char* kDirectoryPhone = "+14155550142";

class VerifyPinVerifierTest : public ::testing::Test {
 protected:
  VerifyPinVerifierTest()
      : credentials_(customers_),
        fn_(PinDeps{customers_, credentials_, directory_, clock_, audit_,
                    PinLockoutPolicy{{{3, Seconds(60)}}, 6}},
            ledger_),
        links_(LinkDeps{customers_, grants_, sms_, codeHasher_, random_, clock_, audit_, {}}),
        issue_(links_, ledger_, LinkNumberSource::kSignIn) {}

  StringMap verify(const std::string& userId, const std::string& pin) {
    FunctionRequest request;
    request.contact.contactId = "c-1";
    request.contact.customerAddress = "+14155550199";
    request.parameters = {{"userId", userId}, {"pin", pin}};
    auto result = fn_.invoke(request);
    EXPECT_TRUE(result.ok()) << result.error().toString();
    return result.ok() ? *result : StringMap{};
  }

  // The fields of the last audit event named `event`.
  std::map<std::string, std::string> lastAudit(std::string_view event) const {
    for (auto it = audit_.events.rbegin(); it != audit_.events.rend(); ++it) {
      if (it->first == event) return {it->second.begin(), it->second.end()};
    }
    ADD_FAILURE() << "no audit event " << event;
    return {};
  }

  int failures(const std::string& userId) { return credentials_.pinFailures(userId)->failures; }

  static VerifiedIdentity dana() {
    VerifiedIdentity id;
    id.userId = "20240001";
    id.subject = "uid=20240001,ou=people,dc=example,dc=com";
    id.phone = kDirectoryPhone;
    id.firstName = "Dana";
    id.lastName = "Scully";
    return id;
  }

  FakeClock clock_;
  FakeRandom random_;
  FakeCodeHasher codeHasher_;
  InMemoryCustomerStore customers_;
  InMemoryCredentialStore credentials_;
  InMemoryGrantStore grants_;
  RecordingSmsSender sms_;
  RecordingAuditLog audit_;
  InMemoryContactAuthStore contactAuth_;
  ContactAuthLedger ledger_{contactAuth_, customers_, clock_};
  FakeCredentialVerifier directory_{"ldap"};
  VerifyPin fn_;
  ActionLinks links_;
  IssueActionLink issue_;
};

TEST_F(VerifyPinVerifierTest, VerifiedSignsInWithTheDirectorysIdentity) {
  directory_.verifies(dana());
  StringMap out = verify("20240001", "2468");
  EXPECT_EQ(out["authResult"], "Authenticated");
  EXPECT_EQ(out["authenticated"], "True");
  EXPECT_EQ(out["userId"], "20240001");
  EXPECT_EQ(out["authMethod"], "pin");
  EXPECT_EQ(out["firstName"], "Dana");
  EXPECT_EQ(out["lastName"], "Scully");
  EXPECT_EQ(out["custLevel"], "");  // neither the directory nor the customer store knows one
  EXPECT_EQ(directory_.lastUserId, "20240001");
  EXPECT_EQ(directory_.lastSecret, "2468");
  EXPECT_EQ(lastAudit("pin_verified")["verifier"], "ldap");
  auto records = ledger_.records("c-1");
  ASSERT_TRUE(records.ok());
  ASSERT_EQ(records->size(), 1u);
  EXPECT_EQ((*records)[0].userId, "20240001");
  EXPECT_EQ((*records)[0].phone, kDirectoryPhone);
}

TEST_F(VerifyPinVerifierTest, LevelAndLanguageTheDirectoryLacksComeFromTheCustomerStore) {
  // callgate knows the number (another record, no user id): its level and language fill in.
  ASSERT_TRUE(customers_.add({kDirectoryPhone, "D", "S", "Gold", "en-GB", {}}).ok());
  VerifiedIdentity id = dana();
  id.language = "fr-CA";  // the directory's wins where it has one
  directory_.verifies(id);
  StringMap out = verify("20240001", "2468");
  EXPECT_EQ(out["authResult"], "Authenticated");
  EXPECT_EQ(out["custLevel"], "Gold");
  EXPECT_EQ(out["language"], "fr-CA");
  EXPECT_EQ(out["firstName"], "Dana");  // names are the directory's
}

TEST_F(VerifyPinVerifierTest, TheLinkGoesToTheNumberTheDirectoryStates) {
  // The customer store has the same user id with another number: the directory's wins.
  Customer old{"+14155550100", "Old", "Record", "Gold", "en-US", {}};
  old.userId = "20240001";
  ASSERT_TRUE(customers_.add(old).ok());
  directory_.verifies(dana());
  ASSERT_EQ(verify("20240001", "2468")["authResult"], "Authenticated");
  FunctionRequest request;
  request.contact.contactId = "c-1";
  request.parameters = {{"userId", "20240001"}};
  auto out = issue_.invoke(request);
  ASSERT_TRUE(out.ok()) << out.error().toString();
  EXPECT_EQ(out->at("linkResult"), "Sent");
  ASSERT_EQ(sms_.sent.size(), 1u);
  EXPECT_EQ(sms_.sent[0].to, kDirectoryPhone);
}

TEST_F(VerifyPinVerifierTest, ADirectoryUserWithoutAnAccountGetsNoLink) {
  // Signed in by the directory, but no customer has the user id: no account to act on.
  directory_.verifies(dana());
  ASSERT_EQ(verify("20240001", "2468")["authResult"], "Authenticated");
  FunctionRequest request;
  request.contact.contactId = "c-1";
  request.parameters = {{"userId", "20240001"}};
  auto out = issue_.invoke(request);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->at("reason"), "unknown_user");
  EXPECT_TRUE(sms_.sent.empty());
}

TEST_F(VerifyPinVerifierTest, ADirectoryUserWithoutANumberGetsTheCustomerStoresNumber) {
  Customer account{"+14155550100", "Dana", "Scully", "", "en-US", {}};
  account.userId = "20240001";
  ASSERT_TRUE(customers_.add(account).ok());
  VerifiedIdentity id = dana();
  id.phone.clear();
  directory_.verifies(id);
  ASSERT_EQ(verify("20240001", "2468")["authResult"], "Authenticated");
  FunctionRequest request;
  request.contact.contactId = "c-1";
  request.parameters = {{"userId", "20240001"}};
  auto out = issue_.invoke(request);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->at("linkResult"), "Sent");
  ASSERT_EQ(sms_.sent.size(), 1u);
  EXPECT_EQ(sms_.sent[0].to, "+14155550100");
}

TEST_F(VerifyPinVerifierTest, RejectedIsDeniedAndCountedWithTheDetailOnlyInTheAudit) {
  directory_.rejects("unknown_user");
  StringMap out = verify("20240001", "2468");
  EXPECT_EQ(out["authResult"], "Denied");
  EXPECT_EQ(out["authenticated"], "False");
  EXPECT_EQ(out["attemptsRemaining"], "2");
  EXPECT_EQ(out.count("reason"), 0u);
  auto audit = lastAudit("pin_failed");
  EXPECT_EQ(audit["verifier"], "ldap");
  EXPECT_EQ(audit["reason"], "unknown_user");
  EXPECT_EQ(failures("20240001"), 1);
  // The same answer for a wrong secret.
  directory_.rejects("wrong_secret");
  StringMap again = verify("20240002", "2468");
  EXPECT_EQ(again, out);
}

TEST_F(VerifyPinVerifierTest, ALockedUserIdNeverReachesTheDirectory) {
  directory_.rejects("wrong_secret");
  for (int i = 0; i < 3; ++i) verify("20240001", "1111");
  EXPECT_EQ(directory_.calls, 3);
  directory_.verifies(dana());
  StringMap out = verify("20240001", "2468");  // the right secret, but locked
  EXPECT_EQ(out["authResult"], "Locked");
  EXPECT_EQ(out["lockKind"], "temporary");
  EXPECT_EQ(directory_.calls, 3);
  EXPECT_EQ(lastAudit("pin_refused_locked")["verifier"], "ldap");
}

TEST_F(VerifyPinVerifierTest, ADirectoryThatCannotAnswerFailsSafeAndDoesNotCount) {
  directory_.fails(Error::unavailable("ldap://127.0.0.1:3890: Can't contact LDAP server"));
  StringMap out = verify("20240001", "2468");
  EXPECT_EQ(out["lambdaResult"], "Success");
  EXPECT_EQ(out["authResult"], "Unavailable");
  EXPECT_EQ(out["authenticated"], "False");
  EXPECT_EQ(out.count("userId"), 0u);
  EXPECT_EQ(out.count("firstName"), 0u);
  auto audit = lastAudit("pin_check_unavailable");
  EXPECT_EQ(audit["verifier"], "ldap");
  EXPECT_EQ(audit["error"], "unavailable");
  EXPECT_EQ(audit["counted"], "false");
  EXPECT_FALSE(audit_.has("pin_verified"));
  EXPECT_FALSE(audit_.has("pin_failed"));
  EXPECT_EQ(failures("20240001"), 0);  // an outage locks nobody out
  auto records = ledger_.records("c-1");
  ASSERT_TRUE(records.ok());
  EXPECT_TRUE(records->empty());
  // Many calls during an outage still lock nobody.
  for (int i = 0; i < 10; ++i) EXPECT_EQ(verify("20240001", "2468")["authResult"], "Unavailable");
  EXPECT_EQ(failures("20240001"), 0);
  // The directory comes back: the caller signs in.
  directory_.verifies(dana());
  EXPECT_EQ(verify("20240001", "2468")["authResult"], "Authenticated");
}

TEST_F(VerifyPinVerifierTest, AnOutageKeepsEarlierWrongPinsAndStartsNoLock) {
  directory_.rejects("wrong_secret");
  verify("20240001", "1111");
  verify("20240001", "1111");
  // The third attempt would start the lock (steps: 3 failures); the directory is down.
  directory_.fails(Error::unavailable("timed out"));
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(verify("20240001", "2468")["authResult"], "Unavailable");
    EXPECT_EQ(lastAudit("pin_check_unavailable")["counted"], "false");
  }
  EXPECT_EQ(failures("20240001"), 2);  // the earlier wrong PINs stay, no lock
  EXPECT_EQ(credentials_.pinFailures("20240001")->lockedUntil, TimePoint{});
  directory_.verifies(dana());
  EXPECT_EQ(verify("20240001", "2468")["authResult"], "Authenticated");
}

TEST_F(VerifyPinVerifierTest, AnAnswerAfterTheFlowsTimeLimitSignsNobodyIn) {
  // The check finished after the caller was told it could not be done: nothing says otherwise.
  FunctionRequest request;
  request.contact.contactId = "c-late";
  request.parameters = {{"userId", "20240001"}, {"pin", "2468"}};
  request.deadline = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  directory_.verifies(dana());
  auto late = fn_.invoke(request);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(lastAudit("pin_check_late")["outcome"], "match");
  for (const auto& [event, fields] : audit_.events) EXPECT_NE(event, "pin_verified");
  auto records = ledger_.records("c-late");
  ASSERT_TRUE(records.ok());
  EXPECT_TRUE(records->empty()) << "the contact is recorded as signed in";
  EXPECT_EQ(failures("20240001"), 0) << "a right PIN, answered late, is held against the caller";

  // A wrong PIN answered late stays counted, as it would have been in time.
  directory_.rejects("wrong_secret");
  request.parameters["pin"] = "1111";
  ASSERT_FALSE(fn_.invoke(request).ok());
  EXPECT_EQ(lastAudit("pin_check_late")["outcome"], "no_match");
  EXPECT_EQ(failures("20240001"), 1);

  // In time, the same request signs in.
  request.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  request.parameters["pin"] = "2468";
  directory_.verifies(dana());
  auto inTime = fn_.invoke(request);
  ASSERT_TRUE(inTime.ok());
  EXPECT_EQ((*inTime)["authResult"], "Authenticated");
}

TEST_F(VerifyPinVerifierTest, NoAuditFieldOrAnswerHoldsTheSecret) {
  directory_.fails(Error::unavailable("bind failed"));
  verify("20240001", "97531");
  directory_.rejects("wrong_secret");
  verify("20240001", "97531");
  directory_.verifies(dana());
  verify("20240001", "97531");
  for (const auto& [event, fields] : audit_.events) {
    for (const auto& [key, value] : fields) {
      EXPECT_EQ(value.find("97531"), std::string::npos) << event << "." << key;
    }
  }
}

TEST_F(VerifyPinVerifierTest, AMalformedPinIsDeniedWhateverTheVerifierSays) {
  directory_.verifies(dana());
  EXPECT_EQ(verify("20240001", "12")["authResult"], "Denied");
  EXPECT_EQ(verify("20240001", "")["authResult"], "Denied");
  EXPECT_EQ(verify("20240001", "123456789")["authResult"], "Locked");  // the third failure
  EXPECT_FALSE(audit_.has("pin_verified"));
  EXPECT_EQ(directory_.calls, 0);  // never sent to the directory, but counted
  EXPECT_EQ(failures("20240001"), 3);
  EXPECT_EQ(lastAudit("pin_failed")["reason"], "malformed_pin");
}

TEST_F(VerifyPinVerifierTest, AMalformedUserIdNeverReachesTheVerifier) {
  directory_.verifies(dana());
  EXPECT_EQ(verify("*)(uid=*", "2468")["authResult"], "Denied");
  EXPECT_EQ(directory_.calls, 0);
  EXPECT_EQ(lastAudit("pin_failed")["reason"], "malformed_user_id");
}

}  // namespace
}  // namespace callgate
