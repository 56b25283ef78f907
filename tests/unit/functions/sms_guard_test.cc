// The SMS-pumping guard: destination country (configured, else the dialled number's and those of
// the numbers on file), refused number types, hourly budgets; and send-otp answering Refused
// before any challenge or SMS.
#include "functions/sms_guard.h"

#include <gtest/gtest.h>

#include "fakes/fakes.h"
#include "functions/send_otp.h"

namespace callgate {
namespace {

using testing::FakeClock;

constexpr const char* kUs = "+14155550123";
constexpr const char* kCanada = "+14165550123";
constexpr const char* kUk = "+447400123456";
constexpr const char* kDialledUs = "+18005550199";

class SmsGuardTest : public ::testing::Test {
 protected:
  SmsGuardTest() : challenges_(customers_) {}

  std::optional<SmsRefusal> check(const std::string& to, std::string_view dialled = "") {
    auto verdict = checkSmsGuard(policy_, challenges_, customers_, to, dialled, clock_.now());
    EXPECT_TRUE(verdict.ok());
    return verdict.ok() ? verdict->refusal : std::nullopt;
  }
  void created(const std::string& phone, Millis ago) {
    Challenge c;
    c.phone = phone;
    c.createdAt = clock_.now() - ago;
    c.expiresAt = clock_.now() + Seconds(300);
    ASSERT_TRUE(challenges_.replace(c).ok());
  }

