#include "core/trust_policy.h"

#include <gtest/gtest.h>

namespace callgate {
namespace {

TEST(TrustPolicyTest, AnyTrustsEveryAttestation) {
  for (auto a : {Attestation::kNone, Attestation::kA, Attestation::kB, Attestation::kC}) {
    EXPECT_TRUE(isCallerIdTrusted(CallerIdTrust::kAny, a));
  }
}

TEST(TrustPolicyTest, AttestedTrustsOnlyFullAttestation) {
  EXPECT_TRUE(isCallerIdTrusted(CallerIdTrust::kAttested, Attestation::kA));
  EXPECT_FALSE(isCallerIdTrusted(CallerIdTrust::kAttested, Attestation::kB));
  EXPECT_FALSE(isCallerIdTrusted(CallerIdTrust::kAttested, Attestation::kC));
  EXPECT_FALSE(isCallerIdTrusted(CallerIdTrust::kAttested, Attestation::kNone));
}

TEST(TrustPolicyTest, ParsesLettersAndVerstat) {
  EXPECT_EQ(*parseAttestation("A"), Attestation::kA);
  EXPECT_EQ(*parseAttestation("b"), Attestation::kB);
  EXPECT_EQ(*parseAttestation("C"), Attestation::kC);
  EXPECT_EQ(*parseAttestation(""), Attestation::kNone);
  EXPECT_EQ(*parseAttestation("none"), Attestation::kNone);
  EXPECT_EQ(*parseAttestation("TN-Validation-Passed-A"), Attestation::kA);
  EXPECT_EQ(*parseAttestation("TN-Validation-Passed-C"), Attestation::kC);
  EXPECT_EQ(*parseAttestation("TN-Validation-Passed"), Attestation::kB);
  EXPECT_EQ(*parseAttestation("TN-Validation-Failed-A"), Attestation::kNone);
  EXPECT_EQ(*parseAttestation("No-TN-Validation"), Attestation::kNone);
}

TEST(TrustPolicyTest, RejectsUnknownAttestation) {
  auto r = parseAttestation("D");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
}

TEST(TrustPolicyTest, ParsesPolicyNames) {
  EXPECT_EQ(*parseCallerIdTrust("any"), CallerIdTrust::kAny);
  EXPECT_EQ(*parseCallerIdTrust("ATTESTED"), CallerIdTrust::kAttested);
  EXPECT_FALSE(parseCallerIdTrust("sometimes").ok());
  EXPECT_STREQ(callerIdTrustName(CallerIdTrust::kAttested), "attested");
}

}  // namespace
}  // namespace callgate
