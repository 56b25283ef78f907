#include "channels/simulator/simulator.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "app/config/config.h"
#include "app/wiring/wiring.h"
#include "fakes/fakes.h"
#include "fakes/in_memory_contact_auth_store.h"
#include "functions/lookup_caller.h"
#include "functions/send_otp.h"
#include "functions/verify_otp.h"

namespace callgate::app {
namespace {

using nlohmann::json;

// The shipped flow against the real functions over in-memory ports.
class SimulatorTest : public ::testing::Test {
 protected:
  SimulatorTest() : challenges_(customers_) {
    OtpDeps deps{customers_, challenges_, sms_, hasher_, random_, clock_, audit_, OtpConfig{}};
    functions_.add(std::make_unique<LookupCaller>(customers_, CallerIdTrust::kAttested));
    functions_.add(std::make_unique<SendOtp>(deps));
    functions_.add(std::make_unique<VerifyOtp>(deps, ledger_));
    auto flow =
        loadFlowFile(std::string(CALLGATE_SOURCE_DIR) + "/flows/caller-id-otp.json", Config{});
    EXPECT_TRUE(flow.ok()) << flow.error().toString();
    flow_ = *flow;
  }

  std::vector<json> call(const std::string& from, Attestation a, const std::string& input) {
    SimulatedCall sim;
    sim.from = from;
    sim.attestation = a;
    sim.json = true;
    std::istringstream in(input);
    std::ostringstream out;
    EXPECT_EQ(runSimulatedCall(flow_, functions_, sim, in, out), 0);
    std::vector<json> events;
    std::istringstream lines(out.str());
    for (std::string line; std::getline(lines, line);) events.push_back(json::parse(line));
    return events;
  }

  testing::FakeClock clock_;
  testing::FakeRandom random_;
  testing::FakeCodeHasher hasher_;
  testing::InMemoryCustomerStore customers_;
  testing::InMemoryContactAuthStore contactAuth_;
  ContactAuthLedger ledger_{contactAuth_, customers_, clock_};
  testing::InMemoryChallengeStore challenges_;
  testing::RecordingSmsSender sms_;
  testing::RecordingAuditLog audit_;
  FunctionRegistry functions_;
  std::shared_ptr<const flow::Flow> flow_;
};

TEST_F(SimulatorTest, AttestedKnownCallerIsGreetedAndTransferred) {
  ASSERT_TRUE(customers_.add({"+14155550100", "Ada", "Lovelace", "Gold", "en-US", {}}).ok());
  auto events = call("+14155550100", Attestation::kA, "");
  ASSERT_FALSE(events.empty());
  const json& last = events.back();
  EXPECT_EQ(last["type"], "transfer");
  EXPECT_EQ(last["queue"], "Agents");
  EXPECT_EQ(last["attributes"]["authenticated"], "True");
  EXPECT_EQ(last["attributes"]["firstName"], "Ada");
  bool greeted = false;
  for (const auto& e : events)
    greeted |= e["type"] == "prompt" && e["text"] == "Hello Ada, thank you for calling.";
  EXPECT_TRUE(greeted);
  EXPECT_TRUE(sms_.sent.empty());
}

TEST_F(SimulatorTest, UnknownCallerKeysTheCodeAndIsEnrolled) {
  random_.scriptDigits("424242");
  auto events = call("+14155550177", Attestation::kNone, "111111\n424242#\n");
  ASSERT_EQ(sms_.sent.size(), 1u);
  EXPECT_EQ(events.back()["type"], "transfer");
  EXPECT_EQ(events.back()["attributes"]["authenticated"], "True");
  EXPECT_EQ(events.back()["attributes"]["authMethod"], "SmsOtp");
  EXPECT_EQ(customers_.rows.at("+14155550177").level, "Welcome");
}

TEST_F(SimulatorTest, SmsFailureIsToldAndTheCallGoesToAnAgent) {
  sms_.failing = true;
  auto events = call("+14155550177", Attestation::kNone, "");
  bool told = false;
  for (const auto& e : events) {
    told |= e["type"] == "prompt" &&
            e["text"].get<std::string>().rfind("Sorry, we could not send a text message", 0) == 0;
    EXPECT_NE(e["type"], "input") << "no PIN is asked for when none was sent";
  }
  EXPECT_TRUE(told);
  EXPECT_EQ(events.back()["type"], "transfer");
  EXPECT_EQ(events.back()["queue"], "Agents");
  EXPECT_EQ(events.back()["attributes"]["authenticated"], "False");
  EXPECT_EQ(events.back()["attributes"]["otpDelivery"], "SendFailed");
  EXPECT_TRUE(audit_.has("otp_send_failed"));
}

TEST_F(SimulatorTest, SilenceEndsUnauthenticatedAtAnAgent) {
  auto events = call("+14155550177", Attestation::kNone, "\n\n\n\n\n");
  EXPECT_EQ(events.back()["type"], "transfer");
  EXPECT_EQ(events.back()["attributes"]["authenticated"], "False");
  EXPECT_TRUE(customers_.rows.empty());
}

TEST_F(SimulatorTest, EndOfInputIsAHangUp) {
  auto events = call("+14155550177", Attestation::kNone, "");
  EXPECT_EQ(events.back()["type"], "hangup");
  EXPECT_EQ(events.back()["reason"], "caller hung up");
}

TEST(KeypadTest, KeepsKeypadCharactersUpToTheTerminator) {
  EXPECT_EQ(keypadDigits("12 34#56", "#", 10), "1234");
  EXPECT_EQ(keypadDigits("1a2b3", "", 10), "123");
  EXPECT_EQ(keypadDigits("123456", "#", 4), "1234");
  EXPECT_EQ(keypadDigits("*#", "", 5), "*#");
  EXPECT_EQ(keypadDigits("", "#", 5), "");
}

}  // namespace
}  // namespace callgate::app
