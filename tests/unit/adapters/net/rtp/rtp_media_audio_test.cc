// MediaSession::onAudio on real loopback sockets: a UDP socket in the test sends μ-law; the tap
// sees each audio packet decoded, on the session's executor, and nothing else.
#include <gtest/gtest.h>

#include <boost/asio/post.hpp>
#include <chrono>
#include <cmath>
#include <future>
#include <memory>
#include <mutex>
#include <numbers>
#include <thread>
#include <vector>

#include "adapters/net/rtp/media_engine.h"
#include "unit/adapters/net/rtp/rtp_session_fixture.h"
#include "unit/adapters/net/rtp/rtp_test_support.h"

namespace callgate::rtp {
namespace {

using namespace std::chrono_literals;
using testing::PeerSocket;

std::vector<uint8_t> mulawTone(size_t samples, double hz) {
  std::vector<int16_t> pcm(samples);
  for (size_t i = 0; i < samples; ++i)
    pcm[i] = static_cast<int16_t>(8000 * std::sin(2 * std::numbers::pi * hz * i / 8000));
  std::vector<uint8_t> out(samples);
  encodeG711(Codec::kPcmu, pcm.data(), samples, out.data());
  return out;
}

std::vector<int16_t> decoded(const std::vector<uint8_t>& payload) {
  std::vector<int16_t> out(payload.size());
  decodeG711(Codec::kPcmu, payload.data(), payload.size(), out.data());
  return out;
}

class MediaAudioTest : public testing::SessionFixture {
 protected:
  MediaAudioTest() : SessionFixture(23100, 23199) {}

  // The thread that runs the session's executor (one media thread in these tests).
  std::thread::id executorThread() {
    std::promise<std::thread::id> id;
    boost::asio::post(session_->executor(), [&] { id.set_value(std::this_thread::get_id()); });
    return id.get_future().get();
  }

  // Records every call: its samples, and whether it ran on the session's executor.
  std::function<void(std::span<const int16_t>)> recorder() {
    const std::thread::id executor = executorThread();
    return [this, executor](std::span<const int16_t> samples) {
      std::lock_guard lock(mutex_);
      packets_.emplace_back(samples.begin(), samples.end());
      if (std::this_thread::get_id() != executor) offExecutor_ = true;
    };
  }

  // Audio: the timestamp advances by the packet's samples.
  void send(const PeerSocket& peer, const std::vector<uint8_t>& payload) {
    peer.sendTo(session_->localPort(),
                testing::rtpPacket({seq_ == 100, 0, seq_, ts_, 0x77}, payload));
    ++seq_;
    ts_ += static_cast<uint32_t>(payload.size());
  }
  // One RFC 4733 packet of the press that began at `pressTs` (every packet of a press has it).
  void sendEvent(const PeerSocket& peer, uint8_t event, bool end, uint16_t duration,
                 uint32_t pressTs) {
    peer.sendTo(session_->localPort(),
                testing::rtpPacket({false, 101, seq_++, pressTs, 0x77},
                                   testing::eventPayload(event, end, duration)));
  }

  size_t packetCount() {
    std::lock_guard lock(mutex_);
    return packets_.size();
  }
  bool waitForPackets(size_t count, std::chrono::milliseconds timeout = 2000ms) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
      if (packetCount() >= count) return true;
      std::this_thread::sleep_for(5ms);
    }
    return false;
  }
  // Lets anything in flight arrive, so "nothing more came" means something.
  void settle() { std::this_thread::sleep_for(150ms); }

  std::vector<std::vector<int16_t>> packets_;
  bool offExecutor_ = false;
  uint16_t seq_ = 100;
  uint32_t ts_ = 5000;
};

