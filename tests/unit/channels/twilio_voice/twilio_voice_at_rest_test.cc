// What the Twilio voice channel leaves in voice_sessions between webhooks: sealed columns that
// never show the caller's entries, the previous entry dropped once nothing can read it, and rows
// that do not open (altered, moved, another key) ending the call politely.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "adapters/storage/sqlite/sqlite_database.h"
#include "adapters/storage/sqlite/sqlite_voice_session_store.h"
#include "channels/twilio_voice/parked_call.h"
#include "channels/twilio_voice/voice_runtime.h"
#include "fakes/temp_dir.h"
#include "unit/channels/twilio_voice/twilio_voice_test_support.h"

namespace callgate::twilio_voice {
namespace {

using namespace callgate::twilio_voice::testing;  // NOLINT: test file

constexpr const char* kCall = "CA00000000000000000000000000000042";
constexpr const char* kOtherCall = "CA00000000000000000000000000000043";
constexpr const char* kUserId = "86420";
constexpr const char* kPin = "97531";
constexpr const char* kLost = "Sorry, something went wrong with this call.";

// A function that answers from a script and remembers the parameters it was called with.
class RecordingFunction : public Function {
 public:
  RecordingFunction(std::string name, StringMap answer, std::vector<StringMap>& calls)
      : name_(std::move(name)), answer_(std::move(answer)), calls_(calls) {}
  std::string_view name() const override { return name_; }
  Result<StringMap> invoke(const FunctionRequest& request) override {
    calls_.push_back(request.parameters);
    return answer_;
  }

 private:
  std::string name_;
  StringMap answer_;
  std::vector<StringMap>& calls_;
};

std::shared_ptr<const flow::Flow> loadWithArns(const std::string& text) {
  flow::LoadOptions options;
  options.resolveFunction = [](const std::string& arn) -> std::optional<std::string> {
    return flow::functionNameFromArn(arn);
  };
  auto loaded = flow::Flow::load(text, options);
  EXPECT_TRUE(loaded.ok()) << (loaded.ok() ? "" : loaded.error().message());
  return loaded.ok() ? *loaded : nullptr;
}

// Asks for an id (stored), then a one-key confirmation (not stored), then hands the id stored
// before the confirmation to a function: the stored input must survive the second park.
std::shared_ptr<const flow::Flow> confirmFlow() {
  return loadWithArns(R"({"Version": "2019-10-30", "StartAction": "ask-id", "Actions": [
    {"Identifier": "ask-id", "Type": "GetParticipantInput",
     "Parameters": {"Text": "Your id?", "StoreInput": "True", "InputTimeLimitSeconds": "5",
                    "InputValidation": {"CustomValidation": {"MaximumLength": "8"}},
                    "DTMFConfiguration": {"InputTerminationSequence": "#"}},
     "Transitions": {"NextAction": "confirm", "Errors": [{"ErrorType": "NoMatchingError", "NextAction": "bye"}]}},
    {"Identifier": "confirm", "Type": "GetParticipantInput",
     "Parameters": {"Text": "Press 1 to confirm.", "InputTimeLimitSeconds": "5"},
     "Transitions": {"NextAction": "bye", "Errors": [{"ErrorType": "NoMatchingCondition", "NextAction": "bye"}],
                     "Conditions": [{"NextAction": "use", "Condition": {"Operator": "Equals", "Operands": ["1"]}}]}},
    {"Identifier": "use", "Type": "InvokeLambdaFunction",
     "Parameters": {"LambdaFunctionARN": "arn:aws:lambda:us-east-1:000000000000:function:record-id",
                    "InvocationTimeLimitSeconds": "3", "LambdaInvocationAttributes": {"id": "$.StoredCustomerInput"}},
     "Transitions": {"NextAction": "bye", "Errors": [{"ErrorType": "NoMatchingError", "NextAction": "bye"}]}},
    {"Identifier": "bye", "Type": "DisconnectParticipant", "Transitions": {}}]})");
}

std::string fileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

