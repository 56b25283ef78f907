// The shipped flow, flows/caller-id-otp.json, end to end with scripted function results: a fake
// caller answers every prompt, keys in scripted input, and the built-in functions answer from a
// script. Each test asserts what the caller heard, which functions ran with which parameters, and
// where the call ended with which attributes.
#include <gtest/gtest.h>

#include <deque>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/flow/dot.h"
#include "unit/core/flow/flow_test_util.h"

namespace callgate::flow {
namespace {

using namespace callgate::flow::flowtest;  // NOLINT: test file

std::string shippedFlowText() {
  // CALLGATE_SOURCE_DIR (set by tests/CMakeLists.txt), not __FILE__: ccache's base_dir makes
  // __FILE__ relative to the build directory, which is not the test's working directory.
  std::filesystem::path path =
      std::filesystem::path(CALLGATE_SOURCE_DIR) / "flows/caller-id-otp.json";
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// What the app does: accept the function-name part of a Lambda ARN if it is a built-in.
LoadOptions builtInFunctions() {
  LoadOptions options;
  options.resolveFunction = [](const std::string& arn) -> std::optional<std::string> {
    static const std::set<std::string> kBuiltIns = {"lookup-caller", "send-otp", "verify-otp"};
    std::string name = functionNameFromArn(arn);
    if (kBuiltIns.count(name) == 0) return std::nullopt;
    return name;
  };
  return options;
}

std::shared_ptr<const Flow> shippedFlow() {
  static const std::shared_ptr<const Flow> flow = mustLoad(shippedFlowText(), builtInFunctions());
  return flow;
}

using StringMap = std::map<std::string, std::string>;

struct Script {
  std::map<std::string, std::deque<Event>>
      functions;             // FunctionCompleted / FunctionFailed per function
  std::deque<Event> keypad;  // DigitsCollected / InputTimedOut
};

struct Transcript {
  std::vector<std::string> heard;  // every prompt, in order
  std::vector<InvokeFunction> calls;
  std::vector<CollectDigits> asks;
  Action end = Disconnect{};
  StringMap attributes;
  std::vector<Step> steps;
};

Transcript call(Script script) {
  Session session(shippedFlow(), testCall());
  Transcript t;
  Action action = session.start();
  for (int guard = 0; guard < 200 && !isTerminal(action); ++guard) {
    if (const auto* play = std::get_if<PlayPrompt>(&action)) {
      t.heard.push_back(play->text);
      action = session.handle(PromptPlayed{});
    } else if (const auto* collect = std::get_if<CollectDigits>(&action)) {
      t.heard.push_back(collect->prompt.text);
      t.asks.push_back(*collect);
      if (script.keypad.empty()) {
        ADD_FAILURE() << "the flow asked for input the script does not have";
        action = session.handle(CallerHungUp{});
        break;
      }
      action = session.handle(script.keypad.front());
      script.keypad.pop_front();
    } else if (const auto* invoke = std::get_if<InvokeFunction>(&action)) {
      t.calls.push_back(*invoke);
      std::deque<Event>& answers = script.functions[invoke->function];
      if (answers.empty()) {
        ADD_FAILURE() << "unscripted call to " << invoke->function;
        action = session.handle(CallerHungUp{});
        break;
      }
      action = session.handle(answers.front());
      answers.pop_front();
    }
  }
  EXPECT_TRUE(session.finished());
  EXPECT_TRUE(script.keypad.empty()) << "the flow stopped asking for input early";
  t.end = action;
  t.attributes = session.attributes();
  t.steps = session.drainSteps();
  return t;
}

FunctionCompleted lookup(bool authenticated, bool recordFound = true) {
  StringMap r{{"lambdaResult", "Success"},
              {"recordFound", recordFound ? "True" : "False"},
              {"callerIdTrusted", authenticated ? "True" : "False"},
              {"authenticated", authenticated ? "True" : "False"}};
  if (authenticated) {
    r.insert({{"firstName", "Ada"},
              {"lastName", "Lovelace"},
              {"custLevel", "Gold"},
              {"language", "en-GB"}});
  }
  return FunctionCompleted{r};
}
FunctionCompleted sent() { return FunctionCompleted{{{"lambdaResult", "Success"}}}; }
FunctionCompleted notSent(const std::string& reason) {
  return FunctionCompleted{{{"lambdaResult", "Error"}, {"reason", reason}}};
}
FunctionCompleted otp(const std::string& result) {
  StringMap r{{"lambdaResult", "Success"}, {"otpResult", result}};
  if (result == "Verified") {
    r.insert({{"enrolled", "True"},
              {"firstName", "Grace"},
              {"lastName", "Hopper"},
              {"custLevel", "Silver"},
              {"language", "en-US"}});
  }
  if (result == "Invalid") r["attemptsRemaining"] = "3";
  return FunctionCompleted{r};
}

const std::string kAskPin =
    "We have sent a one-time PIN to your phone by text message. Please say it, or enter it "
    "followed "
    "by the pound key.";
const std::string kAskAgain =
    "Please say the PIN from your text message again, or enter it followed by the pound key.";
const std::string kHold = " Please hold while we connect you to an agent.";

TransferToQueue expectAgentsTransfer(const Transcript& t) {
  TransferToQueue transfer = as<TransferToQueue>(t.end);
  EXPECT_EQ(transfer.queue, "Agents");
  EXPECT_EQ(transfer.attributes, t.attributes);
  return transfer;
}

void expectUnauthenticated(const Transcript& t) {
  TransferToQueue transfer = expectAgentsTransfer(t);
  EXPECT_EQ(transfer.attributes.at("authenticated"), "False");
  EXPECT_EQ(transfer.attributes.at("authMethod"), "None");
  EXPECT_EQ(transfer.attributes.count("firstName"), 0u);
}

TEST(CallerIdOtpFlowTest, LoadsWithoutWarnings) {
  auto flow = shippedFlow();
  ASSERT_NE(flow, nullptr);
  EXPECT_TRUE(flow->warnings().empty()) << ::testing::PrintToString(flow->warnings());
  EXPECT_EQ(flow->startBlock().id, "lookup-caller");
  EXPECT_NE(toDot(*flow).find("\"verify-otp\" -> \"check-otp-result\""), std::string::npos);
  // Unknown functions are refused, so a typo in an ARN cannot reach a live call.
  LoadOptions none;
  none.resolveFunction = [](const std::string&) -> std::optional<std::string> {
    return std::nullopt;
  };
  EXPECT_EQ(loadError(shippedFlowText(), none),
            "action 'lookup-caller' (InvokeLambdaFunction): unknown function "
            "'arn:aws:lambda:us-east-1:000000000000:function:lookup-caller'");
}

TEST(CallerIdOtpFlowTest, KnownCallerIsGreetedAndTransferredAuthenticated) {
  Transcript t = call({{{"lookup-caller", {lookup(true)}}}, {}});
  ASSERT_EQ(t.calls.size(), 1u);
  EXPECT_EQ(t.calls[0].function, "lookup-caller");
  EXPECT_EQ(t.heard, std::vector<std::string>{"Hello Ada, thank you for calling."});
  TransferToQueue transfer = expectAgentsTransfer(t);
  StringMap expected{{"authenticated", "True"}, {"authMethod", "CallerId"},
                     {"recordFound", "True"},   {"callerIdTrusted", "True"},
                     {"firstName", "Ada"},      {"lastName", "Lovelace"},
                     {"custLevel", "Gold"},     {"language", "en-GB"}};
  EXPECT_EQ(transfer.attributes, expected);
  EXPECT_EQ(outcomes(t.steps),
            (std::vector<std::string>{
                "lookup-caller/next", "save-lookup-result/next",
                "check-caller-authenticated/condition:True", "set-caller-id-attributes/next",
                "check-first-name/error:NoMatchingCondition", "greet-by-name/next",
                "set-agents-queue/next", "transfer-to-agents/end"}));
}

TEST(CallerIdOtpFlowTest, UnknownCallerVerifiesWithSmsPin) {
  Transcript t = call({{{"lookup-caller", {lookup(false, false)}},
                        {"send-otp", {sent()}},
                        {"verify-otp", {otp("Verified")}}},
                       {DigitsCollected{"482913"}}});
  ASSERT_EQ(t.calls.size(), 3u);
  EXPECT_EQ(t.calls[1].function, "send-otp");
  EXPECT_EQ(t.calls[2].function, "verify-otp");
  EXPECT_EQ(t.calls[2].parameters, (StringMap{{"code", "482913"}}));
  ASSERT_EQ(t.asks.size(), 1u);
  EXPECT_EQ(t.asks[0].maxDigits, 10);
  EXPECT_EQ(t.asks[0].terminator, "#");
  EXPECT_EQ(t.asks[0].timeoutSeconds, 10);
  EXPECT_TRUE(t.asks[0].storeInput);
  EXPECT_EQ(t.heard, (std::vector<std::string>{kAskPin, "Hello Grace, thank you for calling."}));
  TransferToQueue transfer = expectAgentsTransfer(t);
  StringMap expected{
      {"authenticated", "True"},    {"authMethod", "SmsOtp"}, {"recordFound", "False"},
      {"callerIdTrusted", "False"}, {"enrolled", "True"},     {"firstName", "Grace"},
      {"lastName", "Hopper"},       {"custLevel", "Silver"},  {"language", "en-US"}};
  EXPECT_EQ(transfer.attributes, expected);
}

TEST(CallerIdOtpFlowTest, WrongPinThenRightPin) {
  Transcript t = call({{{"lookup-caller", {lookup(false)}},
                        {"send-otp", {sent()}},
                        {"verify-otp", {otp("Invalid"), otp("Verified")}}},
                       {DigitsCollected{"111111"}, DigitsCollected{"482913"}}});
  EXPECT_EQ(t.heard, (std::vector<std::string>{kAskPin, "That PIN is not correct.", kAskAgain,
                                               "Hello Grace, thank you for calling."}));
  ASSERT_EQ(t.calls.size(), 4u);
  EXPECT_EQ(t.calls[2].parameters.at("code"), "111111");
  EXPECT_EQ(t.calls[3].parameters.at("code"), "482913");
  EXPECT_EQ(expectAgentsTransfer(t).attributes.at("authenticated"), "True");
}

TEST(CallerIdOtpFlowTest, RetriesAreExhaustedAfterThreeTries) {
  Transcript t = call({{{"lookup-caller", {lookup(false)}},
                        {"send-otp", {sent()}},
                        {"verify-otp", {otp("Invalid"), otp("Invalid"), otp("Invalid")}}},
                       {DigitsCollected{"1"}, DigitsCollected{"2"}, DigitsCollected{"3"}}});
  EXPECT_EQ(t.heard, (std::vector<std::string>{kAskPin, "That PIN is not correct.", kAskAgain,
                                               "That PIN is not correct.", kAskAgain,
                                               "That PIN is not correct.",
                                               "Sorry, we could not verify your PIN." + kHold}));
  EXPECT_EQ(t.calls.size(), 5u);  // lookup, send, three verifies
  expectUnauthenticated(t);
}

TEST(CallerIdOtpFlowTest, TimeoutsCountAsFailedTries) {
  Transcript t = call({{{"lookup-caller", {lookup(false)}}, {"send-otp", {sent()}}},
                       {InputTimedOut{}, InputTimedOut{}, InputTimedOut{}}});
  EXPECT_EQ(t.heard, (std::vector<std::string>{kAskPin, "We did not receive a PIN.", kAskAgain,
                                               "We did not receive a PIN.", kAskAgain,
                                               "We did not receive a PIN.",
                                               "Sorry, we could not verify your PIN." + kHold}));
  EXPECT_EQ(t.calls.size(), 2u);  // verify-otp never ran
  expectUnauthenticated(t);
}

TEST(CallerIdOtpFlowTest, TimeoutThenWrongThenRight) {
  Transcript t = call({{{"lookup-caller", {lookup(false)}},
                        {"send-otp", {sent()}},
                        {"verify-otp", {otp("Invalid"), otp("Verified")}}},
                       {InputTimedOut{}, DigitsCollected{"000000"}, DigitsCollected{"482913"}}});
  EXPECT_EQ(t.heard, (std::vector<std::string>{kAskPin, "We did not receive a PIN.", kAskAgain,
                                               "That PIN is not correct.", kAskAgain,
                                               "Hello Grace, thank you for calling."}));
  EXPECT_EQ(expectAgentsTransfer(t).attributes.at("authMethod"), "SmsOtp");
}

TEST(CallerIdOtpFlowTest, OverlongInputCountsAsAWrongPin) {
  Transcript t = call({{{"lookup-caller", {lookup(false)}},
                        {"send-otp", {sent()}},
                        {"verify-otp", {otp("Verified")}}},
                       {DigitsCollected{"12345678901"}, DigitsCollected{"482913"}}});
  EXPECT_EQ(t.heard, (std::vector<std::string>{kAskPin, "That PIN is not correct.", kAskAgain,
                                               "Hello Grace, thank you for calling."}));
}

TEST(CallerIdOtpFlowTest, LockedChallengeGoesToAnAgentUnauthenticated) {
  Transcript t = call({{{"lookup-caller", {lookup(false)}},
                        {"send-otp", {sent()}},
                        {"verify-otp", {otp("Locked")}}},
                       {DigitsCollected{"999999"}}});
  EXPECT_EQ(t.heard, (std::vector<std::string>{
                         kAskPin, "Too many incorrect PINs have been entered." + kHold}));
  expectUnauthenticated(t);
}

TEST(CallerIdOtpFlowTest, ExpiredChallengeGoesToAnAgentUnauthenticated) {
  Transcript t = call({{{"lookup-caller", {lookup(false)}},
                        {"send-otp", {sent()}},
                        {"verify-otp", {otp("Expired")}}},
                       {DigitsCollected{"482913"}}});
  EXPECT_EQ(t.heard, (std::vector<std::string>{kAskPin, "That PIN has expired." + kHold}));
  expectUnauthenticated(t);
}

TEST(CallerIdOtpFlowTest, NoChallengeOrUnknownResultGoesToAnAgentUnauthenticated) {
  for (const char* result : {"NoChallenge", "Surprise"}) {
    Transcript t = call({{{"lookup-caller", {lookup(false)}},
                          {"send-otp", {sent()}},
                          {"verify-otp", {otp(result)}}},
                         {DigitsCollected{"482913"}}});
    EXPECT_EQ(t.heard,
              (std::vector<std::string>{kAskPin, "Sorry, we could not check your PIN." + kHold}))
        << result;
    expectUnauthenticated(t);
  }
}

TEST(CallerIdOtpFlowTest, VerifyFunctionFailureGoesToAnAgentUnauthenticated) {
  Transcript t = call({{{"lookup-caller", {lookup(false)}},
                        {"send-otp", {sent()}},
                        {"verify-otp", {FunctionFailed{"db down"}}}},
                       {DigitsCollected{"482913"}}});
  EXPECT_EQ(t.heard.back(), "Sorry, we could not check your PIN." + kHold);
  expectUnauthenticated(t);
}

TEST(CallerIdOtpFlowTest, SendFailureTellsTheCallerAndGoesToAnAgent) {
  for (const char* reason : {"RateLimited", "SmsFailed", "InvalidNumber"}) {
    Transcript t =
        call({{{"lookup-caller", {lookup(false)}}, {"send-otp", {notSent(reason)}}}, {}});
    EXPECT_EQ(
        t.heard,
        std::vector<std::string>{"Sorry, we could not send a one-time PIN to your phone." + kHold})
        << reason;
    EXPECT_TRUE(t.asks.empty());
    expectUnauthenticated(t);
  }
  Transcript failed =
      call({{{"lookup-caller", {lookup(false)}}, {"send-otp", {FunctionFailed{"timeout"}}}}, {}});
  EXPECT_EQ(failed.heard, std::vector<std::string>{
                              "Sorry, we could not send a one-time PIN to your phone." + kHold});
  expectUnauthenticated(failed);
}

TEST(CallerIdOtpFlowTest, LookupFailureFallsBackToTheSmsPin) {
  Transcript t = call({{{"lookup-caller", {FunctionFailed{"timeout"}}},
                        {"send-otp", {sent()}},
                        {"verify-otp", {otp("Verified")}}},
                       {DigitsCollected{"482913"}}});
  ASSERT_EQ(t.calls.size(), 3u);
  EXPECT_EQ(t.calls[1].function, "send-otp");
  TransferToQueue transfer = expectAgentsTransfer(t);
  EXPECT_EQ(transfer.attributes.at("authenticated"), "True");
  EXPECT_EQ(transfer.attributes.count("recordFound"), 0u);  // never learned
}

TEST(CallerIdOtpFlowTest, VerifiedCallerWithoutANameGetsAPlainGreeting) {
  FunctionCompleted verified = otp("Verified");
  verified.result.erase("firstName");
  Transcript t = call({{{"lookup-caller", {lookup(false, false)}},
                        {"send-otp", {sent()}},
                        {"verify-otp", {verified}}},
                       {DigitsCollected{"482913"}}});
  EXPECT_EQ(t.heard, (std::vector<std::string>{kAskPin, "Thank you for calling."}));
  EXPECT_EQ(expectAgentsTransfer(t).attributes.at("firstName"), "");
}

TEST(CallerIdOtpFlowTest, RecordFoundButNotTrustedStillNeedsThePin) {
  // Caller ID alone is a hint: a known number without trust goes through the PIN.
  Transcript t = call({{{"lookup-caller", {lookup(false, true)}},
                        {"send-otp", {sent()}},
                        {"verify-otp", {otp("Verified")}}},
                       {DigitsCollected{"482913"}}});
  EXPECT_EQ(t.heard.front(), kAskPin);
  EXPECT_EQ(t.attributes.at("recordFound"), "True");
  EXPECT_EQ(t.attributes.at("authMethod"), "SmsOtp");
}

TEST(CallerIdOtpFlowTest, CallerHangsUpWhileEnteringThePin) {
  Session s(shippedFlow(), testCall());
  as<InvokeFunction>(s.start());
  as<InvokeFunction>(s.handle(lookup(false)));
  EXPECT_EQ(as<CollectDigits>(s.handle(sent())).prompt.text, kAskPin);
  Disconnect d = as<Disconnect>(s.handle(CallerHungUp{}));
  EXPECT_EQ(d.reason, "caller hung up");
  EXPECT_EQ(d.attributes.at("recordFound"), "True");
  EXPECT_EQ(d.attributes.count("authenticated"), 0u);
}

TEST(CallerIdOtpFlowTest, SnapshotWhileWaitingForThePinAndFinishElsewhere) {
  Session first(shippedFlow(), testCall());
  first.start();
  first.handle(lookup(false));
  first.handle(sent());
  first.handle(DigitsCollected{"000000"});
  first.handle(otp("Invalid"));
  EXPECT_EQ(as<CollectDigits>(first.handle(PromptPlayed{})).prompt.text, kAskAgain);
  std::string parked = first.snapshot().dump();

  Result<Session> resumed = Session::restore(shippedFlow(), Json::parse(parked));
  ASSERT_TRUE(resumed.ok()) << resumed.error().message();
  EXPECT_EQ(as<CollectDigits>(*resumed->pendingAction()).prompt.text, kAskAgain);
  InvokeFunction verify = as<InvokeFunction>(resumed->handle(DigitsCollected{"482913"}));
  EXPECT_EQ(verify.parameters.at("code"), "482913");
  EXPECT_EQ(as<PlayPrompt>(resumed->handle(otp("Invalid"))).text, "That PIN is not correct.");
  // The retry counter travelled with the snapshot: this is the last of three tries.
  as<CollectDigits>(resumed->handle(PromptPlayed{}));
  as<InvokeFunction>(resumed->handle(DigitsCollected{"111111"}));
  EXPECT_EQ(as<PlayPrompt>(resumed->handle(otp("Invalid"))).text, "That PIN is not correct.");
  EXPECT_EQ(as<PlayPrompt>(resumed->handle(PromptPlayed{})).text,
            "Sorry, we could not verify your PIN." + kHold);
}

}  // namespace
}  // namespace callgate::flow
