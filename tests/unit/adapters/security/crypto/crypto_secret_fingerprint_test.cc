// Secret fingerprints and the start-up check of the shared secrets against the fingerprints the
// other nodes recorded.

#include <gtest/gtest.h>

#include <string>

#include "adapters/security/crypto/secret_fingerprint.h"
#include "fakes/in_memory_cluster_state.h"

namespace callgate {
namespace {

const std::string kSecret(32, 'k');
const std::string kOther(32, 'x');

TEST(SecretFingerprintTest, IsStableKeyedAndNeverContainsTheSecret) {
  const std::string fp = secretFingerprint("otp_secret", kSecret);
  EXPECT_EQ(fp, secretFingerprint("otp_secret", kSecret));
  EXPECT_TRUE(fp.starts_with("v1:"));
  EXPECT_EQ(fp.size(), 3u + 64u);
  EXPECT_NE(fp, secretFingerprint("otp_secret", kOther));
  // The name is part of it: one secret used for two purposes gives unrelated fingerprints.
  EXPECT_NE(fp, secretFingerprint("pin_pepper", kSecret));
  EXPECT_EQ(fp.find("6b6b6b6b"), std::string::npos);  // hex of the secret's bytes
}

TEST(SecretFingerprintTest, MatchesAKnownValue) {
  // Recorded fingerprints must compare equal across releases: pin the construction.
  // HMAC-SHA256(key = 32 x 'k', "callgate secret fingerprint v1" || 0x00 || "otp_secret").
  // (computed independently with Python's hmac module)
  EXPECT_EQ(secretFingerprint("otp_secret", kSecret),
            "v1:1c7e4e54f15d672d9ac64799c005d5d2af77d70eae40b72702c7427b2989b422");
}

TEST(SharedSecretCheckTest, TheFirstNodeRecordsAndAnAgreeingNodePasses) {
  testing::InMemorySecretFingerprintStore store;
  const std::vector<SharedSecret> secrets = {{"otp_secret", kSecret, "CALLGATE_OTP_SECRET"},
                                             {"pin_pepper", kOther, "CALLGATE_PIN_PEPPER"}};
  ASSERT_TRUE(checkSharedSecrets(store, secrets).ok());
  EXPECT_EQ(store.rows.size(), 2u);
  EXPECT_EQ(store.rows["otp_secret"], secretFingerprint("otp_secret", kSecret));
  EXPECT_TRUE(checkSharedSecrets(store, secrets).ok());
}

TEST(SharedSecretCheckTest, ADifferingSecretIsRefusedByName) {
  testing::InMemorySecretFingerprintStore store;
  ASSERT_TRUE(
      checkSharedSecrets(store, {{"otp_secret", kSecret, "A"}, {"pin_pepper", kSecret, "B"}}).ok());
  const Status s =
      checkSharedSecrets(store, {{"otp_secret", kSecret, "CALLGATE_OTP_SECRET"},
                                 {"pin_pepper", kOther, "CALLGATE_PIN_PEPPER or pin_pepper_file"}});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kFailedPrecondition);
  const std::string& m = s.error().message();
  EXPECT_TRUE(m.starts_with("pin_pepper differs")) << m;
  EXPECT_NE(m.find("CALLGATE_PIN_PEPPER or pin_pepper_file"), std::string::npos) << m;
  EXPECT_NE(m.find("callgate cluster forget-secrets"), std::string::npos) << m;
  EXPECT_EQ(m.find(kOther), std::string::npos);
}

TEST(SharedSecretCheckTest, AfterForgettingTheNextNodeRecordsItsOwn) {
  testing::InMemorySecretFingerprintStore store;
  ASSERT_TRUE(checkSharedSecrets(store, {{"otp_secret", kSecret, ""}}).ok());
  ASSERT_FALSE(checkSharedSecrets(store, {{"otp_secret", kOther, ""}}).ok());
  ASSERT_TRUE(store.forgetAll().ok());
  EXPECT_TRUE(checkSharedSecrets(store, {{"otp_secret", kOther, ""}}).ok());
  EXPECT_FALSE(checkSharedSecrets(store, {{"otp_secret", kSecret, ""}}).ok());
}

TEST(SharedSecretCheckTest, AStoreErrorNamesTheSecretAndKeepsItsCode) {
  testing::InMemorySecretFingerprintStore store;
  store.failing = true;
  const Status s = checkSharedSecrets(store, {{"otp_secret", kSecret, ""}});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(s.error().message().find("otp_secret"), std::string::npos);
}

}  // namespace
}  // namespace callgate
