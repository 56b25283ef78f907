// callgate's own record of authenticated contacts, end to end over the real functions: what
// verify-pin, verify-otp and lookup-caller record, and what issue-action-link accepts. The
// contact's `authenticated` attribute never suffices.
#include "functions/contact_auth.h"

#include <gtest/gtest.h>

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

constexpr const char* kAda = "12345678";
constexpr const char* kAdaPhone = "+14155550100";
constexpr const char* kGrace = "87654321";
constexpr const char* kGracePhone = "+14155550101";
constexpr const char* kElsewhere = "+14155550177";  // a phone on file for no one

class ContactAuthTest : public ::testing::Test {
 protected:
  ContactAuthTest()
      : challenges_(customers_),
        credentials_(customers_),
        ledger_(contactAuth_, customers_, clock_, Seconds(120)),
        otp_{customers_, challenges_, sms_, hasher_, random_, clock_, audit_, OtpConfig{}},
        links_(LinkDeps{customers_, grants_, sms_, hasher_, random_, clock_, audit_, {}}),
        lookup_(customers_, CallerIdTrust::kAttested),
        send_(otp_),
        verifyOtp_(otp_, ledger_),
        verifyPin_(PinDeps{customers_, credentials_, builtin_, clock_, audit_,
                           PinLockoutPolicy::permanentAfter(5)},
                   ledger_),
        issue_(links_, ledger_) {
    Customer ada{kAdaPhone, "Ada", "Lovelace", "Gold", "en-US", {}};
    ada.userId = kAda;
    Customer grace{kGracePhone, "Grace", "Hopper", "Gold", "en-US", {}};
    grace.userId = kGrace;
    EXPECT_TRUE(customers_
                    .addWithPins({{ada, *pinHasher_.hash(kAda, "4321")},
                                  {grace, *pinHasher_.hash(kGrace, "8765")}})
                    .ok());
  }

  static FunctionRequest request(const std::string& contactId, StringMap parameters,
                                 const std::string& from = kElsewhere,
                                 Attestation attestation = Attestation::kNone) {
    FunctionRequest r;
    r.contact.contactId = contactId;
    r.contact.customerAddress = from;
    r.contact.attestation = attestation;
    r.parameters = std::move(parameters);
    return r;
  }
  StringMap run(Function& fn, const FunctionRequest& r) {
    auto out = fn.invoke(r);
    EXPECT_TRUE(out.ok()) << fn.name() << ": " << out.error().toString();
    return out.ok() ? *out : StringMap{};
  }
  StringMap pin(const std::string& contactId, const std::string& userId, const std::string& pin) {
    return run(verifyPin_, request(contactId, {{"userId", userId}, {"pin", pin}}));
  }
  // issue-action-link as a flow (or a forged request) would call it: claiming the contact is
  // authenticated as `userId`.
  StringMap link(const std::string& contactId, const std::string& userId) {
    FunctionRequest r = request(contactId, {{"userId", userId}});
    r.contact.attributes = {{"authenticated", "True"}, {"userId", userId}, {"authMethod", "pin"}};
    return run(issue_, r);
  }
  void expectNoLink(const StringMap& out) {
    EXPECT_EQ(out.at("linkResult"), "Error");
    EXPECT_EQ(out.at("reason"), "not_authenticated");
    EXPECT_TRUE(sms_.sent.empty());
    EXPECT_TRUE(grants_.rows.empty());
  }

  FakeClock clock_;
  FakeRandom random_;
  FakeCodeHasher hasher_;
  FakePinHasher pinHasher_;
  InMemoryCustomerStore customers_;
  InMemoryChallengeStore challenges_;
  InMemoryCredentialStore credentials_;
  InMemoryGrantStore grants_;
  RecordingSmsSender sms_;
  RecordingAuditLog audit_;
  InMemoryContactAuthStore contactAuth_;
  ContactAuthLedger ledger_;
  BuiltinCredentialVerifier builtin_{credentials_, pinHasher_, customers_, clock_};
  OtpDeps otp_;
  ActionLinks links_;
  LookupCaller lookup_;
  SendOtp send_;
  VerifyOtp verifyOtp_;
  VerifyPin verifyPin_;
  IssueActionLink issue_;
};

TEST_F(ContactAuthTest, AContactClaimingAuthenticatedWithNoPinSuccessGetsNoLink) {
  expectNoLink(link("c-1", kAda));
  // A wrong PIN first changes nothing.
  EXPECT_EQ(pin("c-1", kAda, "0000")["authResult"], "Denied");
  EXPECT_TRUE(contactAuth_.rows.empty());
  expectNoLink(link("c-1", kAda));
}

TEST_F(ContactAuthTest, AVerifiedPinThenALinkInTheSameContactSendsIt) {
  ASSERT_EQ(pin("c-1", kAda, "4321")["authResult"], "Authenticated");
  ASSERT_EQ(contactAuth_.rows.size(), 1u);
  const ContactAuthRecord& r = contactAuth_.rows.begin()->second;
  EXPECT_EQ(r.contactId, "c-1");
  EXPECT_EQ(r.method, "pin");
  EXPECT_EQ(r.userId, kAda);
  EXPECT_EQ(r.phone, kAdaPhone);
  EXPECT_EQ(r.expiresAt, clock_.now() + Seconds(120));
  // No attribute is needed at all: the record is what counts.
  StringMap out = run(issue_, request("c-1", {{"userId", kAda}}));
  EXPECT_EQ(out["linkResult"], "Sent");
  ASSERT_EQ(sms_.sent.size(), 1u);
  EXPECT_EQ(sms_.sent[0].to, kAdaPhone);
}

