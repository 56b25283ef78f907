#include "functions/verify_pin.h"

#include <gtest/gtest.h>

#include "fakes/fakes.h"
#include "fakes/in_memory_contact_auth_store.h"
#include "functions/builtin_credential_verifier.h"

namespace callgate {
namespace {

using namespace callgate::testing;  // NOLINT: test file

class VerifyPinTest : public ::testing::Test {
 protected:
  VerifyPinTest()
      : credentials_(customers_),
        fn_(PinDeps{customers_, credentials_, builtin_, clock_, audit_,
                    PinLockoutPolicy::permanentAfter(5)},
            ledger_) {
    Customer ada{"+14155550100", "Ada", "Lovelace", "Gold", "en-GB", {}};
    ada.userId = "12345678";
    Customer grace{"+14155550101", "Grace", "Hopper", "Platinum", "en-US", {}};
    grace.userId = "87654321";  // no PIN set
    EXPECT_TRUE(
        customers_.addWithPins({{ada, *hasher_.hash("12345678", "4321")}, {grace, ""}}).ok());
  }

  StringMap verify(const std::string& userId, const std::string& pin) {
    FunctionRequest request;
    request.contact.contactId = "c-1";
    request.contact.customerAddress = "+14155550199";
    request.parameters = {{"userId", userId}, {"pin", pin}};
    auto result = fn_.invoke(request);
    EXPECT_TRUE(result.ok()) << result.error().toString();
    return result.ok() ? *result : StringMap{};
  }

  int count(std::string_view event) const {
    int n = 0;
    for (const auto& e : audit_.events) n += e.first == event;
    return n;
  }

