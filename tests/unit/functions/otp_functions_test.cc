#include <gtest/gtest.h>

#include "fakes/fakes.h"
#include "fakes/in_memory_contact_auth_store.h"
#include "functions/lookup_caller.h"
#include "functions/send_otp.h"
#include "functions/verify_otp.h"

namespace callgate {
namespace {

using testing::FakeClock;

constexpr const char* kCaller = "+14155550100";

class OtpFunctionsTest : public ::testing::Test {
 protected:
  OtpFunctionsTest()
      : challenges_(customers_),
        send_(deps()),
        verify_(deps(), ledger_),
        lookup_(customers_, CallerIdTrust::kAttested) {}

  OtpDeps deps() {
    return OtpDeps{customers_, challenges_, sms_, hasher_, random_, clock_, audit_, config_};
  }
  FunctionRequest request(StringMap params = {}, std::string from = kCaller) {
    FunctionRequest r;
    r.contact.contactId = "c-1";
    r.contact.customerAddress = std::move(from);
    r.contact.languageCode = "es-US";
    r.parameters = std::move(params);
    return r;
  }
  std::string sendCode(const std::string& digits) {
    random_.scriptDigits(digits);
    auto r = send_.invoke(request());
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r->at("lambdaResult"), "Success");
    return digits;
  }
  StringMap verify(const std::string& code) {
    auto r = verify_.invoke(request({{"code", code}}));
    EXPECT_TRUE(r.ok()) << r.error().toString();
    return r.ok() ? *r : StringMap{};
  }

  // The `limit` of the last otp_rate_limited audit event.
  std::string lastLimit() const {
    for (auto it = audit_.events.rbegin(); it != audit_.events.rend(); ++it) {
      if (it->first != "otp_rate_limited") continue;
      for (const auto& [key, value] : it->second) {
        if (key == "limit") return value;
      }
    }
    return "";
  }