class TwilioVoiceAtRestTest : public VoiceFixture {
 protected:
  // The runtime over `store` with voice-login.json for the dialled number and confirmFlow() as
  // "confirm"; verify-pin answers `pinResult`.
  void buildLogin(VoiceSessionStore& store, const std::string& pinResult = "Denied") {
    functions_.add(std::make_unique<RecordingFunction>(
        "verify-pin", StringMap{{"authResult", pinResult}, {"lambdaResult", "Success"}}, calls_));
    functions_.add(std::make_unique<RecordingFunction>("issue-action-link",
                                                       StringMap{{"linkResult", "Sent"}}, calls_));
    functions_.add(std::make_unique<RecordingFunction>("record-id", StringMap{}, calls_));
    flows_.defaultFlow = "confirm";
    flows_.byName["confirm"] = confirmFlow();
    flows_.byName["login"] = loadWithArns(readSourceFile("flows/voice-login.json"));
    flows_.byNumber[kDialled] = "login";
    rebuild(store, *cipher_);
  }
  void rebuild(VoiceSessionStore& store, const StateCipher& cipher) {
    runtime_ = std::make_unique<TwilioVoiceRuntime>(flows_, options_, store, cipher, functions_,
                                                    clock_, random_);
  }
  VoiceReply callIn(const char* sid = kCall, const char* to = kDialled) {
    VoiceWebhook hook = webhook(sid, {}, kKnown);
    hook.to = to;
    VoiceReply r = runtime_->incoming(hook, kBase);
    EXPECT_EQ(r.status, 200) << r.body;
    ids_[sid] = sessionIdIn(r.body);
    return r;
  }
  VoiceReply key(int64_t step, const std::string& digits, const char* sid = kCall) {
    FormPairs input;
    if (!digits.empty()) input.emplace_back("Digits", digits);
    return runtime_->gather(ids_[sid], step, webhook(sid, input, kKnown), kBase);
  }
  // The opened state of the call's row.
  std::string opened(const VoiceSessionRecord& row) {
    auto parked = openState(*cipher_, row);
    EXPECT_TRUE(parked.ok()) << parked.error().message();
    return parked.ok() ? parked->dump() : "";
  }

  VoiceFlows flows_;
  std::vector<StringMap> calls_;
  std::map<std::string, std::string> ids_;
};

TEST_F(TwilioVoiceAtRestTest, VoiceLoginEntriesNeverReachTheStoreInTheClear) {
  buildLogin(sessions_);
  ASSERT_NE(callIn().body.find("Please say your user ID"), std::string::npos);
  ASSERT_NE(key(1, kUserId).body.find("Please enter your PIN"), std::string::npos);
  const VoiceSessionRecord atPin = sessions_.rows.at(ids_[kCall]);
  EXPECT_TRUE(atPin.state.starts_with("v1."));
  EXPECT_EQ(atPin.state.find(kUserId), std::string::npos);
  EXPECT_EQ(atPin.response.find(kUserId), std::string::npos);
  // Sealed, not dropped: the flow still needs the id (an attribute) for verify-pin.
  EXPECT_NE(opened(atPin).find(kUserId), std::string::npos);
  EXPECT_NE(opened(atPin).find(R"("storedCustomerInput":"")"), std::string::npos);

  // A wrong PIN: verify-pin gets it, then the call waits for the user id again.
  VoiceReply again = key(2, kPin);
  ASSERT_NE(again.body.find("That user ID and PIN do not match."), std::string::npos) << again.body;
  ASSERT_NE(again.body.find("Please say your user ID again"), std::string::npos);
  ASSERT_EQ(calls_.size(), 1u);
  EXPECT_EQ(calls_[0].at("pin"), kPin);
  EXPECT_EQ(calls_[0].at("userId"), kUserId);
  const VoiceSessionRecord atRetry = sessions_.rows.at(ids_[kCall]);
  EXPECT_EQ(atRetry.state.find(kPin), std::string::npos);
  EXPECT_EQ(atRetry.response.find(kPin), std::string::npos);
  // Once verify-pin has consumed it, the wrong PIN is not even in the sealed snapshot.
  EXPECT_EQ(opened(atRetry).find(kPin), std::string::npos);
}

TEST_F(TwilioVoiceAtRestTest, TheSqliteFileNeverHoldsTheEntries) {
  TempDir dir;
  const std::string path = dir.file("callgate.db");
  {
    auto db = SqliteDatabase::open(path);
    ASSERT_TRUE(db.ok()) << db.error().message();
    SqliteVoiceSessionStore store(**db);
    buildLogin(store);
    callIn();
    key(1, kUserId);
    key(2, kPin);
    auto row = store.find(ids_[kCall], clock_.now());
    ASSERT_TRUE(row.ok() && *row);
    EXPECT_TRUE((**row).state.starts_with("v1."));
    EXPECT_EQ(opened(**row).find(kPin), std::string::npos);
    for (const char* suffix : {"", "-wal"}) {
      const std::string bytes = fileBytes(path + suffix);
      EXPECT_EQ(bytes.find(kUserId), std::string::npos) << suffix;
      EXPECT_EQ(bytes.find(kPin), std::string::npos) << suffix;
    }
  }
}