  FakeClock clock_;
  InMemoryCustomerStore customers_;
  InMemoryCredentialStore credentials_;
  FakePinHasher hasher_;
  RecordingAuditLog audit_;
  InMemoryContactAuthStore contactAuth_;
  ContactAuthLedger ledger_{contactAuth_, customers_, clock_};
  BuiltinCredentialVerifier builtin_{credentials_, hasher_, customers_, clock_};
  VerifyPin fn_;
};

TEST_F(VerifyPinTest, TheRightPinAuthenticatesWithTheCustomersAttributes) {
  StringMap out = verify("12345678", "4321");
  EXPECT_EQ(out["lambdaResult"], "Success");
  EXPECT_EQ(out["authResult"], "Authenticated");
  EXPECT_EQ(out["authenticated"], "True");
  EXPECT_EQ(out["userId"], "12345678");
  EXPECT_EQ(out["authMethod"], "pin");
  EXPECT_EQ(out["firstName"], "Ada");
  EXPECT_EQ(out["lastName"], "Lovelace");
  EXPECT_EQ(out["custLevel"], "Gold");
  EXPECT_EQ(out["language"], "en-GB");
  EXPECT_TRUE(audit_.has("pin_verified"));
}

TEST_F(VerifyPinTest, AWrongPinIsDeniedWithoutAttributes) {
  StringMap out = verify("12345678", "1111");
  EXPECT_EQ(out["authResult"], "Denied");
  EXPECT_EQ(out["authenticated"], "False");
  EXPECT_EQ(out["attemptsRemaining"], "4");
  EXPECT_EQ(out.count("firstName"), 0u);
  EXPECT_EQ(out.count("userId"), 0u);
  ASSERT_TRUE(audit_.has("pin_failed"));
}

TEST_F(VerifyPinTest, FiveFailuresLockAndThenEvenTheRightPinIsLocked) {
  std::vector<std::string> results;
  for (int i = 0; i < 5; ++i) results.push_back(verify("12345678", "0000")["authResult"]);
  EXPECT_EQ(results, (std::vector<std::string>{"Denied", "Denied", "Denied", "Denied", "Locked"}));
  EXPECT_EQ(count("pin_locked"), 1);
  const int verificationsBefore = hasher_.verifications;
  StringMap out = verify("12345678", "4321");
  EXPECT_EQ(out["authResult"], "Locked");
  EXPECT_EQ(out["lockKind"], "permanent");
  EXPECT_EQ(out["authenticated"], "False");
  EXPECT_EQ(out.count("firstName"), 0u);
  EXPECT_EQ(hasher_.verifications, verificationsBefore);  // locked: the PIN is not even checked
  EXPECT_EQ(count("pin_refused_locked"), 1);
}

TEST_F(VerifyPinTest, SuccessResetsTheCounter) {
  for (int i = 0; i < 4; ++i) EXPECT_EQ(verify("12345678", "0000")["authResult"], "Denied");
  EXPECT_EQ(verify("12345678", "4321")["authResult"], "Authenticated");
  EXPECT_EQ(credentials_.failures["12345678"].failures, 0);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(verify("12345678", "0000")["authResult"], "Denied");
  EXPECT_EQ(verify("12345678", "4321")["authResult"], "Authenticated");
}

TEST_F(VerifyPinTest, UnlockLetsTheRightPinInAgain) {
  for (int i = 0; i < 5; ++i) verify("12345678", "0000");
  ASSERT_EQ(verify("12345678", "4321")["authResult"], "Locked");
  ASSERT_TRUE(*credentials_.unlock("12345678"));
  EXPECT_EQ(verify("12345678", "4321")["authResult"], "Authenticated");
}

TEST_F(VerifyPinTest, AnUnknownUserIdAnswersAndLocksExactlyLikeAKnownOne) {
  for (int i = 0; i < 6; ++i) {
    const int before = hasher_.verifications;
    StringMap known = verify("12345678", "0000");
    const int knownCost = hasher_.verifications - before;
    StringMap unknown = verify("11223344", "0000");
    const int unknownCost = hasher_.verifications - before - knownCost;
    EXPECT_EQ(known, unknown) << "attempt " << i + 1;
    EXPECT_EQ(knownCost, unknownCost) << "attempt " << i + 1;  // the same hashing work
  }
  EXPECT_EQ(verify("11223344", "4321")["authResult"], "Locked");
  // A known id without a PIN is just as indistinguishable.
  EXPECT_EQ(verify("87654321", "0000"), verify("22334455", "0000"));
}

TEST_F(VerifyPinTest, MalformedInputIsDeniedNeverAnError) {
  // A malformed PIN for a well-formed id counts as a failure.
  for (const char* pin : {"", "12", "123456789", "4321#"}) {
    StringMap out = verify("12345678", pin);
    EXPECT_EQ(out["authResult"], "Denied") << pin;
  }
  EXPECT_EQ(credentials_.failures["12345678"].failures, 4);
  // A malformed user id is denied and counts against nothing.
  credentials_.failures.clear();
  for (const char* id : {"", "123", "12345678901", "1234abcd", "../../x"}) {
    StringMap out = verify(id, "4321");
    EXPECT_EQ(out["authResult"], "Denied") << id;
    EXPECT_EQ(out["authenticated"], "False");
  }
  EXPECT_TRUE(credentials_.failures.empty());
  // Missing parameters altogether.
  FunctionRequest empty;
  auto out = fn_.invoke(empty);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ((*out)["authResult"], "Denied");
}

TEST_F(VerifyPinTest, TheAuditNeverHoldsThePin) {
  verify("12345678", "9876");
  verify("12345678", "4321");
  verify("12345678", "43a1");
  for (const auto& [event, fields] : audit_.events) {
    for (const auto& [k, v] : fields) {
      EXPECT_EQ(v.find("9876"), std::string::npos) << event << " " << k;
      EXPECT_EQ(v.find("4321"), std::string::npos) << event << " " << k;
      EXPECT_EQ(v.find("43a1"), std::string::npos) << event << " " << k;
    }
  }
}

// Steps [[3, 60 s]], locked for good at 5.
class VerifyPinStepsTest : public VerifyPinTest {
 protected:
  VerifyPinStepsTest()
      : steps_(PinDeps{customers_, credentials_, builtin_, clock_, audit_,
                       PinLockoutPolicy{{{3, Seconds(60)}}, 5}},
               ledger_) {}
  StringMap verify(const std::string& userId, const std::string& pin) {
    FunctionRequest request;
    request.contact.contactId = "c-1";
    request.parameters = {{"userId", userId}, {"pin", pin}};
    auto result = steps_.invoke(request);
    EXPECT_TRUE(result.ok()) << result.error().toString();
    return result.ok() ? *result : StringMap{};
  }
  VerifyPin steps_;
};

TEST_F(VerifyPinStepsTest, AStepLocksTemporarilyWithWhenToRetry) {
  EXPECT_EQ(verify("12345678", "0000")["attemptsRemaining"], "2");
  EXPECT_EQ(verify("12345678", "0000")["attemptsRemaining"], "1");
  StringMap third = verify("12345678", "0000");
  EXPECT_EQ(third["authResult"], "Locked");
  EXPECT_EQ(third["lockKind"], "temporary");
  EXPECT_EQ(third["retryAfterSeconds"], "60");
  EXPECT_EQ(third["lockedUntil"], formatRfc3339(clock_.now() + Seconds(60)));
  EXPECT_EQ(count("pin_locked_temporarily"), 1);
  EXPECT_EQ(count("pin_locked"), 0);

  clock_.advance(Millis(30'500));
  const int verificationsBefore = hasher_.verifications;
  StringMap refused = verify("12345678", "4321");  // the right PIN does not help
  EXPECT_EQ(refused["authResult"], "Locked");
  EXPECT_EQ(refused["lockKind"], "temporary");
  EXPECT_EQ(refused["retryAfterSeconds"], "30");  // rounded up
  EXPECT_EQ(refused.count("firstName"), 0u);
  EXPECT_EQ(hasher_.verifications, verificationsBefore);
  EXPECT_EQ(credentials_.failures["12345678"].failures, 3);  // refused attempts do not count

  clock_.advance(Seconds(30));
  EXPECT_EQ(verify("12345678", "4321")["authResult"], "Authenticated");
  EXPECT_EQ(credentials_.failures["12345678"].failures, 0);
}

TEST_F(VerifyPinStepsTest, LockAfterLocksForGoodWithoutATime) {
  for (int i = 0; i < 3; ++i) verify("12345678", "0000");
  clock_.advance(Seconds(60));
  EXPECT_EQ(verify("12345678", "0000")["attemptsRemaining"], "1");
  StringMap last = verify("12345678", "0000");
  EXPECT_EQ(last["authResult"], "Locked");
  EXPECT_EQ(last["lockKind"], "permanent");
  EXPECT_EQ(last.count("retryAfterSeconds"), 0u);
  EXPECT_EQ(last.count("lockedUntil"), 0u);
  EXPECT_EQ(count("pin_locked"), 1);
  clock_.advance(Seconds(86400 * 30));
  EXPECT_EQ(verify("12345678", "4321")["lockKind"], "permanent");
  ASSERT_TRUE(*credentials_.unlock("12345678"));
  EXPECT_EQ(verify("12345678", "4321")["authResult"], "Authenticated");
}

TEST_F(VerifyPinStepsTest, AnUnknownUserIdLocksTheSameWayAtTheSameTimes) {
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(verify("12345678", "0000"), verify("11223344", "0000")) << i;
    if (i == 3) clock_.advance(Seconds(60));
  }
}

TEST_F(VerifyPinTest, AFailingStoreIsAnErrorNotAnAnswer) {
  customers_.failing = true;
  FunctionRequest request;
  request.parameters = {{"userId", "12345678"}, {"pin", "4321"}};
  auto out = fn_.invoke(request);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().code(), ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace callgate
