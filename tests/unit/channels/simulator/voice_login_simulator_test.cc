// The shipped flows/voice-login.json through the console simulator, against the real functions
// over in-memory ports: sign in with user id + PIN, get a link texted, reach an agent.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "app/config/config.h"
#include "app/wiring/wiring.h"
#include "channels/simulator/simulator.h"
#include "fakes/fakes.h"
#include "fakes/in_memory_contact_auth_store.h"
#include "functions/action_links.h"
#include "functions/builtin_credential_verifier.h"
#include "functions/issue_action_link.h"
#include "functions/send_otp.h"
#include "functions/send_unlock_code.h"
#include "functions/verify_pin.h"
#include "functions/verify_unlock_code.h"

namespace callgate::app {
namespace {

using nlohmann::json;

class VoiceLoginSimulatorTest : public ::testing::Test {
 protected:
  VoiceLoginSimulatorTest()
      : credentials_(customers_),
        links_(LinkDeps{customers_, grants_, sms_, codeHasher_, random_, clock_, audit_,
                        LinkConfig{}}) {
    functions_.add(std::make_unique<VerifyPin>(
        PinDeps{customers_, credentials_, builtin_, clock_, audit_, PinLockoutPolicy{}}, ledger_));
    functions_.add(std::make_unique<IssueActionLink>(links_, ledger_));
    OtpDeps otp{customers_, challenges_, sms_, codeHasher_, random_, clock_, audit_, OtpConfig{}};
    functions_.add(std::make_unique<SendOtp>(otp));
    functions_.add(std::make_unique<SendUnlockCode>(
        UnlockCodeDeps{customers_, credentials_, clock_, audit_, PinLockoutPolicy{}},
        *functions_.find("send-otp")));
    functions_.add(std::make_unique<VerifyUnlockCode>(otp, credentials_));
    auto flow =
        loadFlowFile(std::string(CALLGATE_SOURCE_DIR) + "/flows/voice-login.json", Config{});
    EXPECT_TRUE(flow.ok()) << flow.error().toString();
    flow_ = *flow;
    Customer ada{"+14155550100", "Ada", "Lovelace", "Gold", "en-US", {}};
    ada.userId = "12345678";
    EXPECT_TRUE(customers_.addWithPins({{ada, *pinHasher_.hash("12345678", "4321")}}).ok());
  }

  std::vector<json> call(const std::string& input, const std::string& from = "+14155550177") {
    SimulatedCall sim;
    sim.from = from;
    sim.json = true;
    std::istringstream in(input);
    std::ostringstream out;
    EXPECT_EQ(runSimulatedCall(flow_, functions_, sim, in, out), 0);
    std::vector<json> events;
    std::istringstream lines(out.str());
    for (std::string line; std::getline(lines, line);) events.push_back(json::parse(line));
    return events;
  }

  static bool heard(const std::vector<json>& events, const std::string& fragment) {
    for (const auto& e : events) {
      if (e["type"] == "prompt" && e["text"].get<std::string>().find(fragment) != std::string::npos)
        return true;
    }
    return false;
  }

  static int functionCalls(const std::vector<json>& events, const std::string& name) {
    int n = 0;
    for (const auto& e : events) n += e["type"] == "function" && e["name"] == name;
    return n;
  }