TEST_F(TwilioVoiceAtRestTest, AnInputThatLaterBlocksStillReadIsKept) {
  buildLogin(sessions_);
  callIn(kCall, "+18005550199");  // not mapped: the confirm flow
  key(1, kUserId);                // waits at the one-key confirmation
  EXPECT_NE(opened(sessions_.rows.at(ids_[kCall])).find(kUserId), std::string::npos);
  key(2, "1");
  ASSERT_EQ(calls_.size(), 1u);
  EXPECT_EQ(calls_[0].at("id"), kUserId);
}

TEST_F(TwilioVoiceAtRestTest, RowsThatDoNotOpenEndTheCallPolitely) {
  buildLogin(sessions_);
  // Altered state.
  callIn();
  VoiceSessionRecord& row = sessions_.rows.at(ids_[kCall]);
  row.state[row.state.size() / 2] = row.state[row.state.size() / 2] == 'A' ? 'B' : 'A';
  VoiceReply r = key(1, kUserId);
  EXPECT_NE(r.body.find(kLost), std::string::npos) << r.body;
  EXPECT_NE(r.logFields.find("outcome=error"), std::string::npos);
  EXPECT_TRUE(sessions_.rows.empty());
  EXPECT_TRUE(calls_.empty());

  // State moved from another call's row.
  callIn(kCall);
  callIn(kOtherCall);
  sessions_.rows.at(ids_[kOtherCall]).state = sessions_.rows.at(ids_[kCall]).state;
  EXPECT_NE(key(1, kUserId, kOtherCall).body.find(kLost), std::string::npos);
  EXPECT_FALSE(sessions_.rows.count(ids_[kOtherCall]));
  // The state column's value in the response column is no TwiML either.
  sessions_.rows.at(ids_[kCall]).response = sessions_.rows.at(ids_[kCall]).state;
  EXPECT_NE(key(0, kUserId).body.find(kLost), std::string::npos);  // a replay of step 0
  EXPECT_TRUE(sessions_.rows.empty());

  // Written under another OTP secret (rotated, or another node misconfigured).
  callIn();
  auto rotated = testStateCipher('r');
  rebuild(sessions_, *rotated);
  EXPECT_NE(key(1, kUserId).body.find(kLost), std::string::npos);
  EXPECT_TRUE(sessions_.rows.empty());
  // A row from before sealing (plain JSON) too.
  rebuild(sessions_, *cipher_);
  callIn();
  VoiceSessionRecord& old = sessions_.rows.at(ids_[kCall]);
  old.state = R"({"format":"callgate.twilio.voice/1","session":{}})";
  EXPECT_NE(key(1, kUserId).body.find(kLost), std::string::npos);
  EXPECT_TRUE(calls_.empty());
}

TEST_F(TwilioVoiceAtRestTest, AReplayedStepAnswersTheSealedTwiml) {
  buildLogin(sessions_);
  const std::string first = callIn().body;
  // The incoming call delivered again: the same TwiML, opened from the row.
  VoiceReply again = runtime_->incoming(webhook(kCall, {}, kKnown), kBase);
  EXPECT_EQ(again.body, first);
  EXPECT_NE(again.logFields.find("outcome=replay"), std::string::npos);
}

TEST_F(TwilioVoiceAtRestTest, AWhisperOverAnUnreadableRowHasNoVerdict) {
  buildLogin(sessions_, "Authenticated");
  options_.queues["Agents"] = AgentTarget{AgentTarget::Kind::kNumber, "+14155550999"};
  rebuild(sessions_, *cipher_);
  callIn();
  key(1, kUserId);
  ASSERT_NE(key(2, kPin).body.find("<Number"), std::string::npos);
  VoiceSessionRecord& row = sessions_.rows.at(ids_[kCall]);
  const VoiceWebhook agentLeg =
      webhook("CA00000000000000000000000000000099", {{"ParentCallSid", kCall}}, kKnown);
  EXPECT_EQ(runtime_->whisper(ids_[kCall], agentLeg).body.find("no verdict"), std::string::npos);
  row.state[10] = row.state[10] == 'A' ? 'B' : 'A';
  EXPECT_NE(runtime_->whisper(ids_[kCall], agentLeg).body.find("no verdict"), std::string::npos);
}

}  // namespace
}  // namespace callgate::twilio_voice