  SmsGuardPolicy policy_;
  FakeClock clock_;
  testing::InMemoryCustomerStore customers_;
  testing::InMemoryChallengeStore challenges_;
};

TEST(PhoneTypeTest, PlacesNumbersByTheirRange) {
  EXPECT_EQ(phoneTypeOf("+19002345678"), PhoneType::kPremiumRate);
  EXPECT_EQ(phoneTypeOf("+18002345678"), PhoneType::kTollFree);
  EXPECT_EQ(phoneTypeOf("+448431234567"),
            PhoneType::kPremiumRate);  // UK 084x, as libphonenumber has it
  EXPECT_EQ(phoneTypeOf(kUk), PhoneType::kMobile);
  EXPECT_EQ(phoneTypeOf("not a number"), PhoneType::kUnknown);
  EXPECT_EQ(regionOf(kUs), "US");
  EXPECT_EQ(regionOf(kCanada), "CA");
  EXPECT_EQ(regionOf(kUk), "GB");
  EXPECT_EQ(regionOf("garbage"), "");
  EXPECT_EQ(callingCodeOf(kUk), "+44");
  EXPECT_EQ(parsePhoneType("premium_rate"), PhoneType::kPremiumRate);
  EXPECT_EQ(parsePhoneType("expensive"), std::nullopt);
  EXPECT_EQ(phoneTypeName(PhoneType::kSharedCost), "shared_cost");
}

TEST_F(SmsGuardTest, RefusesPremiumAndOtherNumbersThatAreNobodysPhone) {
  EXPECT_EQ(check("+19002345678"), SmsRefusal::kNumberType);
  EXPECT_EQ(check("+18002345678"), SmsRefusal::kNumberType);
  EXPECT_EQ(check("+448431234567"), SmsRefusal::kNumberType);
  EXPECT_EQ(check(kUs), std::nullopt);
  policy_.refusedTypes = {};
  EXPECT_EQ(check("+19002345678"), std::nullopt);
}

TEST_F(SmsGuardTest, WithoutAListOnlyTheDialledCountry) {
  EXPECT_EQ(check(kUk, kDialledUs), SmsRefusal::kCountry);
  EXPECT_EQ(check(kUs, kDialledUs), std::nullopt);
  EXPECT_EQ(check(kCanada, kDialledUs), SmsRefusal::kCountry) << "+1 is not one country";
  // A channel that does not know the dialled number: no country check.
  EXPECT_EQ(check(kUk, ""), std::nullopt);
  EXPECT_EQ(check(kUk, "sip:unknown"), std::nullopt);
}

TEST_F(SmsGuardTest, WithoutAListTheCountriesOfTheNumbersOnFileToo) {
  ASSERT_TRUE(customers_.add(Customer{kCanada, "Ada", "Lovelace", "Gold", "en-CA", {}}).ok());
  // Dialled in the US, a customer in Canada on file: both countries, nothing else.
  EXPECT_EQ(check(kUs, kDialledUs), std::nullopt);
  EXPECT_EQ(check("+14165550999", kDialledUs), std::nullopt);
  EXPECT_EQ(check(kUk, kDialledUs), SmsRefusal::kCountry);
  // No dialled number: the countries on file alone.
  EXPECT_EQ(check("+14165550999", ""), std::nullopt);
  EXPECT_EQ(check(kUs, ""), SmsRefusal::kCountry);
  EXPECT_EQ(check(kUk, ""), SmsRefusal::kCountry);
  // A store that cannot answer is an error, not a guess either way.
  customers_.failing = true;
  EXPECT_FALSE(checkSmsGuard(policy_, challenges_, customers_, kUk, kDialledUs, clock_.now()).ok());
  // The dialled country needs no read.
  EXPECT_EQ(check(kUs, kDialledUs), std::nullopt);
}

TEST_F(SmsGuardTest, TheConfiguredListWinsOverTheDialledCountry) {
  policy_.allowedCountries = {"US", "CA"};
  EXPECT_EQ(check(kCanada, kDialledUs), std::nullopt);
  EXPECT_EQ(check(kUk, kDialledUs), SmsRefusal::kCountry);
  EXPECT_EQ(check(kUk, ""), SmsRefusal::kCountry);
  policy_.allowedCountries = {"GB"};
  EXPECT_EQ(check(kUk, kDialledUs), std::nullopt);
}

TEST_F(SmsGuardTest, HourlyBudgets) {
  policy_.maxPerHour = 3;
  created("+14155550101", Seconds(10));
  created("+447400123401", Seconds(20));
  created("+14155550102", Seconds(4000));  // over an hour ago: not counted
  EXPECT_EQ(check(kUs), std::nullopt);
  created("+14155550103", Seconds(30));
  EXPECT_EQ(check(kUs), SmsRefusal::kBudget);

  policy_.maxPerHour = 0;
  policy_.maxPerCountryPerHour = 2;
  EXPECT_EQ(check(kUs), SmsRefusal::kBudget) << "two +1 texts this hour";
  EXPECT_EQ(check(kUk), std::nullopt) << "one +44 text this hour";
  clock_.advance(Seconds(3600));
  EXPECT_EQ(check(kUs), std::nullopt);
}

TEST_F(SmsGuardTest, RefusalNames) {
  EXPECT_EQ(smsRefusalName(SmsRefusal::kCountry), "country");
  EXPECT_EQ(smsRefusalName(SmsRefusal::kNumberType), "number_type");
  EXPECT_EQ(smsRefusalName(SmsRefusal::kBudget), "budget");
}

class SendOtpGuardTest : public SmsGuardTest {
 protected:
  Result<StringMap> send(const std::string& from, const std::string& dialled = kDialledUs) {
    SendOtp sendOtp(
        OtpDeps{customers_, challenges_, sms_, hasher_, random_, clock_, audit_, {}, policy_});
    FunctionRequest r;
    r.contact.customerAddress = from;
    r.contact.systemAddress = dialled;
    return sendOtp.invoke(r);
  }
  testing::RecordingSmsSender sms_;
  testing::FakeCodeHasher hasher_;
  testing::FakeRandom random_;
  testing::RecordingAuditLog audit_;
};

TEST_F(SendOtpGuardTest, ARefusedSendAnswersRefusedBeforeAnyChallengeOrText) {
  auto r = send("+19002345678");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(
      *r,
      (StringMap{{"lambdaResult", "Error"}, {"otpResult", "Refused"}, {"reason", "number_type"}}));
  EXPECT_TRUE(challenges_.rows.empty());
  EXPECT_TRUE(sms_.sent.empty());
  ASSERT_EQ(audit_.events.size(), 1u);
  EXPECT_EQ(audit_.events[0].first, "otp_send_refused");

  EXPECT_EQ(send(kUk)->at("reason"), "country");
  policy_.maxPerHour = 1;
  EXPECT_EQ(send(kUs)->at("otpResult"), "Sent");
  EXPECT_EQ(send("+14155550124")->at("reason"), "budget");
  EXPECT_EQ(sms_.sent.size(), 1u);
}

}  // namespace
}  // namespace callgate