TEST_F(ContactAuthTest, APinSuccessForAnotherContactIdDoesNotCount) {
  ASSERT_EQ(pin("c-1", kAda, "4321")["authResult"], "Authenticated");
  expectNoLink(link("c-2", kAda));
  expectNoLink(link("", kAda));
  expectNoLink(link("c-", kAda));
}

TEST_F(ContactAuthTest, AnExpiredRecordDoesNotCount) {
  ASSERT_EQ(pin("c-1", kAda, "4321")["authResult"], "Authenticated");
  clock_.advance(Seconds(120));
  expectNoLink(link("c-1", kAda));
}

TEST_F(ContactAuthTest, APinSuccessForUserADoesNotAllowALinkForUserB) {
  ASSERT_EQ(pin("c-1", kAda, "4321")["authResult"], "Authenticated");
  expectNoLink(link("c-1", kGrace));
  EXPECT_EQ(link("c-1", kAda)["linkResult"], "Sent");
}

TEST_F(ContactAuthTest, AVerifiedCodeCountsForTheUserIdOfItsNumberOnly) {
  random_.scriptDigits("123456");
  ASSERT_EQ(run(send_, request("c-1", {}, kAdaPhone))["otpResult"], "Sent");
  ASSERT_EQ(run(verifyOtp_, request("c-1", {{"code", "123456"}}, kAdaPhone))["otpResult"],
            "Verified");
  ASSERT_EQ(contactAuth_.rows.size(), 1u);
  EXPECT_EQ(contactAuth_.rows.begin()->second.method, "otp");
  EXPECT_EQ(contactAuth_.rows.begin()->second.userId, kAda);
  sms_.sent.clear();  // the code's text
  expectNoLink(link("c-1", kGrace));
  EXPECT_EQ(link("c-1", kAda)["linkResult"], "Sent");
}

TEST_F(ContactAuthTest, ACodeVerifiedForANumberWithoutAUserIdIsRecordedWithoutOne) {
  random_.scriptDigits("123456");
  ASSERT_EQ(run(send_, request("c-1", {}))["otpResult"], "Sent");
  ASSERT_EQ(run(verifyOtp_, request("c-1", {{"code", "123456"}}))["otpResult"], "Verified");
  ASSERT_EQ(contactAuth_.rows.size(), 1u);
  EXPECT_EQ(contactAuth_.rows.begin()->second.userId, "");
  EXPECT_EQ(contactAuth_.rows.begin()->second.phone, kElsewhere);
  sms_.sent.clear();
  expectNoLink(link("c-1", kAda));
}

TEST_F(ContactAuthTest, AWrongCodeRecordsNothing) {
  random_.scriptDigits("123456");
  ASSERT_EQ(run(send_, request("c-1", {}, kAdaPhone))["otpResult"], "Sent");
  EXPECT_EQ(run(verifyOtp_, request("c-1", {{"code", "654321"}}, kAdaPhone))["otpResult"],
            "Invalid");
  EXPECT_TRUE(contactAuth_.rows.empty());
}

// Trusted caller ID authenticates the call for the agent, but a link needs something the caller
// proved in this call (a PIN or an SMS code): caller ID is recorded by nobody.
TEST_F(ContactAuthTest, TrustedCallerIdAloneGetsNoLink) {
  StringMap out = run(lookup_, request("c-1", {}, kAdaPhone, Attestation::kA));
  ASSERT_EQ(out["authenticated"], "True");
  EXPECT_TRUE(contactAuth_.rows.empty());
  expectNoLink(link("c-1", kAda));
}

TEST_F(ContactAuthTest, UntrustedCallerIdRecordsNothing) {
  EXPECT_EQ(run(lookup_, request("c-1", {}, kAdaPhone, Attestation::kB))["authenticated"], "False");
  EXPECT_EQ(run(lookup_, request("c-2", {}, kElsewhere, Attestation::kA))["authenticated"],
            "False");
  EXPECT_TRUE(contactAuth_.rows.empty());
  expectNoLink(link("c-1", kAda));
}

TEST_F(ContactAuthTest, ARecordThatCannotBeWrittenFailsTheLogin) {
  contactAuth_.failing = true;
  auto pinOut = verifyPin_.invoke(request("c-1", {{"userId", kAda}, {"pin", "4321"}}));
  ASSERT_FALSE(pinOut.ok());
  EXPECT_EQ(pinOut.error().code(), ErrorCode::kUnavailable);
  EXPECT_FALSE(audit_.has("pin_verified"));
  // And a store that cannot be read sends no link.
  auto linkOut = issue_.invoke(request("c-1", {{"userId", kAda}}));
  ASSERT_FALSE(linkOut.ok());
  EXPECT_TRUE(sms_.sent.empty());
}

TEST_F(ContactAuthTest, ALoginWithoutAContactIdRecordsNothing) {
  EXPECT_EQ(pin("", kAda, "4321")["authResult"], "Authenticated");
  EXPECT_TRUE(contactAuth_.rows.empty());
}

}  // namespace
}  // namespace callgate
