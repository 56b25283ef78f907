// The 20 ms pacing of a MediaSession on a manual clock: the test moves time tick by tick and
// checks exactly which packet each tick sends (headers, payload, playback completion, hold,
// catch-up after a stall), with no sleeping. The packets still travel over real loopback UDP
// sockets; a short real wait remains only where the test checks that nothing arrives.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <memory>
#include <numbers>
#include <optional>
#include <vector>

#include "adapters/net/rtp/media_engine.h"
#include "unit/adapters/net/rtp/manual_media_clock.h"
#include "unit/adapters/net/rtp/rtp_test_support.h"

namespace callgate::rtp {
namespace {

using namespace std::chrono_literals;
using testing::PeerSocket;

AudioPtr tone(size_t samples) {
  auto audio = std::make_shared<audio::Audio>();
  audio->samples.resize(samples);
  for (size_t i = 0; i < samples; ++i) {
    audio->samples[i] = static_cast<int16_t>(
        9000 * std::sin(2 * std::numbers::pi * 700 * static_cast<double>(i) / 8000));
  }
  return audio;
}

class MediaPacingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(engine_.start());
    auto opened = engine_.open();
    ASSERT_TRUE(opened) << opened.error().toString();
    session_ = *opened;
  }
  void TearDown() override {
    if (session_) session_->close();
    engine_.stop();
  }

  MediaParams paramsTo(uint16_t port) const {
    MediaParams p;
    p.codec = Codec::kPcmu;
    p.audioPayloadType = 0;
    p.dtmfPayloadType = 101;
    p.remoteAddress = "127.0.0.1";
    p.remotePort = port;
    return p;
  }

  // The one packet the last tick sent to `peer` (it is already in the socket's queue when
  // advance() returns; the timeout only guards a stalled machine), and nothing more.
  RtpHeader onePacket(const PeerSocket& peer, std::vector<uint8_t>* payload = nullptr) {
    auto packet = peer.receive(1000ms);
    EXPECT_TRUE(packet) << "no packet for this tick";
    if (!packet) return {};
    EXPECT_EQ(packet->size(), kRtpHeaderBytes + 160);
    EXPECT_FALSE(peer.receive(0ms)) << "more than one packet for one tick";
    const auto view = parseRtp(*packet);
    EXPECT_TRUE(view);
    if (!view) return {};
    if (payload) payload->assign(view->payload.begin(), view->payload.end());
    return view->header;
  }

  // Nothing arrives: a short real wait, since absence cannot be observed sooner.
  static bool nothingArrives(const PeerSocket& peer) { return !peer.receive(30ms); }

  std::shared_ptr<testing::ManualMediaClock> clock_ = std::make_shared<testing::ManualMediaClock>();
  MediaEngine engine_{MediaEngineOptions{"127.0.0.1", 23400, 23499, 1}, clock_};
  std::shared_ptr<MediaSession> session_;
};

TEST_F(MediaPacingTest, EachTickSendsExactlyOnePacketWithConsistentHeaders) {
  PeerSocket peer;
  session_->start(paramsTo(peer.port()));
  clock_->settle();
  EXPECT_TRUE(nothingArrives(peer)) << "nothing before the first tick";
  clock_->advance(19ms);
  EXPECT_TRUE(nothingArrives(peer)) << "the first tick is 20 ms after the engine started";
  clock_->advance(1ms);
  std::vector<uint8_t> payload;
  const RtpHeader first = onePacket(peer, &payload);
  EXPECT_TRUE(first.marker);
  EXPECT_EQ(first.payloadType, 0);
  EXPECT_EQ(payload, std::vector<uint8_t>(160, 0xFF));  // μ-law silence
  for (uint16_t i = 1; i < 50; ++i) {
    clock_->advance(20ms);
    const RtpHeader h = onePacket(peer);
    EXPECT_FALSE(h.marker) << "packet " << i;
    EXPECT_EQ(h.ssrc, first.ssrc);
    EXPECT_EQ(h.sequence, static_cast<uint16_t>(first.sequence + i));
    EXPECT_EQ(h.timestamp, first.timestamp + 160u * i);
  }
}

