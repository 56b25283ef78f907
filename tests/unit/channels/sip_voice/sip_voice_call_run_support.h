// Test support for CallRun: a scripted media session (prompts end when the test says, keys and
// caller audio are injected), a SIP leg that records REFER and BYE, and a fixture running a call
// on a test-owned io_context with the real built-in functions over the in-memory fakes.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <thread>

#include "channels/sip_voice/call_run.h"
#include "unit/channels/common/channel_test_support.h"

namespace callgate::sip_voice::testing {

using namespace callgate::testing;  // NOLINT: test support (flows, fakes)

class ScriptedMedia : public rtp::MediaSession {
 public:
  explicit ScriptedMedia(boost::asio::io_context& io) : io_(io) {}
  uint16_t localPort() const override { return 40000; }
  boost::asio::any_io_executor executor() const override { return io_.get_executor(); }
  void start(const rtp::MediaParams&) override {}
  void update(const rtp::MediaParams& p) override {
    updates.push_back(p);
    playsAtUpdate.push_back(plays);
  }
  void play(std::vector<audio::AudioPtr> clips, bool bargeIn,
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
  // As the real session: a pending play() completes interrupted, then every callback is dropped
  // (they hold the CallRun).
  void close() override {
    closed = true;
    endPlay(true);
    digit_ = nullptr;
    audio_ = nullptr;
  }

  bool playing() const { return static_cast<bool>(done_); }
  bool tapped() const { return static_cast<bool>(audio_); }
  // The caller's audio as the real session delivers it: 20 ms frames, while the tap is set.
  void hear(int ms, int16_t amplitude) {
    std::vector<int16_t> frame(160);
    for (int t = 0; t < ms && audio_; t += 20) {
      for (size_t i = 0; i < frame.size(); ++i)  // a 500 Hz square wave, or silence
        frame[i] = amplitude == 0 ? 0 : ((i / 8) % 2 == 0 ? amplitude : -amplitude);
      auto handler = audio_;  // the handler may clear the tap
      handler(frame);
    }
  }
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
  std::vector<int> playsAtUpdate;  // how many prompts had started when each update came
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

class CallRunTest : public ChannelFixture {
 protected:
  CallRunTest() {
    sipOptions_.defaultAgent = "sip:agent@127.0.0.1:5090";
    sipOptions_.queues["Agents"] = "sip:agents@pbx.example.com";
  }

  // A call still running when the test ends is ended as at shutdown, so nothing it holds leaks.
  ~CallRunTest() override {
    if (run_ && !finished_) {
      run_->ended(sip::EndReason::kShutdown);
      settle();
    }
  }

  // Starts a call from `from` with `attestation` through `flow` (default: the shipped flow).
  void call(const std::string& from, Attestation attestation,
            std::shared_ptr<const flow::Flow> f = nullptr,
            std::optional<rtp::MediaParams> confirmedMedia = std::nullopt) {
    if (!f) f = loadFlowText(readSourceFile(kShippedFlow));
    flow::CallInfo info;
    info.contactId = "c-1";
    info.customerAddress = from;
    info.systemAddress = kDialled;
    run_ = std::make_shared<CallRun>(deps_, f, info, attestation, leg_, media_,
                                     [this] { finished_ = true; });
    run_->begin(std::move(confirmedMedia));
    settle();
  }

  // Runs the call's executor until nothing is pending. Functions and prompt rendering come back
  // from the worker pool: each idle round first waits until the pool has finished every job
  // posted so far (it has one thread and runs jobs in order, so a marker job posted now runs
  // last), however slow the machine, then polls again. Twenty idle rounds 5 ms apart also let
  // short timers fire.
  void settle() {
    for (int idle = 0; idle < 20;) {
      io_.restart();
      if (io_.poll() > 0) {
        idle = 0;
        continue;
      }
      std::promise<void> drained;
      boost::asio::post(workers_, [&drained] { drained.set_value(); });
      drained.get_future().wait();
      io_.restart();
      if (io_.poll() > 0) {
        idle = 0;
        continue;
      }
      ++idle;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
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
                 [this](const flow::PlayPrompt& p, const std::string&) -> Result<audio::AudioPtr> {
                   std::lock_guard lock(spokenMu_);
                   spoken_.push_back(p.text);
                   auto audio = std::make_shared<audio::Audio>();
                   audio->samples.assign(160, 1000);
                   return audio::AudioPtr(audio);
                 },
                 workers_, sipOptions_};
  std::shared_ptr<ScriptedMedia> media_ = std::make_shared<ScriptedMedia>(io_);
  std::shared_ptr<RecordingLeg> leg_ = std::make_shared<RecordingLeg>();
  std::shared_ptr<CallRun> run_;
  bool finished_ = false;
};

}  // namespace callgate::sip_voice::testing
