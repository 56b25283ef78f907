// CallRun: one SIP call through a flow, with a scripted media session and SIP leg, the shipped
// flow and the real built-in functions over in-memory fakes. Prompts, digits, functions,
// transfer by REFER, barge-in and type-ahead, timeouts, a refused REFER, and a caller who hangs
// up while a function is running.
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <map>
#include <mutex>

#include "adapters/sip_voice/call_run.h"
#include "twilio_voice_test_support.h"

namespace callgate::sip_voice {
namespace {

using namespace callgate::twilio_voice::testing;  // NOLINT: test file (flows, fakes)

class ScriptedMedia : public rtp::MediaSession {
 public:
  explicit ScriptedMedia(boost::asio::io_context& io) : io_(io) {}
  uint16_t localPort() const override { return 40000; }
  boost::asio::any_io_executor executor() const override { return io_.get_executor(); }
  void start(const rtp::MediaParams&) override {}
  void update(const rtp::MediaParams& p) override { updates.push_back(p); }
  void play(std::vector<rtp::AudioPtr> clips, bool bargeIn,
            std::function<void(bool)> done) override {
    for (const auto& c : clips) texts.push_back(c ? c->samples.size() : 0);
    ++plays;
    bargeIn_ = bargeIn;
    done_ = std::move(done);
  }
  void stopPlayback() override { endPlay(true); }
  void onDigit(std::function<void(char)> handler) override { digit_ = std::move(handler); }
  void onAudio(std::function<void(std::span<const int16_t>)> handler) override {
    audio_ = std::move(handler);
  }
  void close() override { closed = true; }

  bool playing() const { return static_cast<bool>(done_); }
  void endPlay(bool interrupted) {
    if (auto d = std::exchange(done_, nullptr)) d(interrupted);
  }
  // A key press as the real media session reports it: barge-in first, then the digit.
  void press(const std::string& keys) {
    for (char k : keys) {
      if (bargeIn_) endPlay(true);
      if (digit_) digit_(k);
    }
  }

  int plays = 0;
  std::vector<size_t> texts;
  std::vector<rtp::MediaParams> updates;
  bool closed = false;

 private:
  boost::asio::io_context& io_;
  bool bargeIn_ = false;
  std::function<void(bool)> done_;
  std::function<void(char)> digit_;
  std::function<void(std::span<const int16_t>)> audio_;
};

class RecordingLeg : public sip::CallLeg {
 public:
  const std::string& callId() const override { return id_; }
  void hangup() override { ++hangups; }
  void refer(const std::string& target,
             const std::vector<std::pair<std::string, std::string>>& headers) override {
    referTarget = target;
    referHeaders = headers;
  }
  std::string header(const std::string& name) const {
    for (const auto& [k, v] : referHeaders)
      if (k == name) return v;
    return {};
  }
  int hangups = 0;
  std::string referTarget;
  std::vector<std::pair<std::string, std::string>> referHeaders;

 private:
  std::string id_ = "call-1@test";
};

class CallRunTest : public VoiceFixture {
 protected:
  CallRunTest() {
    sipOptions_.defaultAgent = "sip:agent@127.0.0.1:5090";
    sipOptions_.queues["Agents"] = "sip:agents@pbx.example.com";
  }

  // Starts a call from `from` with `attestation` through `flow` (default: the shipped flow).
  void call(const std::string& from, Attestation attestation,
            std::shared_ptr<const flow::Flow> f = nullptr) {
    if (!f) f = loadFlowText(readSourceFile(kShippedFlow));
    flow::CallInfo info;
    info.contactId = "c-1";
    info.customerAddress = from;
    info.systemAddress = kDialled;
    run_ = std::make_shared<CallRun>(deps_, f, info, attestation, leg_, media_,
                                     [this] { finished_ = true; });
    run_->begin();
    settle();
  }

  // Runs the call's executor until nothing is pending (functions and prompt rendering come back
  // from the worker pool, so keep polling for a short while).
  void settle() {
    for (int idle = 0; idle < 20;) {
      io_.restart();
      if (io_.poll() == 0) {
        ++idle;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      } else {
        idle = 0;
      }
    }
  }
  void endPlay(bool interrupted = false) {
    media_->endPlay(interrupted);
    settle();
  }
  void press(const std::string& keys) {
    media_->press(keys);
    settle();
  }
  std::string lastCode() const {
    return sms_.sent.empty() ? "" : sms_.sent.back().body.substr(sms_.sent.back().body.size() - 6);
  }

