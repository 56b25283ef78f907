#include "adapters/security/totp/oath_staff_totp.h"

#include <gtest/gtest.h>

#include <string>

#include "fakes/fakes.h"

namespace callgate {
namespace {

TimePoint at(int64_t unixSeconds) { return fromUnixMillis(unixSeconds * 1000); }

// RFC 6238 Appendix B, SHA-1 seed "12345678901234567890"; the codes there have 8 digits, ours
// are the last 6 (RFC 4226: the 6-digit code is the same truncation mod 10^6).
TEST(OathStaffTotpTest, MatchesTheRfc6238TestVectors) {
  const std::string seed = "12345678901234567890";
  EXPECT_EQ(OathStaffTotp::codeAt(seed, at(59)), "287082");
  EXPECT_EQ(OathStaffTotp::codeAt(seed, at(1111111109)), "081804");
  EXPECT_EQ(OathStaffTotp::codeAt(seed, at(1111111111)), "050471");
  EXPECT_EQ(OathStaffTotp::codeAt(seed, at(1234567890)), "005924");
  EXPECT_EQ(OathStaffTotp::codeAt(seed, at(2000000000)), "279037");
  EXPECT_EQ(OathStaffTotp::codeAt(seed, at(20000000000)), "353130");
}

class OathStaffTotpEnrolled : public ::testing::Test {
 protected:
  OathStaffTotpEnrolled() {
    auto built = StateCipher::derive(std::string(32, 'k'), "stafftot", 1);
    EXPECT_TRUE(built.ok());
    cipher_ = std::move(*built);
    totp_ = std::make_unique<OathStaffTotp>(*cipher_, random_, "call gate");
    enrollment_ = totp_->enroll("ann");
    // FakeRandom's first fill: 20 bytes of 0x42 ("B").
    seed_ = std::string(20, 'B');
  }

  testing::FakeRandom random_;
  std::unique_ptr<StateCipher> cipher_;
  std::unique_ptr<OathStaffTotp> totp_;
  TotpEnrollment enrollment_;
  std::string seed_;
};

TEST_F(OathStaffTotpEnrolled, ShowsTheSeedAsBase32AndAnOtpauthUri) {
  EXPECT_EQ(enrollment_.base32Secret, "IJBEEQSCIJBEEQSCIJBEEQSCIJBEEQSC");
  EXPECT_EQ(enrollment_.uri,
            "otpauth://totp/call%20gate:ann?secret=IJBEEQSCIJBEEQSCIJBEEQSCIJBEEQSC&issuer=call%"
            "20gate&algorithm=SHA1&digits=6&period=30");
  EXPECT_EQ(enrollment_.sealedSeed.find(seed_), std::string::npos);
}

TEST_F(OathStaffTotpEnrolled, AcceptsTheCurrentStepAndOneEitherSideAndSaysWhichStep) {
  const int64_t t = 1'800'000'015;
  const int64_t step = t / 30;
  EXPECT_EQ(
      totp_->matchStep(enrollment_.sealedSeed, "ann", OathStaffTotp::codeAt(seed_, at(t)), at(t)),
      step);
  EXPECT_EQ(totp_->matchStep(enrollment_.sealedSeed, "ann",
                             OathStaffTotp::codeAt(seed_, at(t - 30)), at(t)),
            step - 1);
  EXPECT_EQ(totp_->matchStep(enrollment_.sealedSeed, "ann",
                             OathStaffTotp::codeAt(seed_, at(t + 30)), at(t)),
            step + 1);
  EXPECT_FALSE(totp_->matchStep(enrollment_.sealedSeed, "ann",
                                OathStaffTotp::codeAt(seed_, at(t - 90)), at(t)));
}

TEST_F(OathStaffTotpEnrolled, RefusesMalformedCodesAndASeedMovedToAnotherAccount) {
  const int64_t t = 1'800'000'015;
  const std::string code = OathStaffTotp::codeAt(seed_, at(t));
  EXPECT_FALSE(totp_->matchStep(enrollment_.sealedSeed, "bob", code, at(t)));
  EXPECT_FALSE(totp_->matchStep("not sealed", "ann", code, at(t)));
  EXPECT_FALSE(totp_->matchStep(enrollment_.sealedSeed, "ann", code + "0", at(t)));
  EXPECT_FALSE(totp_->matchStep(enrollment_.sealedSeed, "ann", code.substr(1), at(t)));
  EXPECT_FALSE(totp_->matchStep(enrollment_.sealedSeed, "ann", "12345a", at(t)));
  EXPECT_FALSE(totp_->matchStep(enrollment_.sealedSeed, "ann", "", at(t)));
}

}  // namespace
}  // namespace callgate
