#include "core/otp_policy.h"

#include <gtest/gtest.h>

#include "fakes/fakes.h"

namespace callgate {
namespace {

TEST(OtpPolicyTest, DefaultsFollowTheSecurityRules) {
  OtpConfig c;
  EXPECT_EQ(c.digits, 6);
  EXPECT_EQ(c.ttl, Seconds(300));
  EXPECT_EQ(c.maxAttempts, 5);
  EXPECT_TRUE(validateOtpConfig(c).ok());
}

TEST(OtpPolicyTest, DigitsMustBeFourToTen) {
  OtpConfig c;
  for (int d : {4, 10}) {
    c.digits = d;
    EXPECT_TRUE(validateOtpConfig(c).ok()) << d;
  }
  for (int d : {3, 11, 0}) {
    c.digits = d;
    auto s = validateOtpConfig(c);
    ASSERT_FALSE(s.ok()) << d;
    EXPECT_NE(s.error().message().find("otp.digits"), std::string::npos);
  }
}

TEST(OtpPolicyTest, RejectsOtherBadValues) {
  OtpConfig c;
  c.maxAttempts = 0;
  EXPECT_FALSE(validateOtpConfig(c).ok());
  c = OtpConfig{};
  c.ttl = Seconds(5);
  EXPECT_FALSE(validateOtpConfig(c).ok());
  c = OtpConfig{};
  c.brand = "";
  EXPECT_FALSE(validateOtpConfig(c).ok());
  c = OtpConfig{};
  c.perNumberLimit = 0;
  EXPECT_FALSE(validateOtpConfig(c).ok());
}

TEST(OtpPolicyTest, GeneratesCodesFromTheRandomPort) {
  testing::FakeRandom random;
  random.scriptDigits("0012349");
  EXPECT_EQ(generateOtpCode(random, 6), "001234");
  random.scriptDigits("98765");
  EXPECT_EQ(generateOtpCode(random, 4), "9987");
}

TEST(OtpPolicyTest, CodeShapeCheck) {
  OtpConfig c;
  EXPECT_TRUE(isWellFormedOtp(c, "012345"));
  EXPECT_FALSE(isWellFormedOtp(c, "12345"));
  EXPECT_FALSE(isWellFormedOtp(c, "1234567"));
  EXPECT_FALSE(isWellFormedOtp(c, "12345a"));
  EXPECT_FALSE(isWellFormedOtp(c, ""));
}

TEST(OtpPolicyTest, HashInputBindsCodeToNumber) {
  EXPECT_NE(otpHashInput("+14155550100", "123456"), otpHashInput("+14155550101", "123456"));
}

TEST(OtpPolicyTest, MessageAndPrefix) {
  OtpConfig c;
  c.brand = "Acme Bank";
  EXPECT_EQ(otpMessageBody(c, "123456"), "Welcome to Acme Bank, your one-time PIN is 123456");
  EXPECT_EQ(otpRatePrefix(c, "+14155550100"), "+1415555");
  c.prefixLength = 20;
  EXPECT_EQ(otpRatePrefix(c, "+14155550100"), "+14155550100");
}

TEST(TimeTest, FormatsRfc3339Utc) {
  EXPECT_EQ(formatRfc3339(fromUnixMillis(0)), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(formatRfc3339(fromUnixMillis(1'800'000'000'123)), "2027-01-15T08:00:00.123Z");
}

TEST(ResultTest, CarriesValueOrError) {
  Result<int> v = 3;
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, 3);
  Result<int> e = Error::notFound("nope");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().toString(), "not_found: nope");
  Status s = okStatus();
  EXPECT_TRUE(s.ok());
}

}  // namespace
}  // namespace callgate