  boost::asio::io_context io_;
  boost::asio::thread_pool workers_{1};
  SipVoiceOptions sipOptions_;
  std::vector<std::string> spoken_;
  std::mutex spokenMu_;
  CallDeps deps_{functions_,
                 [this](const flow::PlayPrompt& p, const std::string&) -> Result<rtp::AudioPtr> {
                   std::lock_guard lock(spokenMu_);
                   spoken_.push_back(p.text);
                   auto audio = std::make_shared<rtp::Audio>();
                   audio->samples.assign(160, 1000);
                   return rtp::AudioPtr(audio);
                 },
                 workers_, sipOptions_};
  std::shared_ptr<ScriptedMedia> media_ = std::make_shared<ScriptedMedia>(io_);
  std::shared_ptr<RecordingLeg> leg_ = std::make_shared<RecordingLeg>();
  std::shared_ptr<CallRun> run_;
  bool finished_ = false;
};

TEST_F(CallRunTest, UnknownCallerKeysTheSmsPinAndIsReferredWithTheVerdict) {
  random_.scriptDigits("123456");
  call(kUnknown, Attestation::kNone);
  ASSERT_EQ(sms_.sent.size(), 1u);
  EXPECT_EQ(sms_.sent[0].to, kUnknown);
  ASSERT_TRUE(media_->playing());
  EXPECT_NE(spoken_.back().find("We have sent a one-time PIN"), std::string::npos);
  endPlay();
  press("123456#");
  // "Hello ..., thank you for calling." then the transfer.
  ASSERT_TRUE(media_->playing());
  endPlay();
  EXPECT_EQ(leg_->referTarget, "sip:agents@pbx.example.com");
  EXPECT_EQ(leg_->header("X-Callgate-Auth"), "True");
  EXPECT_EQ(leg_->header("X-Callgate-Auth-Method"), "SmsOtp");
  EXPECT_EQ(leg_->hangups, 0);
  run_->transferOutcome({true, 200});
  settle();
  EXPECT_EQ(leg_->hangups, 1);  // our leg ends once the agent has the call
  run_->ended(sip::EndReason::kWeHungUp);
  settle();
  EXPECT_TRUE(media_->closed);
  EXPECT_TRUE(finished_);
}

TEST_F(CallRunTest, AttestedKnownCallerGoesStraightToTheAgentWithCustomerAttributes) {
  addCustomer(kKnown, "Ada");
  call(kKnown, Attestation::kA);
  EXPECT_TRUE(sms_.sent.empty());
  ASSERT_TRUE(media_->playing());
  EXPECT_EQ(spoken_.back(), "Hello Ada, thank you for calling.");
  endPlay();
  EXPECT_EQ(leg_->header("X-Callgate-Auth"), "True");
  EXPECT_EQ(leg_->header("X-Callgate-Auth-Method"), "CallerId");
  EXPECT_EQ(leg_->header("X-Callgate-firstName"), "Ada");
}

TEST_F(CallRunTest, KeysPressedDuringThePromptBargeInAndCount) {
  random_.scriptDigits("654321");
  call(kUnknown, Attestation::kNone);
  ASSERT_TRUE(media_->playing());
  press("654321#");  // while "We have sent ..." plays
  EXPECT_FALSE(media_->playing() && spoken_.back().find("We have sent") != std::string::npos);
  endPlay();  // the greeting
  EXPECT_EQ(leg_->header("X-Callgate-Auth"), "True");
}

TEST_F(CallRunTest, NoInputWithinTheFlowsTimeLimitIsATimeout) {
  const auto f = loadFlowText(R"({
    "Version": "2019-10-30", "StartAction": "ask",
    "Actions": [
      {"Identifier": "ask", "Type": "GetParticipantInput",
       "Parameters": {"Text": "Press a key.", "InputTimeLimitSeconds": "1", "StoreInput": "True",
                      "InputValidation": {"CustomValidation": {"MaximumLength": "4"}}},
       "Transitions": {"NextAction": "bye", "Errors": [
         {"NextAction": "late", "ErrorType": "InputTimeLimitExceeded"},
         {"NextAction": "bye", "ErrorType": "NoMatchingError"}]}},
      {"Identifier": "late", "Type": "MessageParticipant", "Parameters": {"Text": "Too late."},
       "Transitions": {"NextAction": "bye", "Errors": [{"NextAction": "bye", "ErrorType": "NoMatchingError"}]}},
      {"Identifier": "bye", "Type": "DisconnectParticipant", "Parameters": {}, "Transitions": {}}
    ]})");
  call(kUnknown, Attestation::kNone, f);
  endPlay();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (!media_->playing() && std::chrono::steady_clock::now() < deadline) settle();
  ASSERT_TRUE(media_->playing());
  EXPECT_EQ(spoken_.back(), "Too late.");
  endPlay();
  EXPECT_EQ(leg_->hangups, 1);
}

TEST_F(CallRunTest, ARefusedReferApologisesAndHangsUp) {
  addCustomer(kKnown, "Ada");
  call(kKnown, Attestation::kA);
  endPlay();
  ASSERT_FALSE(leg_->referTarget.empty());
  run_->transferOutcome({false, 403});
  settle();
  ASSERT_TRUE(media_->playing());
  EXPECT_NE(spoken_.back().find("cannot connect your call"), std::string::npos);
  endPlay();
  EXPECT_EQ(leg_->hangups, 1);
}

TEST_F(CallRunTest, ACallerWhoHangsUpEndsTheCallOnceAndNothingRunsAfterwards) {
  random_.scriptDigits("123456");
  call(kUnknown, Attestation::kNone);
  run_->ended(sip::EndReason::kCallerHungUp);
  settle();
  EXPECT_TRUE(media_->closed);
  EXPECT_TRUE(finished_);
  const int plays = media_->plays;
  press("123456#");
  EXPECT_EQ(media_->plays, plays);
  EXPECT_TRUE(leg_->referTarget.empty());
  EXPECT_EQ(leg_->hangups, 0);
}

}  // namespace
}  // namespace callgate::sip_voice
