// The SecretFingerprintStore contract (core/cluster_state.h). Factory: secretFingerprints().
#pragma once

#include <gtest/gtest.h>

#include <mutex>
#include <set>
#include <string>

#include "contracts/contract_support.h"
#include "core/cluster_state.h"

namespace callgate::contracts {

template <class Factory>
class SecretFingerprintStoreContract : public ::testing::Test {
 protected:
  SecretFingerprintStore& store() { return factory_.secretFingerprints(); }
  std::string claim(const std::string& name, const std::string& fingerprint) {
    auto recorded = store().claim(name, fingerprint);
    EXPECT_TRUE(recorded.ok()) << recorded.error().toString();
    return recorded.ok() ? *recorded : "<error>";
  }
  int64_t forgetAll() {
    auto n = store().forgetAll();
    EXPECT_TRUE(n.ok()) << n.error().toString();
    return n.ok() ? *n : -1;
  }

  Factory factory_;
};

TYPED_TEST_SUITE_P(SecretFingerprintStoreContract);

TYPED_TEST_P(SecretFingerprintStoreContract, TheFirstClaimIsRecordedAndLaterOnesSeeIt) {
  EXPECT_EQ(this->claim("otp_secret", "fp-1"), "fp-1");
  EXPECT_EQ(this->claim("otp_secret", "fp-1"), "fp-1");
  EXPECT_EQ(this->claim("otp_secret", "fp-2"), "fp-1");  // a different one never replaces it
}

TYPED_TEST_P(SecretFingerprintStoreContract, NamesAreIndependent) {
  EXPECT_EQ(this->claim("otp_secret", "fp-otp"), "fp-otp");
  EXPECT_EQ(this->claim("pin_pepper", "fp-pin"), "fp-pin");
  EXPECT_EQ(this->claim("otp_secret", "fp-pin"), "fp-otp");
}

TYPED_TEST_P(SecretFingerprintStoreContract, ForgetAllLetsTheNextClaimRecordAgain) {
  EXPECT_EQ(this->forgetAll(), 0);
  this->claim("otp_secret", "fp-1");
  this->claim("pin_pepper", "fp-2");
  EXPECT_EQ(this->forgetAll(), 2);
  EXPECT_EQ(this->claim("otp_secret", "fp-new"), "fp-new");
  EXPECT_EQ(this->forgetAll(), 1);
}

TYPED_TEST_P(SecretFingerprintStoreContract, ConcurrentFirstClaimsAgreeOnOne) {
  std::mutex mu;
  std::set<std::string> seen;
  race([&](int i) {
    auto recorded = this->store().claim("otp_secret", "fp-" + std::to_string(i));
    EXPECT_TRUE(recorded.ok()) << recorded.error().toString();
    if (!recorded.ok()) return false;
    std::lock_guard lock(mu);
    seen.insert(*recorded);
    return true;
  });
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(this->claim("otp_secret", "fp-other"), *seen.begin());
}

REGISTER_TYPED_TEST_SUITE_P(SecretFingerprintStoreContract,
                            TheFirstClaimIsRecordedAndLaterOnesSeeIt, NamesAreIndependent,
                            ForgetAllLetsTheNextClaimRecordAgain, ConcurrentFirstClaimsAgreeOnOne);

}  // namespace callgate::contracts