  testing::FakeClock clock_;
  testing::FakeRandom random_;
  testing::FakeCodeHasher codeHasher_;
  testing::FakePinHasher pinHasher_;
  testing::InMemoryCustomerStore customers_;
  testing::InMemoryCredentialStore credentials_;
  testing::InMemoryGrantStore grants_;
  testing::InMemoryChallengeStore challenges_{customers_};
  testing::RecordingSmsSender sms_;
  testing::RecordingAuditLog audit_;
  testing::InMemoryContactAuthStore contactAuth_;
  ContactAuthLedger ledger_{contactAuth_, customers_, clock_};
  BuiltinCredentialVerifier builtin_{credentials_, pinHasher_, customers_, clock_};
  ActionLinks links_;
  FunctionRegistry functions_;
  std::shared_ptr<const flow::Flow> flow_;
};

TEST_F(VoiceLoginSimulatorTest, TheFlowLoadsWithoutWarnings) {
  ASSERT_TRUE(flow_);
  EXPECT_TRUE(flow_->warnings().empty()) << flow_->warnings().front();
}

TEST_F(VoiceLoginSimulatorTest, TheRightPinSendsALinkToTheNumberOnFileThenAnAgent) {
  // Called from another phone: the link still goes to the number on file.
  auto events = call("12345678#\n4321#\n");
  ASSERT_FALSE(events.empty());
  const json& last = events.back();
  EXPECT_EQ(last["type"], "transfer");
  EXPECT_EQ(last["queue"], "Agents");
  EXPECT_EQ(last["attributes"]["authenticated"], "True");
  EXPECT_EQ(last["attributes"]["authMethod"], "Pin");
  EXPECT_EQ(last["attributes"]["userId"], "12345678");
  EXPECT_EQ(last["attributes"]["firstName"], "Ada");
  EXPECT_EQ(last["attributes"]["linkSent"], "True");
  EXPECT_EQ(last["attributes"]["enteredUserId"], "");
  // The PIN never reaches the agent.
  for (const auto& [k, v] : last["attributes"].items()) EXPECT_NE(v, "4321") << k;
  EXPECT_TRUE(heard(events, "Thank you Ada, you are signed in."));
  EXPECT_TRUE(heard(events, "The link is valid for 10 minutes."));
  ASSERT_EQ(sms_.sent.size(), 1u);
  EXPECT_EQ(sms_.sent[0].to, "+14155550100");
  EXPECT_TRUE(std::regex_search(sms_.sent[0].body, std::regex("/l/[A-Za-z0-9_-]{22} ")));
  ASSERT_EQ(grants_.rows.size(), 1u);
  EXPECT_EQ(grants_.rows[0].action, "account:add_member");
}

TEST_F(VoiceLoginSimulatorTest, ThreeWrongTriesEndAtAnAgentUnauthenticated) {
  auto events = call("12345678#\n1111#\n12345678#\n2222#\n12345678#\n3333#\n");
  const json& last = events.back();
  EXPECT_EQ(last["type"], "transfer");
  EXPECT_EQ(last["attributes"]["authenticated"], "False");
  EXPECT_EQ(last["attributes"]["authMethod"], "None");
  EXPECT_EQ(last["attributes"].count("userId"), 0u);
  EXPECT_EQ(functionCalls(events, "verify-pin"), 3);
  EXPECT_EQ(functionCalls(events, "issue-action-link"), 0);
  EXPECT_TRUE(heard(events, "That user ID and PIN do not match."));
  EXPECT_TRUE(heard(events, "Please say your user ID again"));
  EXPECT_TRUE(heard(events, "Sorry, we could not sign you in."));
  EXPECT_TRUE(sms_.sent.empty());
  EXPECT_EQ(credentials_.failures["12345678"].failures, 3);
}

TEST_F(VoiceLoginSimulatorTest, ARetryCanSucceed) {
  auto events = call("12345678#\n1111#\n12345678#\n4321#\n");
  EXPECT_EQ(events.back()["attributes"]["authenticated"], "True");
  EXPECT_EQ(sms_.sent.size(), 1u);
}

TEST_F(VoiceLoginSimulatorTest, ALockedUserIdGoesToAnAgentUnauthenticatedEvenWithTheRightPin) {
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(
        credentials_.beginPinAttempt("12345678", PinLockoutPolicy{}, clock_.now())->allowed);
  auto events = call("12345678#\n4321#\n\n");  // no key at the unlock offer
  const json& last = events.back();
  EXPECT_EQ(last["type"], "transfer");
  EXPECT_EQ(last["attributes"]["authenticated"], "False");
  EXPECT_TRUE(heard(events, "PIN sign-in is locked"));
  EXPECT_TRUE(heard(events, "press 1"));
  EXPECT_EQ(functionCalls(events, "verify-pin"), 1);
  EXPECT_EQ(functionCalls(events, "send-unlock-code"), 0);
  EXPECT_TRUE(sms_.sent.empty());
}

TEST_F(VoiceLoginSimulatorTest, ALockedCallerUnlocksByTextedCodeThenSignsInWithThePin) {
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(
        credentials_.beginPinAttempt("12345678", PinLockoutPolicy{}, clock_.now())->allowed);
  random_.scriptDigits("654321");
  auto events = call("12345678#\n4321#\n1\n654321#\n4321#\n");
  EXPECT_TRUE(heard(events, "If that user ID exists, we have sent a code"));
  EXPECT_TRUE(heard(events, "your user ID is unlocked"));
  EXPECT_EQ(functionCalls(events, "verify-pin"), 2);  // unlocking is not signing in
  const json& last = events.back();
  EXPECT_EQ(last["type"], "transfer");
  EXPECT_EQ(last["attributes"]["authenticated"], "True");
  // The code went to the number on file, not the calling phone; then the link.
  ASSERT_EQ(sms_.sent.size(), 2u);
  EXPECT_EQ(sms_.sent[0].to, "+14155550100");
  EXPECT_NE(sms_.sent[0].body.find("654321"), std::string::npos);
}

TEST_F(VoiceLoginSimulatorTest, AWrongUnlockCodeEndsAtAnAgentUnauthenticated) {
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(
        credentials_.beginPinAttempt("12345678", PinLockoutPolicy{}, clock_.now())->allowed);
  random_.scriptDigits("654321");
  auto events = call("12345678#\n4321#\n1\n111111#\n");
  EXPECT_TRUE(heard(events, "could not unlock your user ID"));
  EXPECT_EQ(events.back()["attributes"]["authenticated"], "False");
  EXPECT_EQ(functionCalls(events, "verify-pin"), 1);
}

TEST_F(VoiceLoginSimulatorTest, SilenceAndAnUnknownUserIdAreTriesToo) {
  auto events = call("\n99999999#\n4321#\n\n");
  EXPECT_EQ(events.back()["attributes"]["authenticated"], "False");
  EXPECT_TRUE(heard(events, "We did not receive your entry."));
  EXPECT_TRUE(sms_.sent.empty());
}

}  // namespace
}  // namespace callgate::app
