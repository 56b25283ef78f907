// CallRun with speech inputs: the caller's audio is endpointed from the prompt on, speech stops
// the prompt, the utterance is decoded against the input's grammar (a scripted recogniser), and
// the SpeechTurn's decision reaches the flow where keys would: accepted, read back and confirmed
// by key, rejected and re-keyed, given up. Inputs without speech, or calls without a recogniser,
// never open the audio tap.
#include <gtest/gtest.h>

#include <condition_variable>
#include <deque>
#include <future>

#include "unit/channels/sip_voice/sip_voice_call_run_support.h"

namespace callgate::sip_voice {
namespace {

using namespace callgate::sip_voice::testing;  // NOLINT: test file

class ScriptedRecognizer : public speech::SpeechRecognizer {
 public:
  Result<speech::Recognition> recognize(std::span<const int16_t> audio,
                                        const speech::Grammar& grammar) override {
    std::lock_guard lock(mu_);
    grammars.push_back(grammar.name);
    utteranceSamples.push_back(audio.size());
    if (results.empty()) return speech::Recognition{};
    speech::Recognition r = results.front();
    results.pop_front();
    return r;
  }
  std::deque<speech::Recognition> results;
  std::vector<std::string> grammars;
  std::vector<size_t> utteranceSamples;

 private:
  std::mutex mu_;
};

constexpr const char* kSpeechFlow = R"({
  "Version": "2019-10-30", "StartAction": "ask",
  "Actions": [
    {"Identifier": "ask", "Type": "GetParticipantInput",
     "Parameters": {"Text": "Say or key your user ID.", "InputTimeLimitSeconds": "1",
                    "StoreInput": "True",
                    "InputValidation": {"CustomValidation": {"MaximumLength": "10"}},
                    "SpeechInput": {"Enabled": "True", "MinimumLength": "8", "MaximumLength": "8"}},
     "Transitions": {"NextAction": "echo", "Errors": [
       {"NextAction": "late", "ErrorType": "InputTimeLimitExceeded"},
       {"NextAction": "bye", "ErrorType": "NoMatchingError"}]}},
    {"Identifier": "echo", "Type": "MessageParticipant",
     "Parameters": {"Text": "Got $.StoredCustomerInput."},
     "Transitions": {"NextAction": "bye", "Errors": [{"NextAction": "bye", "ErrorType": "NoMatchingError"}]}},
    {"Identifier": "late", "Type": "MessageParticipant", "Parameters": {"Text": "Too late."},
     "Transitions": {"NextAction": "bye", "Errors": [{"NextAction": "bye", "ErrorType": "NoMatchingError"}]}},
    {"Identifier": "bye", "Type": "DisconnectParticipant", "Parameters": {}, "Transitions": {}}
  ]})";

class CallRunSpeechTest : public CallRunTest {
 protected:
  CallRunSpeechTest() {
    sipOptions_.recognizer = &recognizer_;
    sipOptions_.endpointer.endSilenceMs = 300;
    // Every utterance here ends at 300 ms of silence; pauses in an entry have tests of their own
    // (CallRunSpeechPauseTest).
    sipOptions_.endpointer.incompleteSilenceMs = 300;
    // Results at 0.6 or more are taken unheard here (the product's default reads every one back;
    // see ByDefaultEverySpokenEntryIsReadBack).
    sipOptions_.speechTurn.confirmBelow = 0.6;
  }
  void start() { call(kUnknown, Attestation::kNone, loadFlowText(kSpeechFlow)); }
  // Half a second of speech-like sound and the silence that ends it, then the decode.
  void speak() {
    media_->hear(200, 0);
    media_->hear(500, 8000);
    media_->hear(600, 0);
    settle();
  }
  void waitForPrompt() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(4);
    while (!media_->playing() && std::chrono::steady_clock::now() < deadline) settle();
  }
  ScriptedRecognizer recognizer_;
};

TEST_F(CallRunSpeechTest, AConfidentSpokenEntryLandsWhereKeysWould) {
  recognizer_.results.push_back({"one two three four five six seven eight", 0.95, {}});
  start();
  ASSERT_TRUE(media_->playing());
  EXPECT_TRUE(media_->tapped());  // listening from the prompt on
  endPlay();
  speak();
  // The tap stays open for the call's first 3 s of audio outside inputs (the noise floor), then
  // closes: no audio is decoded for a call that is not listening.
  EXPECT_TRUE(media_->tapped());
  media_->hear(3000, 0);
  EXPECT_FALSE(media_->tapped());
  ASSERT_EQ(recognizer_.grammars, std::vector<std::string>{"digits-8-8"});
  EXPECT_GT(recognizer_.utteranceSamples[0], 4000u);  // the speech, with pre-roll
  ASSERT_TRUE(media_->playing());
  EXPECT_EQ(spoken_.back(), "Got 12345678.");
}

