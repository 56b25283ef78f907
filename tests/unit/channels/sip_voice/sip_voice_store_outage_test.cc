// The SIP channel with the database away: at the start of a call, after the code was sent, and
// with a flow that has no Error branch. Every time the caller is told, the REFER carries
// X-Callgate-Auth: False, and neither the audit log nor the customer table claims success.
#include <gtest/gtest.h>

#include "channels/common/fail_safe.h"
#include "fakes/failing_stores.h"
#include "unit/channels/common/log_capture.h"
#include "unit/channels/sip_voice/sip_voice_call_run_support.h"

namespace callgate::sip_voice {
namespace {

using namespace callgate::sip_voice::testing;  // NOLINT: test file

class SipStoreOutageTest : public CallRunTest {
 protected:
  SipStoreOutageTest()
      : customersDown_(customers_, outage_), challengesDown_(challenges_, outage_) {
    // The same functions as the fixture's, over the failing stores (add() replaces by name).
    OtpDeps deps{customersDown_, challengesDown_, sms_, hasher_, random_, clock_, audit_, {}};
    functions_.add(std::make_unique<LookupCaller>(customersDown_, CallerIdTrust::kAttested));
    functions_.add(std::make_unique<SendOtp>(deps));
    functions_.add(std::make_unique<VerifyOtp>(deps, ledger_));
    addCustomer(kKnown, "Ada");
  }

  // Plays prompts to their end until the call REFERs or hangs up.
  void playToTheEnd() {
    for (int i = 0; i < 20 && media_->playing(); ++i) endPlay();
  }
  bool said(const std::string& words) {
    std::lock_guard lock(spokenMu_);
    for (const auto& s : spoken_) {
      if (s.find(words) != std::string::npos) return true;
    }
    return false;
  }
  void expectReferredUnauthenticated(const std::string& target) {
    EXPECT_EQ(leg_->referTarget, target);
    EXPECT_EQ(leg_->header("X-Callgate-Auth"), "False");
    EXPECT_EQ(leg_->header("X-Callgate-firstName"), "");
    EXPECT_FALSE(audit_.has("otp_verified"));
    EXPECT_FALSE(audit_.has("customer_enrolled"));
  }

  StoreOutage outage_;
  FailingCustomerStore customersDown_;
  FailingChallengeStore challengesDown_;
};

TEST_F(SipStoreOutageTest, DatabaseDownReferTheCallerUnauthenticatedAfterSayingSo) {
  LogCapture log;
  outage_.goDown();
  call(kKnown, Attestation::kA);
  playToTheEnd();
  expectReferredUnauthenticated("sip:agents@pbx.example.com");
  EXPECT_TRUE(said("connect you to an agent"));
  EXPECT_TRUE(sms_.sent.empty());
  EXPECT_EQ(log.lines("event=function_failed"), 2) << log.text();
  EXPECT_FALSE(log.contains("5550100")) << log.text();
}

TEST_F(SipStoreOutageTest, TheDatabaseGoingAwayBeforeTheCodeIsCheckedNeverAuthenticates) {
  random_.scriptDigits("123456");
  outage_.failAfter(6);  // lookup-caller (1) and send-otp (5) work; verify-otp finds it gone
  call(kUnknown, Attestation::kNone);
  ASSERT_EQ(sms_.sent.size(), 1u);
  endPlay();
  press("123456#");
  playToTheEnd();
  expectReferredUnauthenticated("sip:agents@pbx.example.com");
  EXPECT_TRUE(said("we could not check your PIN"));
  EXPECT_EQ(customers_.rows.count(kUnknown), 0u);  // not enrolled
}

TEST_F(SipStoreOutageTest, AFlowWithoutAnErrorBranchIsReferredFailSafe) {
  LogCapture log;
  outage_.goDown();
  call(kKnown, Attestation::kA, loadFlowText(callgate::testing::kNoErrorBranchFlow));
  ASSERT_TRUE(media_->playing());
  EXPECT_TRUE(said(std::string(kCannotVerifyText)));
  EXPECT_TRUE(leg_->referTarget.empty());  // the caller hears it before the transfer
  endPlay();
  // The flow failed before it named a queue: the default agent takes it.
  expectReferredUnauthenticated("sip:agent@127.0.0.1:5090");
  EXPECT_EQ(leg_->header("X-Callgate-Auth-Method"), "None");
  EXPECT_EQ(leg_->hangups, 0);
  EXPECT_EQ(log.lines("event=call_fail_safe"), 1) << log.text();
}

TEST_F(SipStoreOutageTest, WithoutAnAgentTheFailSafeSaysSoAndHangsUp) {
  sipOptions_.queues.clear();
  sipOptions_.defaultAgent.clear();
  outage_.goDown();
  call(kKnown, Attestation::kA, loadFlowText(callgate::testing::kNoErrorBranchFlow));
  playToTheEnd();
  EXPECT_TRUE(leg_->referTarget.empty());
  EXPECT_TRUE(said(std::string(kCannotVerifyNoAgentText)));
  EXPECT_EQ(leg_->hangups, 1);
}

TEST_F(SipStoreOutageTest, TheOnlyQueueCatchesTheFailSafeWithoutADefaultAgent) {
  sipOptions_.defaultAgent.clear();
  sipOptions_.queues = {{"Desk", "sip:desk@pbx.example.com"}};
  outage_.goDown();
  call(kKnown, Attestation::kA, loadFlowText(callgate::testing::kNoErrorBranchFlow));
  playToTheEnd();
  expectReferredUnauthenticated("sip:desk@pbx.example.com");
}

}  // namespace
}  // namespace callgate::sip_voice