namespace callgate {
namespace {

class ConversionWatchTest : public SmsGuardTest {
 protected:
  ConversionWatchTest() {
    policy_.conversion.minSample = 4;
    policy_.conversion.minRatio = 0.5;
    policy_.conversion.throttle = Seconds(600);
    sendOtp_ = std::make_unique<SendOtp>(
        OtpDeps{customers_, challenges_, sms_, hasher_, random_, clock_, audit_, {}, policy_});
  }
  // A send to `phone` through send-otp; returns its otpResult (and reason when refused).
  std::string send(const std::string& phone) {
    auto r = sendOtp_->invoke(request(phone));
    EXPECT_TRUE(r.ok());
    if (!r.ok()) return "error";
    return r->count("reason") ? r->at("otpResult") + "/" + r->at("reason") : r->at("otpResult");
  }
  FunctionRequest request(const std::string& phone) {
    FunctionRequest r;
    r.contact.customerAddress = phone;
    return r;
  }
  // Settles `phone`'s latest code: verified, or expired unused.
  void settle(const std::string& phone, bool verified) {
    for (auto it = challenges_.rows.rbegin(); it != challenges_.rows.rend(); ++it) {
      if (it->phone != phone) continue;
      if (verified) {
        it->state = ChallengeState::kVerified;
      } else {
        it->expiresAt = clock_.now() - Seconds(1);
      }
      return;
    }
    FAIL() << "no challenge for " << phone;
  }
  testing::RecordingSmsSender sms_;
  testing::FakeCodeHasher hasher_;
  testing::FakeRandom random_;
  testing::RecordingAuditLog audit_;
  std::unique_ptr<SendOtp> sendOtp_;
};

TEST_F(ConversionWatchTest, APrefixWhoseCodesAreRarelyVerifiedIsThrottled) {
  // Four codes to +1 415 ... numbers, one verified: 25% < 50%.
  for (const char* phone : {"+14155550101", "+14155550102", "+14155550103", "+14155550104"}) {
    EXPECT_EQ(send(phone), "Sent");
  }
  settle("+14155550101", true);
  settle("+14155550102", false);
  settle("+14155550103", false);
  EXPECT_EQ(send("+14155550105"), "Sent") << "one code still pending: only 3 settled";
  settle("+14155550104", false);
  EXPECT_EQ(send("+14155550106"), "Refused/throttled");
  EXPECT_EQ(sms_.sent.size(), 5u);
  ASSERT_TRUE(audit_.has("sms_prefix_throttled"));
  // Another prefix is not affected; the throttle ends after its time.
  EXPECT_EQ(send("+12125550101"), "Sent");
  EXPECT_EQ(send("+14155550107"), "Refused/throttled");
  clock_.advance(Seconds(601));
  EXPECT_EQ(send("+14155550107"), "Sent");
}

TEST_F(ConversionWatchTest, APrefixThatConvertsIsNotThrottled) {
  for (const char* phone : {"+14155550101", "+14155550102", "+14155550103", "+14155550104"}) {
    EXPECT_EQ(send(phone), "Sent");
  }
  settle("+14155550101", true);
  settle("+14155550102", true);
  settle("+14155550103", false);
  settle("+14155550104", false);
  EXPECT_EQ(send("+14155550105"), "Sent");
  EXPECT_FALSE(audit_.has("sms_prefix_throttled"));
}

TEST_F(ConversionWatchTest, PrefixIsTheCallingCodeAndNationalDigits) {
  ConversionWatch watch(policy_.conversion, challenges_, audit_);
  EXPECT_EQ(watch.prefixOf("+14155550101"), "+1415");
  EXPECT_EQ(watch.prefixOf("+447400123456"), "+44740");
}

}  // namespace
}  // namespace callgate
