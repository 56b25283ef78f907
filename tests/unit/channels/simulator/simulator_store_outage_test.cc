// The console simulator with the database away, at the start of a call and in the middle of one
// (code sent, then the database goes before the code is checked): the caller is told, the call
// goes to the agent unauthenticated, and nothing (result, audit, enrolment) claims otherwise.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "channels/common/fail_safe.h"
#include "channels/simulator/simulator.h"
#include "fakes/failing_stores.h"
#include "fakes/in_memory_contact_auth_store.h"
#include "unit/channels/common/channel_test_support.h"
#include "unit/channels/common/log_capture.h"

namespace callgate::app {
namespace {

using namespace callgate::testing;  // NOLINT: test file
using nlohmann::json;

class SimulatorStoreOutageTest : public ::testing::Test {
 protected:
  SimulatorStoreOutageTest()
      : challenges_(customers_),
        customersDown_(customers_, outage_),
        challengesDown_(challenges_, outage_) {
    OtpDeps deps{customersDown_, challengesDown_, sms_, hasher_, random_, clock_, audit_, {}};
    functions_.add(std::make_unique<LookupCaller>(customersDown_, CallerIdTrust::kAttested));
    functions_.add(std::make_unique<SendOtp>(deps));
    functions_.add(std::make_unique<VerifyOtp>(deps, ledger_));
    EXPECT_TRUE(customers_.add({kKnown, "Ada", "Lovelace", "Gold", "en-US", {}}).ok());
  }

  std::vector<json> call(const std::shared_ptr<const flow::Flow>& flow, const std::string& from,
                         const std::string& input, int expectedExit = 0) {
    SimulatedCall sim;
    sim.from = from;
    sim.attestation = Attestation::kA;
    sim.json = true;
    std::istringstream in(input);
    std::ostringstream out;
    EXPECT_EQ(runSimulatedCall(flow, functions_, sim, in, out), expectedExit);
    std::vector<json> events;
    std::istringstream lines(out.str());
    for (std::string line; std::getline(lines, line);) events.push_back(json::parse(line));
    return events;
  }
  static bool told(const std::vector<json>& events, const std::string& words) {
    for (const auto& e : events) {
      if (e["type"] == "prompt" && e["text"].get<std::string>().find(words) != std::string::npos)
        return true;
    }
    return false;
  }
  static void expectUnauthenticatedTransfer(const std::vector<json>& events) {
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events.back()["type"], "transfer") << events.back().dump();
    EXPECT_EQ(events.back()["attributes"]["authenticated"], "False");
    for (const auto& e : events) {
      if (e.contains("result")) {
        EXPECT_NE(e["result"].value("authenticated", ""), "True");
      }
    }
  }
  void expectNoSuccessAudited() const {
    EXPECT_FALSE(audit_.has("otp_verified"));
    EXPECT_FALSE(audit_.has("customer_enrolled"));
  }

  StoreOutage outage_;
  FakeClock clock_;
  FakeRandom random_;
  FakeCodeHasher hasher_;
  InMemoryCustomerStore customers_;
  InMemoryChallengeStore challenges_;
  FailingCustomerStore customersDown_;
  FailingChallengeStore challengesDown_;
  InMemoryContactAuthStore contactAuth_;
  ContactAuthLedger ledger_{contactAuth_, customers_, clock_};
  RecordingSmsSender sms_;
  RecordingAuditLog audit_;
  FunctionRegistry functions_;
  std::shared_ptr<const flow::Flow> shipped_ = loadFlowText(readSourceFile(kShippedFlow));
};

TEST_F(SimulatorStoreOutageTest, DatabaseDownSendsAKnownCallerToTheAgentUnauthenticated) {
  LogCapture log;
  outage_.goDown();
  auto events = call(shipped_, kKnown, "");
  expectUnauthenticatedTransfer(events);
  EXPECT_EQ(events.back()["queue"], "Agents");
  EXPECT_TRUE(told(events, "connect you to an agent")) << json(events).dump();
  EXPECT_TRUE(sms_.sent.empty());
  expectNoSuccessAudited();
  // One warn line per failed function, with its code; never the caller's number.
  EXPECT_EQ(log.lines("event=function_failed"), 2) << log.text();  // lookup-caller, send-otp
  EXPECT_EQ(log.lines("code=unavailable"), 2) << log.text();
  EXPECT_FALSE(log.contains("5550100")) << log.text();
}

TEST_F(SimulatorStoreOutageTest, TheDatabaseGoingAwayAfterTheCodeWasSentNeverAuthenticates) {
  random_.scriptDigits("424242");
  // lookup-caller (1 store call) and send-otp (5) succeed; verify-otp finds the database gone.
  outage_.failAfter(6);
  auto events = call(shipped_, "+14155550177", "424242#\n");
  ASSERT_EQ(sms_.sent.size(), 1u);
  expectUnauthenticatedTransfer(events);
  EXPECT_TRUE(told(events, "we could not check your PIN")) << json(events).dump();
  EXPECT_FALSE(customers_.rows.count("+14155550177"));  // not enrolled
  expectNoSuccessAudited();
  EXPECT_TRUE(audit_.has("otp_sent"));
}

TEST_F(SimulatorStoreOutageTest, AFlowWithoutAnErrorBranchIsHandedOverFailSafe) {
  LogCapture log;
  outage_.goDown();
  auto events = call(loadFlowText(kNoErrorBranchFlow), kKnown, "", /*expectedExit=*/1);
  expectUnauthenticatedTransfer(events);
  EXPECT_TRUE(told(events, std::string(kCannotVerifyText))) << json(events).dump();
  EXPECT_EQ(events.back()["attributes"],
            json({{"authenticated", "False"}, {"authMethod", "None"}}));
  EXPECT_EQ(log.lines("event=call_fail_safe"), 1) << log.text();
  // Up again: the same flow authenticates the attested known caller.
  outage_.comeBack();
  auto after = call(loadFlowText(kNoErrorBranchFlow), kKnown, "");
  EXPECT_EQ(after.back()["attributes"]["authenticated"], "True");
}

}  // namespace
}  // namespace callgate::app