  OtpConfig config_;
  FakeClock clock_;
  testing::FakeRandom random_;
  testing::FakeCodeHasher hasher_;
  testing::InMemoryCustomerStore customers_;
  testing::InMemoryChallengeStore challenges_;
  testing::RecordingSmsSender sms_;
  testing::RecordingAuditLog audit_;
  testing::InMemoryContactAuthStore contactAuth_;
  ContactAuthLedger ledger_{contactAuth_, customers_, clock_};
  SendOtp send_;
  VerifyOtp verify_;
  LookupCaller lookup_;
};

TEST_F(OtpFunctionsTest, SendTextsTheCodeToTheCallerAndStoresOnlyAHash) {
  sendCode("123456");
  ASSERT_EQ(sms_.sent.size(), 1u);
  EXPECT_EQ(sms_.sent[0].to, kCaller);
  EXPECT_EQ(sms_.sent[0].body, "Welcome to callgate, your one-time PIN is 123456");
  ASSERT_EQ(challenges_.rows.size(), 1u);
  EXPECT_EQ(challenges_.rows[0].codeHash, hasher_.digest(otpHashInput(kCaller, "123456")));
  EXPECT_EQ(challenges_.rows[0].expiresAt, clock_.now() + Seconds(300));
  EXPECT_EQ(challenges_.rows[0].language, "es-US");
  EXPECT_TRUE(audit_.has("otp_sent"));
}

TEST_F(OtpFunctionsTest, MalformedLanguageFallsBackToTheDefault) {
  FunctionRequest r = request();
  r.contact.languageCode = "<script>";
  random_.scriptDigits("123456");
  ASSERT_TRUE(send_.invoke(r).ok());
  EXPECT_EQ(challenges_.rows.back().language, "en-US");
}

TEST_F(OtpFunctionsTest, SendRejectsAnInvalidNumberAndChangesNothing) {
  auto r = send_.invoke(request({}, "+1555"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(sms_.sent.empty());
  EXPECT_TRUE(challenges_.rows.empty());
  EXPECT_FALSE(send_.invoke(request({}, "")).ok());
}

TEST_F(OtpFunctionsTest, SendIsRateLimitedPerNumber) {
  for (int i = 0; i < 3; ++i) sendCode("111111");
  auto r = send_.invoke(request());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->at("lambdaResult"), "Error");
  EXPECT_EQ(r->at("reason"), "RateLimited");
  EXPECT_EQ(r->at("otpResult"), "RateLimited");
  EXPECT_EQ(sms_.sent.size(), 3u);
  EXPECT_TRUE(audit_.has("otp_rate_limited"));
  clock_.advance(Seconds(601));
  sendCode("222222");
  EXPECT_EQ(sms_.sent.size(), 4u);
}

TEST_F(OtpFunctionsTest, SendIsRateLimitedPerNumberRange) {
  config_.perPrefixLimit = 2;
  SendOtp send(deps());
  EXPECT_EQ(send.invoke(request({}, "+14155550101"))->at("lambdaResult"), "Success");
  EXPECT_EQ(send.invoke(request({}, "+14155550102"))->at("lambdaResult"), "Success");
  auto third = send.invoke(request({}, "+14155550103"));
  EXPECT_EQ(third->at("reason"), "RateLimited");
  EXPECT_EQ(send.invoke(request({}, "+12125550100"))->at("lambdaResult"), "Success");
}

TEST_F(OtpFunctionsTest, ANumberGetsAtMostADaysCodes) {
  for (int i = 0; i < config_.dailySendLimit; ++i) {
    sendCode("111111");
    if (i % 3 == 2) clock_.advance(Seconds(601));  // past the 10-minute limit
  }
  clock_.advance(Seconds(601));
  EXPECT_EQ(send_.invoke(request())->at("otpResult"), "RateLimited");
  EXPECT_EQ(lastLimit(), "day");
  EXPECT_EQ(sms_.sent.size(), static_cast<size_t>(config_.dailySendLimit));
  clock_.advance(Seconds(86400));
  sendCode("222222");
}

TEST_F(OtpFunctionsTest, ADaysWrongCodesStopTheSends) {
  config_.dailyFailureLimit = 4;
  SendOtp send(deps());
  random_.scriptDigits("123456");
  ASSERT_EQ(send.invoke(request())->at("otpResult"), "Sent");
  for (int i = 0; i < 4; ++i) EXPECT_EQ(verify("000000").at("otpResult"), "Invalid");
  EXPECT_EQ(send.invoke(request())->at("otpResult"), "RateLimited");
  EXPECT_EQ(lastLimit(), "day_failures");
  EXPECT_EQ(sms_.sent.size(), 1u);
  clock_.advance(Seconds(86401));
  random_.scriptDigits("654321");
  EXPECT_EQ(send.invoke(request())->at("otpResult"), "Sent");
}

TEST_F(OtpFunctionsTest, WrongCodesInARowStopTheSendsForGood) {
  config_.dailyFailureLimit = 1000;
  config_.maxConsecutiveFailures = 6;
  SendOtp send(deps());
  for (int day = 0; day < 2; ++day) {
    random_.scriptDigits("123456");
    ASSERT_EQ(send.invoke(request())->at("otpResult"), "Sent");
    for (int i = 0; i < 3; ++i) verify("000000");
    clock_.advance(Seconds(86401));
  }
  EXPECT_EQ(send.invoke(request())->at("otpResult"), "RateLimited");
  EXPECT_EQ(lastLimit(), "failures");
  clock_.advance(Seconds(30 * 86400));
  EXPECT_EQ(send.invoke(request())->at("otpResult"), "RateLimited");
  EXPECT_EQ(sms_.sent.size(), 2u);
}

TEST_F(OtpFunctionsTest, SendReportsSmsFailure) {
  sms_.failing = true;
  auto r = send_.invoke(request());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->at("lambdaResult"), "Error");
  EXPECT_EQ(r->at("reason"), "SmsFailed");
  EXPECT_EQ(r->at("otpResult"), "SendFailed");
  EXPECT_TRUE(audit_.has("otp_send_failed"));
}

TEST_F(OtpFunctionsTest, VerifiedCodeEnrollsAnUnknownCaller) {
  sendCode("123456");
  auto r = verify("123456");
  EXPECT_EQ(r["otpResult"], "Verified");
  EXPECT_EQ(r["authenticated"], "True");
  EXPECT_EQ(r["enrolled"], "True");
  EXPECT_EQ(r["firstName"], "New");
  EXPECT_EQ(r["lastName"], "Customer");
  EXPECT_EQ(r["custLevel"], "Welcome");
  EXPECT_EQ(r["language"], "es-US");
  ASSERT_EQ(customers_.rows.count(kCaller), 1u);
  EXPECT_TRUE(audit_.has("customer_enrolled"));
  // The code is used up.
  EXPECT_EQ(verify("123456")["otpResult"], "NoChallenge");
}

TEST_F(OtpFunctionsTest, VerifiedCodeDoesNotReEnrollAKnownCaller) {
  ASSERT_TRUE(customers_.add({kCaller, "Ada", "Lovelace", "Gold", "en-GB", {}}).ok());
  sendCode("123456");
  auto r = verify("123456");
  EXPECT_EQ(r["otpResult"], "Verified");
  EXPECT_EQ(r["enrolled"], "False");
  EXPECT_EQ(r["firstName"], "Ada");
  EXPECT_EQ(customers_.rows.at(kCaller).level, "Gold");
  EXPECT_FALSE(audit_.has("customer_enrolled"));
}

TEST_F(OtpFunctionsTest, WrongCodeIsInvalidAndEnrollsNothing) {
  sendCode("123456");
  auto r = verify("654321");
  EXPECT_EQ(r["otpResult"], "Invalid");
  EXPECT_EQ(r["attemptsRemaining"], "4");
  EXPECT_EQ(r["authenticated"], "False");
  EXPECT_TRUE(customers_.rows.empty());
  EXPECT_EQ(verify("123456")["otpResult"], "Verified");
}

TEST_F(OtpFunctionsTest, FiveWrongCodesLockTheChallenge) {
  sendCode("123456");
  for (int i = 0; i < 4; ++i) EXPECT_EQ(verify("000000")["otpResult"], "Invalid");
  EXPECT_EQ(verify("000000")["otpResult"], "Locked");
  EXPECT_TRUE(audit_.has("otp_locked"));
  EXPECT_EQ(verify("123456")["otpResult"], "Locked");
  EXPECT_TRUE(customers_.rows.empty());
}

TEST_F(OtpFunctionsTest, MalformedEntriesCountAsAttempts) {
  sendCode("123456");
  EXPECT_EQ(verify("12")["attemptsRemaining"], "4");
  EXPECT_EQ(verify("abcdef")["attemptsRemaining"], "3");
  EXPECT_EQ(verify("")["attemptsRemaining"], "2");
}

TEST_F(OtpFunctionsTest, ExpiredCodeIsRejected) {
  sendCode("123456");
  clock_.advance(Seconds(300));
  EXPECT_EQ(verify("123456")["otpResult"], "Expired");
  EXPECT_TRUE(customers_.rows.empty());
}

TEST_F(OtpFunctionsTest, CodeIsValidJustBeforeExpiry) {
  sendCode("123456");
  clock_.advance(Seconds(299));
  EXPECT_EQ(verify("123456")["otpResult"], "Verified");
}

TEST_F(OtpFunctionsTest, NewCodeVoidsTheOldOne) {
  sendCode("111111");
  sendCode("222222");
  EXPECT_EQ(verify("111111")["otpResult"], "Invalid");
  EXPECT_EQ(verify("222222")["otpResult"], "Verified");
}

TEST_F(OtpFunctionsTest, NoChallengeWithoutASend) {
  EXPECT_EQ(verify("123456")["otpResult"], "NoChallenge");
}

TEST_F(OtpFunctionsTest, CodeForOneNumberDoesNotVerifyAnother) {
  sendCode("123456");
  auto r = verify_.invoke(request({{"code", "123456"}}, "+14155550199"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->at("otpResult"), "NoChallenge");
}

TEST_F(OtpFunctionsTest, VerifyRequiresTheCodeParameter) {
  auto r = verify_.invoke(request());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(r.error().message().find("code"), std::string::npos);
}

TEST_F(OtpFunctionsTest, StoreFailureIsUnavailable) {
  sendCode("123456");
  customers_.failing = true;
  auto r = verify_.invoke(request({{"code", "123456"}}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kUnavailable);
}

TEST_F(OtpFunctionsTest, AuditNeverHoldsTheCodeOrTheFullNumber) {
  sendCode("987654");
  verify("000000");
  verify("987654");
  for (const auto& [event, fields] : audit_.events) {
    for (const auto& [k, v] : fields) {
      EXPECT_EQ(v.find("987654"), std::string::npos) << event;
      EXPECT_EQ(v.find(kCaller), std::string::npos) << event;
    }
  }
}

class LookupCallerTest : public ::testing::Test {
 protected:
  LookupCallerTest() {
    EXPECT_TRUE(customers_.add({kCaller, "Ada", "Lovelace", "Gold", "en-GB", {}}).ok());
  }
  Result<StringMap> lookup(CallerIdTrust trust, Attestation a, std::string from = kCaller) {
    LookupCaller fn(customers_, trust);
    FunctionRequest r;
    r.contact.customerAddress = std::move(from);
    r.contact.attestation = a;
    return fn.invoke(r);
  }
  testing::InMemoryCustomerStore customers_;
};

TEST_F(LookupCallerTest, KnownAttestedCallerIsAuthenticatedWithAttributes) {
  auto r = lookup(CallerIdTrust::kAttested, Attestation::kA);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->at("recordFound"), "True");
  EXPECT_EQ(r->at("authenticated"), "True");
  EXPECT_EQ(r->at("firstName"), "Ada");
  EXPECT_EQ(r->at("lastName"), "Lovelace");
  EXPECT_EQ(r->at("custLevel"), "Gold");
  EXPECT_EQ(r->at("language"), "en-GB");
}

TEST_F(LookupCallerTest, KnownUnattestedCallerStepsUpWithoutDisclosure) {
  for (auto a : {Attestation::kNone, Attestation::kB, Attestation::kC}) {
    auto r = lookup(CallerIdTrust::kAttested, a);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->at("recordFound"), "True");
    EXPECT_EQ(r->at("callerIdTrusted"), "False");
    EXPECT_EQ(r->at("authenticated"), "False");
    EXPECT_EQ(r->count("firstName"), 0u);
  }
}

TEST_F(LookupCallerTest, AnyPolicyTrustsKnownNumbers) {
  auto r = lookup(CallerIdTrust::kAny, Attestation::kNone);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->at("authenticated"), "True");
  EXPECT_EQ(r->at("firstName"), "Ada");
}

TEST_F(LookupCallerTest, UnknownAndWithheldNumbersAreNotFound) {
  auto unknown = lookup(CallerIdTrust::kAny, Attestation::kA, "+14155550111");
  EXPECT_EQ(unknown->at("recordFound"), "False");
  EXPECT_EQ(unknown->at("authenticated"), "False");
  auto withheld = lookup(CallerIdTrust::kAny, Attestation::kA, "");
  EXPECT_EQ(withheld->at("recordFound"), "False");
}

TEST_F(LookupCallerTest, NormalisesTheNumber) {
  auto r = lookup(CallerIdTrust::kAny, Attestation::kNone, "+1 (415) 555-0100");
  EXPECT_EQ(r->at("recordFound"), "True");
}

TEST_F(LookupCallerTest, InvalidNumberIsAnError) {
  auto r = lookup(CallerIdTrust::kAny, Attestation::kNone, "hello");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace callgate