TEST_F(CallRunSpeechTest, ByDefaultEverySpokenEntryIsReadBack) {
  sipOptions_.speechTurn = speech::SpeechTurnOptions{};
  recognizer_.results.push_back({"one two three four five six seven eight", 1.0, {}});
  start();
  endPlay();
  speak();
  ASSERT_TRUE(media_->playing());
  EXPECT_NE(spoken_.back().find("I heard 1 2 3 4, 5 6 7 8"), std::string::npos) << spoken_.back();
  endPlay();
  press("1");
  EXPECT_EQ(spoken_.back(), "Got 12345678.");
}

// Holds its thread until released, as a decode waiting for a busy decoder does.
class BlockingRecognizer : public speech::SpeechRecognizer {
 public:
  Result<speech::Recognition> recognize(std::span<const int16_t>, const speech::Grammar&) override {
    std::unique_lock lock(mu_);
    entered_ = true;
    changed_.notify_all();
    changed_.wait(lock, [this] { return released_; });
    return speech::Recognition{};
  }
  bool waitEntered() {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, std::chrono::seconds(10), [this] { return entered_; });
  }
  void release() {
    std::lock_guard lock(mu_);
    released_ = true;
    changed_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  bool entered_ = false;
  bool released_ = false;
};

TEST_F(CallRunSpeechTest, SpeechIsDecodedOffTheWorkersThatRunFunctions) {
  BlockingRecognizer blocking;
  boost::asio::thread_pool speechPool(1);
  sipOptions_.recognizer = &blocking;
  deps_.speechWorkers = &speechPool;
  start();
  endPlay();
  speak();
  ASSERT_TRUE(blocking.waitEntered());
  // The one function worker is free while the utterance is stuck in decoding: a PIN check
  // posted now runs now, not after the speech.
  std::promise<void> ran;
  boost::asio::post(workers_, [&ran] { ran.set_value(); });
  EXPECT_EQ(ran.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  blocking.release();
  speechPool.join();
  settle();
}

TEST_F(CallRunSpeechTest, SteadyNoiseFromTheFirstPacketNeverCutsThePrompt) {
  // -38 dBFS of steady noise, louder than the endpointer's minimum speech level, from the first
  // packet of a call whose first action is the speech input: the floor is learned from it and
  // the prompt plays on. Speech above the noise still barges in.
  recognizer_.results.push_back({"one two three four five six seven eight", 0.95, {}});
  start();
  ASSERT_TRUE(media_->playing());
  media_->hear(2000, 400);
  settle();
  EXPECT_TRUE(media_->playing()) << "steady noise cut the prompt";
  EXPECT_TRUE(recognizer_.grammars.empty());
  media_->hear(600, 8000);
  settle();
  EXPECT_FALSE(media_->playing());  // barge-in by speech
  media_->hear(600, 400);
  settle();
  ASSERT_EQ(recognizer_.grammars.size(), 1u);
  EXPECT_EQ(spoken_.back(), "Got 12345678.");
}

TEST_F(CallRunSpeechTest, SpeechDuringThePromptStopsIt) {
  recognizer_.results.push_back({"one two three four five six seven eight", 0.95, {}});
  start();
  ASSERT_TRUE(media_->playing());
  media_->hear(200, 0);
  media_->hear(200, 8000);
  settle();
  EXPECT_FALSE(media_->playing());  // barge-in
  media_->hear(300, 8000);
  media_->hear(600, 0);
  settle();
  ASSERT_TRUE(media_->playing());
  EXPECT_EQ(spoken_.back(), "Got 12345678.");
}

TEST_F(CallRunSpeechTest, AnUnsureResultIsReadBackAndKeyOneTakesIt) {
  recognizer_.results.push_back({"eight seven six five four three two one", 0.2, {}});
  start();
  endPlay();
  speak();
  ASSERT_TRUE(media_->playing());
  EXPECT_NE(spoken_.back().find("I heard 8 7 6 5, 4 3 2 1"), std::string::npos) << spoken_.back();
  EXPECT_EQ(recognizer_.grammars.size(), 1u);
  endPlay();
  press("1");
  ASSERT_TRUE(media_->playing());
  EXPECT_EQ(spoken_.back(), "Got 87654321.");
}

TEST_F(CallRunSpeechTest, ASpokenNoTakesTheEntryInPartsAndKeysStillWork) {
  recognizer_.results.push_back({"one two three four five six seven nine", 0.2, {}});
  recognizer_.results.push_back({"no", 0.9, {}});
  start();
  endPlay();
  speak();  // read back
  endPlay();
  speak();  // "no"
  ASSERT_EQ(recognizer_.grammars.size(), 2u);
  EXPECT_EQ(recognizer_.grammars[1], "yes-no");
  ASSERT_TRUE(media_->playing());
  EXPECT_NE(spoken_.back().find("Were the first four digits 1 2 3 4?"), std::string::npos)
      << spoken_.back();
  press("2");  // barge-in by key: the first group was not 1 2 3 4
  ASSERT_TRUE(media_->playing());
  EXPECT_EQ(spoken_.back(), "Please say the first four digits.");
  press("12345678#");  // the whole entry keyed instead
  ASSERT_TRUE(media_->playing());
  EXPECT_EQ(spoken_.back(), "Got 12345678.");
}

TEST_F(CallRunSpeechTest, AfterANoTheNextReadingOfTheSameUtteranceIsOffered) {
  recognizer_.results.push_back(
      {"one two three four five six seven eight", 0.2, {"one two three four five six seven six"}});
  recognizer_.results.push_back({"no", 0.9, {}});
  start();
  endPlay();
  speak();  // "I heard 1 2 3 4, 5 6 7 8 ..."
  endPlay();
  speak();  // "no"
  ASSERT_TRUE(media_->playing());
  EXPECT_NE(spoken_.back().find("Did you say 1 2 3 4, 5 6 7 6"), std::string::npos)
      << spoken_.back();
  endPlay();
  press("1");
  ASSERT_TRUE(media_->playing());
  EXPECT_EQ(spoken_.back(), "Got 12345676.");
  EXPECT_EQ(recognizer_.grammars.size(), 2u);  // the caller never had to repeat it
}

TEST_F(CallRunSpeechTest, NothingUsableThreeTimesIsNoInput) {
  start();  // the recogniser hears nothing in the grammar each time
  for (int attempt = 0; attempt < 3; ++attempt) {
    ASSERT_TRUE(media_->playing()) << attempt;
    endPlay();
    speak();
  }
  ASSERT_TRUE(media_->playing());
  EXPECT_EQ(spoken_.back(), "Too late.");
  EXPECT_EQ(recognizer_.grammars.size(), 3u);
}

// A digit entry's end silence after enough speech for it is a pause: the speech so far is
// decoded against 1..max digits, and only as many digits as the entry needs end it there.
class CallRunSpeechPauseTest : public CallRunSpeechTest {
 protected:
  CallRunSpeechPauseTest() { sipOptions_.endpointer.incompleteSilenceMs = 3000; }
  // The prompt ends and the line is quiet for a moment (the floor learns it), as speak() does.
  void promptOver() {
    endPlay();
    media_->hear(200, 0);
  }
  // 1.3 s of sound (more than the 8 x 150 ms an 8-digit entry needs), then `quietMs` of silence.
  void group(int quietMs) {
    media_->hear(1300, 8000);
    media_->hear(quietMs, 0);
    settle();
  }
  static constexpr const char* kWhole = "one two three four five six seven eight";
  // The grammar each pause is checked against.
  const std::string kCheck = speech::pauseCheckGrammar(speech::digitGrammar(8, 8)).name;
};

TEST_F(CallRunSpeechPauseTest, APauseAfterTheWholeEntryEndsItThere) {
  recognizer_.results.push_back({kWhole, 0.95, {}});  // the pause's check
  recognizer_.results.push_back({kWhole, 0.95, {}});  // the entry
  start();
  promptOver();
  group(400);  // 300 ms of it is the end silence: a pause, not yet the 3 s incomplete silence
  EXPECT_EQ(recognizer_.grammars, (std::vector<std::string>{kCheck, "digits-8-8"}));
  ASSERT_TRUE(media_->playing());
  EXPECT_EQ(spoken_.back(), "Got 12345678.");
}

TEST_F(CallRunSpeechPauseTest, APauseAfterTheFirstDigitsWaitsForTheRest) {
  recognizer_.results.push_back({"one two three four", 0.9, {}});  // the first pause's check
  recognizer_.results.push_back({kWhole, 0.9, {}});                // the second pause's
  recognizer_.results.push_back({kWhole, 0.95, {}});               // the entry
  start();
  promptOver();
  group(400);
  EXPECT_EQ(recognizer_.grammars, std::vector<std::string>{kCheck});
  EXPECT_FALSE(media_->playing());  // no decision: still listening
  group(400);
  EXPECT_EQ(recognizer_.grammars, (std::vector<std::string>{kCheck, kCheck, "digits-8-8"}));
  // One utterance: both groups and the pause between them.
  EXPECT_GT(recognizer_.utteranceSamples.back(), (1300u + 400u + 1300u) * 8);
  ASSERT_TRUE(media_->playing());
  EXPECT_EQ(spoken_.back(), "Got 12345678.");
}

TEST_F(CallRunSpeechPauseTest, AnEntryLeftShortEndsAfterTheIncompleteSilence) {
  recognizer_.results.push_back({"one two three", 0.9, {}});  // the pause's check
  recognizer_.results.push_back({kWhole, 0.95, {}});          // the entry, in the end
  start();
  promptOver();
  group(400);
  EXPECT_EQ(recognizer_.grammars, std::vector<std::string>{kCheck});
  media_->hear(2700, 0);  // 3 s of silence in all
  settle();
  EXPECT_EQ(recognizer_.grammars, (std::vector<std::string>{kCheck, "digits-8-8"}));
  EXPECT_EQ(spoken_.back(), "Got 12345678.");
}

TEST_F(CallRunSpeechPauseTest, ACheckThatComesAfterTheCallerSpokeAgainIsIgnored) {
  recognizer_.results.push_back({kWhole, 0.9, {}});   // the first pause's check, too late
  recognizer_.results.push_back({kWhole, 0.9, {}});   // the second pause's
  recognizer_.results.push_back({kWhole, 0.95, {}});  // the entry
  start();
  promptOver();
  media_->hear(1300, 8000);
  media_->hear(400, 0);     // a pause: its check is decoded...
  media_->hear(600, 8000);  // ...but reaches the call only after more speech
  settle();
  EXPECT_EQ(recognizer_.grammars, std::vector<std::string>{kCheck});
  EXPECT_FALSE(media_->playing());
  media_->hear(400, 0);
  settle();
  EXPECT_EQ(recognizer_.grammars, (std::vector<std::string>{kCheck, kCheck, "digits-8-8"}));
  EXPECT_GT(recognizer_.utteranceSamples.back(), (1300u + 400u + 600u) * 8);
  EXPECT_EQ(spoken_.back(), "Got 12345678.");
}

TEST_F(CallRunSpeechTest, SilenceAfterThePromptIsTheFlowsTimeout) {
  start();
  endPlay();
  waitForPrompt();
  ASSERT_TRUE(media_->playing());
  EXPECT_EQ(spoken_.back(), "Too late.");
  EXPECT_TRUE(recognizer_.grammars.empty());
}

TEST_F(CallRunSpeechTest, InputsWithoutSpeechOnlyLetTheFirstAudioTeachTheNoiseFloor) {
  std::string keysOnly = kSpeechFlow;
  keysOnly.replace(keysOnly.find("\"Enabled\": \"True\""), 17, "\"Enabled\": \"False\"");
  call(kUnknown, Attestation::kNone, loadFlowText(keysOnly));
  ASSERT_TRUE(media_->playing());
  EXPECT_TRUE(media_->tapped());  // the call's first audio
  media_->hear(3000, 8000);       // loud, but nobody is listening: no speech, only the floor
  settle();
  EXPECT_FALSE(media_->tapped());
  EXPECT_TRUE(media_->playing());
  EXPECT_TRUE(recognizer_.grammars.empty());
  endPlay();
  press("12345678#");
  EXPECT_EQ(spoken_.back(), "Got 12345678.");
}

TEST_F(CallRunSpeechTest, WithoutARecogniserSpeechInputsTakeKeys) {
  sipOptions_.recognizer = nullptr;
  start();
  EXPECT_FALSE(media_->tapped());
  endPlay();
  press("12345678#");
  ASSERT_TRUE(media_->playing());
  EXPECT_EQ(spoken_.back(), "Got 12345678.");
}

}  // namespace
}  // namespace callgate::sip_voice