TEST_F(MediaPacingTest, AStalledThreadCatchesUpThreeTicksThenSkipsAhead) {
  PeerSocket peer;
  session_->start(paramsTo(peer.port()));
  clock_->settle();
  clock_->advance(20ms);  // tick 1
  const RtpHeader first = onePacket(peer);
  // The thread wakes 200 ms late (tick 2 was due at 40 ms, now is 220 ms): ticks 2, 3 and 4 go
  // out at once, the rest are skipped (as after packet loss), not sent in a burst.
  clock_->advance(200ms);
  for (uint16_t i = 1; i <= 3; ++i) {
    auto packet = peer.receive(1000ms);
    ASSERT_TRUE(packet);
    const auto view = parseRtp(*packet);
    ASSERT_TRUE(view);
    EXPECT_EQ(view->header.sequence, static_cast<uint16_t>(first.sequence + i));
    EXPECT_EQ(view->header.timestamp, first.timestamp + 160u * i);
  }
  EXPECT_FALSE(peer.receive(0ms));
  // The next tick is the one due after now (tick 12, at 240 ms): the timestamp jumps, the
  // sequence does not.
  clock_->advance(19ms);
  EXPECT_TRUE(nothingArrives(peer));
  clock_->advance(1ms);
  const RtpHeader next = onePacket(peer);
  EXPECT_EQ(next.sequence, static_cast<uint16_t>(first.sequence + 4));
  EXPECT_EQ(next.timestamp, first.timestamp + 160u * 11);
}

TEST_F(MediaPacingTest, PlaybackTakesOneTickPerPacketAndCompletesOnTheLast) {
  PeerSocket peer;
  session_->start(paramsTo(peer.port()));
  clock_->settle();
  clock_->advance(20ms);
  onePacket(peer);                          // silence before the play
  const auto a = tone(400), b = tone(240);  // back to back: 640 samples, 4 packets
  std::vector<uint8_t> expected(640);
  encodeG711(Codec::kPcmu, a->samples.data(), 400, expected.data());
  encodeG711(Codec::kPcmu, b->samples.data(), 240, expected.data() + 400);
  std::atomic<int> done{0};
  std::atomic<bool> interrupted{true};
  session_->play({a, b}, false, [&](bool i) {
    interrupted = i;
    ++done;
  });
  clock_->settle();
  std::vector<uint8_t> heard, payload;
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(done.load(), 0) << "completed before packet " << i;
    clock_->advance(20ms);
    onePacket(peer, &payload);
    heard.insert(heard.end(), payload.begin(), payload.end());
  }
  EXPECT_EQ(heard, expected);
  EXPECT_EQ(done.load(), 1);  // with the tick that sent the last sample
  EXPECT_FALSE(interrupted.load());
  clock_->advance(20ms);
  onePacket(peer, &payload);
  EXPECT_EQ(payload, std::vector<uint8_t>(160, 0xFF));  // silent again
  EXPECT_EQ(done.load(), 1);
}

TEST_F(MediaPacingTest, HoldSendsNothingWhileTheClockRunsAndResumeMarksANewTalkSpurt) {
  PeerSocket peer;
  auto params = paramsTo(peer.port());
  session_->start(params);
  clock_->settle();
  clock_->advance(20ms);
  const RtpHeader first = onePacket(peer);
  params.onHold = true;
  session_->update(params);
  clock_->advanceTicks(10);
  EXPECT_TRUE(nothingArrives(peer));
  params.onHold = false;
  session_->update(params);
  clock_->advance(20ms);
  const RtpHeader resumed = onePacket(peer);
  EXPECT_TRUE(resumed.marker);
  EXPECT_EQ(resumed.sequence, static_cast<uint16_t>(first.sequence + 1));  // none were sent
  EXPECT_EQ(resumed.timestamp, first.timestamp + 160u * 11);  // the media clock kept going
}

TEST_F(MediaPacingTest, UpdateMovesTheStreamAtTheNextTick) {
  PeerSocket before, after;
  auto params = paramsTo(before.port());
  session_->start(params);
  clock_->settle();
  clock_->advance(20ms);
  const RtpHeader first = onePacket(before);
  params.remotePort = after.port();
  session_->update(params);
  clock_->advance(20ms);
  const RtpHeader moved = onePacket(after);
  EXPECT_EQ(moved.sequence, static_cast<uint16_t>(first.sequence + 1));
  EXPECT_FALSE(moved.marker);  // same talk spurt, another address
  EXPECT_TRUE(nothingArrives(before));
}

TEST_F(MediaPacingTest, CloseStopsTheTicksAndFreesThePort) {
  PeerSocket peer;
  session_->start(paramsTo(peer.port()));
  clock_->settle();
  clock_->advance(20ms);
  onePacket(peer);
  std::atomic<int> done{0};
  session_->play({tone(8000)}, false, [&](bool interrupted) {
    EXPECT_TRUE(interrupted);
    ++done;
  });
  session_->close();
  clock_->settle();
  EXPECT_EQ(done.load(), 1);
  EXPECT_EQ(engine_.sessionCount(), 0u);
  clock_->advanceTicks(5);
  EXPECT_TRUE(nothingArrives(peer));
}

}  // namespace
}  // namespace callgate::rtp