TEST_F(MediaAudioTest, TapSeesEachAudioPacketDecodedButNoTelephoneEvents) {
  PeerSocket peer;
  session_->onAudio(recorder());
  session_->start(paramsTo(peer.port()));
  const auto a = mulawTone(160, 440), b = mulawTone(160, 700), c = mulawTone(240, 1000);
  send(peer, a);
  sendEvent(peer, 5, false, 160, 5160);  // a key press: a digit, not audio
  send(peer, b);
  sendEvent(peer, 5, true, 320, 5160);
  sendEvent(peer, 5, true, 320, 5160);
  send(peer, c);  // 30 ms packetisation: one call with 240 samples
  ASSERT_TRUE(waitForPackets(3));
  settle();
  std::lock_guard lock(mutex_);
  ASSERT_EQ(packets_.size(), 3u);
  EXPECT_EQ(packets_[0], decoded(a));
  EXPECT_EQ(packets_[1], decoded(b));
  EXPECT_EQ(packets_[2], decoded(c));
  EXPECT_FALSE(offExecutor_);
  EXPECT_EQ(digits_, "5");
}

TEST_F(MediaAudioTest, NullptrStopsTheTapAndNothingIsBufferedMeanwhile) {
  PeerSocket peer;
  session_->onAudio(recorder());
  session_->start(paramsTo(peer.port()));
  for (int i = 0; i < 3; ++i) send(peer, mulawTone(160, 500));
  ASSERT_TRUE(waitForPackets(3));
  session_->onAudio(nullptr);
  settle();
  for (int i = 0; i < 4; ++i) send(peer, mulawTone(160, 600));
  settle();
  EXPECT_EQ(packetCount(), 3u);
  // A new handler starts with the next packet; the four above are gone.
  session_->onAudio(recorder());
  settle();
  const auto next = mulawTone(160, 900);
  send(peer, next);
  ASSERT_TRUE(waitForPackets(4));
  settle();
  std::lock_guard lock(mutex_);
  ASSERT_EQ(packets_.size(), 4u);
  EXPECT_EQ(packets_[3], decoded(next));
}

TEST_F(MediaAudioTest, PacketsFromAnotherSourceAfterTheLatchAreNotHeard) {
  PeerSocket caller, intruder;
  session_->onAudio(recorder());
  session_->start(paramsTo(caller.port()));
  send(caller, mulawTone(160, 500));
  ASSERT_TRUE(waitForPackets(1));
  send(intruder, mulawTone(160, 800));
  send(intruder, mulawTone(160, 800));
  settle();
  EXPECT_EQ(packetCount(), 1u);
}

TEST_F(MediaAudioTest, InBandDtmfStillWorksWhileTheTapListens) {
  PeerSocket peer;
  session_->onAudio(recorder());
  session_->start(paramsTo(peer.port(), -1));
  const auto audio = testing::dtmfAudio("73");
  size_t sent = 0;
  for (size_t at = 0; at + 160 <= audio.size(); at += 160, ++sent) {
    std::vector<uint8_t> payload(160);
    encodeG711(Codec::kPcmu, audio.data() + at, 160, payload.data());
    send(peer, payload);
    if (sent % 10 == 9) std::this_thread::sleep_for(2ms);  // do not flood the socket buffer
  }
  ASSERT_TRUE(waitForPackets(sent));
  settle();
  std::lock_guard lock(mutex_);
  EXPECT_EQ(packets_.size(), sent);
  EXPECT_EQ(digits_, "73");
}

TEST_F(MediaAudioTest, CloseDropsTheHandler) {
  PeerSocket peer;
  auto alive = std::make_shared<int>(0);
  std::weak_ptr<int> watch = alive;
  session_->onAudio([this, alive = std::move(alive)](std::span<const int16_t>) {
    std::lock_guard lock(mutex_);
    packets_.emplace_back();
  });
  session_->start(paramsTo(peer.port()));
  send(peer, mulawTone(160, 500));
  ASSERT_TRUE(waitForPackets(1));
  session_->close();
  settle();
  EXPECT_TRUE(watch.expired());  // the session no longer holds the handler
  send(peer, mulawTone(160, 500));
  session_->onAudio(recorder());  // after close: ignored
  settle();
  EXPECT_EQ(packetCount(), 1u);
}

}  // namespace
}  // namespace callgate::rtp
