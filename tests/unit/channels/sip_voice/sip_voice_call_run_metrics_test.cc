// What a SIP call counts in the process-wide metrics (the registry outlives the tests, so each
// compares before and after): the active-calls gauge for the call's life, one verdict with its
// method and the time from answer, one end with its outcome.
#include <gtest/gtest.h>

#include "common/metrics_catalog.h"
#include "unit/channels/sip_voice/sip_voice_call_run_support.h"

namespace callgate::sip_voice {
namespace {

using namespace callgate::sip_voice::testing;  // NOLINT: test file

TEST_F(CallRunTest, AVerifiedOtpCallCountsOneSmsOtpVerdictAndOneTransferredCall) {
  auto& active = metrics::activeCalls().with({"sip"});
  auto& verified = metrics::verdicts().with({"SmsOtp", "verified"});
  auto& transferred = metrics::calls().with({"sip", "transferred"});
  auto& otp = metrics::otpVerifies().with({"verified"});
  auto& seconds = metrics::verdictSeconds().with({"sip"});
  const int64_t active0 = active.value();
  const uint64_t verified0 = verified.value(), transferred0 = transferred.value();
  const uint64_t otp0 = otp.value(), seconds0 = seconds.count();

  random_.scriptDigits("123456");
  call(kUnknown, Attestation::kNone);
  EXPECT_EQ(active.value(), active0 + 1);
  endPlay();
  press("123456#");
  endPlay();
  ASSERT_EQ(leg_->header("X-Callgate-Auth-Method"), "SmsOtp");
  EXPECT_EQ(verified.value(), verified0 + 1);
  EXPECT_EQ(seconds.count(), seconds0 + 1);
  EXPECT_EQ(otp.value(), otp0 + 1);
  run_->transferOutcome({true, 200});
  settle();
  run_->ended(sip::EndReason::kWeHungUp);
  settle();
  EXPECT_EQ(transferred.value(), transferred0 + 1);
  run_->ended(sip::EndReason::kWeHungUp);  // reported twice: counted once
  settle();
  EXPECT_EQ(transferred.value(), transferred0 + 1);
  run_.reset();
  settle();
  EXPECT_EQ(active.value(), active0);
}

TEST_F(CallRunTest, ACallerWhoHangsUpMidFlowIsAbandonedWithoutAVerdict) {
  auto& abandoned = metrics::calls().with({"sip", "abandoned"});
  auto& unverified = metrics::verdicts().with({"None", "unverified"});
  const uint64_t abandoned0 = abandoned.value(), unverified0 = unverified.value();
  call(kUnknown, Attestation::kNone);
  run_->ended(sip::EndReason::kCallerHungUp);
  settle();
  EXPECT_EQ(abandoned.value(), abandoned0 + 1);
  EXPECT_EQ(unverified.value(), unverified0);
}

}  // namespace
}  // namespace callgate::sip_voice
