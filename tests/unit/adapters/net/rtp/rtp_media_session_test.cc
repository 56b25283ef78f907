// A MediaSession on real loopback sockets and the real clock, against a UDP socket in the test:
// receiving (DTMF, latch, barge-in), close and engine stop, with short real waits. Timing is
// checked loosely (counts over a window), since the machine may be busy; exact pacing is in
// rtp_media_pacing_test.cc, on a manual clock.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <future>
#include <mutex>
#include <numbers>
#include <string>
#include <thread>

#include "adapters/net/rtp/media_engine.h"
#include "unit/adapters/net/rtp/rtp_session_fixture.h"
#include "unit/adapters/net/rtp/rtp_test_support.h"

namespace callgate::rtp {
namespace {

using audio::Audio;

using namespace std::chrono_literals;
using testing::PeerSocket;

AudioPtr tone(size_t samples) {
  auto audio = std::make_shared<Audio>();
  audio->samples.resize(samples);
  for (size_t i = 0; i < samples; ++i) {
    audio->samples[i] = static_cast<int16_t>(
        9000 * std::sin(2 * std::numbers::pi * 700 * static_cast<double>(i) / 8000));
  }
  return audio;
}

class MediaSessionTest : public testing::SessionFixture {
 protected:
  MediaSessionTest(uint16_t portMin = 21000, uint16_t portMax = 22999)
      : SessionFixture(portMin, portMax) {}

  // One RFC 4733 press as baresip sends it: 7 updates and 3 end packets, with the press's
  // timestamp.
  void sendPress(const PeerSocket& peer, uint8_t event, uint32_t timestamp) {
    for (int i = 0; i < 10; ++i) {
      const bool end = i >= 7;
      const auto duration = static_cast<uint16_t>(end ? 1280 : 160 * (i + 1));
      peer.sendTo(session_->localPort(),
                  testing::rtpPacket({i == 0, 101, seq_++, timestamp, 0x1234},
                                     testing::eventPayload(event, end, duration)));
    }
  }

  uint16_t seq_ = 100;
};

// The production clock (steady clock + Asio timer) really paces at 20 ms. The exact packet of
// each tick, playback, hold and catch-up are checked on a manual clock in
// rtp_media_pacing_test.cc.
TEST_F(MediaSessionTest, SendsSilenceEvery20msWithConsistentHeaders) {
  PeerSocket peer;
  EXPECT_EQ(session_->localPort() % 2, 0);
  session_->start(paramsTo(peer.port()));
  const auto packets = peer.collect(400ms);
  // 20 expected; allow a busy machine some slack either way.
  ASSERT_GE(packets.size(), 12u);
  ASSERT_LE(packets.size(), 25u);
  std::optional<RtpHeader> previous;
  size_t exact = 0;
  for (size_t i = 0; i < packets.size(); ++i) {
    const auto view = parseRtp(packets[i]);
    ASSERT_TRUE(view);
    ASSERT_EQ(packets[i].size(), kRtpHeaderBytes + 160);
    EXPECT_EQ(view->header.payloadType, 0);
    EXPECT_EQ(view->header.marker, i == 0) << "packet " << i;
    for (uint8_t b : view->payload) ASSERT_EQ(b, 0xFF);  // μ-law silence
    if (previous) {
      EXPECT_EQ(view->header.ssrc, previous->ssrc);
      EXPECT_EQ(static_cast<uint16_t>(view->header.sequence - previous->sequence), 1);
      const uint32_t step = view->header.timestamp - previous->timestamp;
      EXPECT_EQ(step % 160, 0u);  // a skipped tick (busy machine) jumps by whole packets
      EXPECT_GE(step, 160u);
      if (step == 160) ++exact;
    }
    previous = view->header;
  }
  EXPECT_GE(exact, packets.size() * 8 / 10);
}

TEST_F(MediaSessionTest, DigitInterruptsPlaybackWithBargeIn) {
  PeerSocket peer;
  session_->start(paramsTo(peer.port()));
  ASSERT_TRUE(peer.receive(1000ms));
  std::promise<bool> done;
  session_->play({tone(8000 * 10)}, true, [&](bool interrupted) { done.set_value(interrupted); });
  std::this_thread::sleep_for(100ms);
  sendPress(peer, 5, 4000);
  auto future = done.get_future();
  ASSERT_EQ(future.wait_for(2000ms), std::future_status::ready);
  EXPECT_TRUE(future.get());
  ASSERT_TRUE(waitForDigits(1));
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(digits(), "5");  // the repeats and 3 end packets were not digits
  // Back to silence right away.
  peer.drain();
  const auto packets = peer.collect(200ms);
  ASSERT_FALSE(packets.empty());
  for (const auto& p : packets) {
    const auto view = parseRtp(p);
    ASSERT_TRUE(view);
    EXPECT_EQ(view->payload[0], 0xFF);
  }
}

TEST_F(MediaSessionTest, DigitWithoutBargeInDoesNotInterruptAndSameKeyTwiceCounts) {
  PeerSocket peer;
  session_->start(paramsTo(peer.port()));
  std::atomic<int> calls{0};
  session_->play({tone(8000 * 10)}, false, [&](bool) { ++calls; });
  std::this_thread::sleep_for(60ms);
  sendPress(peer, 1, 4000);
  sendPress(peer, 1, 6000);
  sendPress(peer, 11, 8000);
  ASSERT_TRUE(waitForDigits(3));
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(digits(), "11#");
  EXPECT_EQ(calls.load(), 0);
  session_->stopPlayback();
  const auto end = std::chrono::steady_clock::now() + 2000ms;
  while (calls.load() == 0 && std::chrono::steady_clock::now() < end)
    std::this_thread::sleep_for(5ms);
  EXPECT_EQ(calls.load(), 1);
}

TEST_F(MediaSessionTest, DetectsInBandDtmfWhenNoTelephoneEventWasNegotiated) {
  PeerSocket peer;
  session_->start(paramsTo(peer.port(), -1));
  const auto audio = testing::dtmfAudio("29#");
  uint32_t ts = 777;
  for (size_t at = 0; at + 160 <= audio.size(); at += 160) {
    std::vector<uint8_t> payload(160);
    encodeG711(Codec::kPcmu, audio.data() + at, 160, payload.data());
    peer.sendTo(session_->localPort(), testing::rtpPacket({at == 0, 0, seq_++, ts, 0x55}, payload));
    ts += 160;
    if (at % 1600 == 0) std::this_thread::sleep_for(2ms);  // do not flood the socket buffer
  }
  ASSERT_TRUE(waitForDigits(3));
  EXPECT_EQ(digits(), "29#");
  // Telephone-event packets are an unknown payload type here: dropped.
  sendPress(peer, 4, 90000);
  std::this_thread::sleep_for(150ms);
  EXPECT_EQ(digits(), "29#");
}

TEST_F(MediaSessionTest, LatchesOntoTheSourceOfTheFirstPacket) {
  PeerSocket sdpTarget, natted;
  session_->start(paramsTo(sdpTarget.port()));
  ASSERT_TRUE(sdpTarget.receive(1000ms));
  // The caller's packets come from another address (as behind a NAT): answer there.
  natted.sendTo(session_->localPort(),
                testing::rtpPacket({true, 0, 1, 160, 0x99}, std::vector<uint8_t>(160, 0xFF)));
  ASSERT_TRUE(natted.receive(1000ms));
  std::this_thread::sleep_for(60ms);
  sdpTarget.drain();
  EXPECT_GE(natted.collect(200ms).size(), 4u);
  EXPECT_TRUE(sdpTarget.collect(100ms).empty());
  // Packets from a third address no longer move the stream, nor bring digits.
  PeerSocket intruder;
  sendPress(intruder, 3, 1000);
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(digits(), "");
  EXPECT_TRUE(intruder.collect(100ms).empty());
}

// Before the caller confirmed the call (ACK), nothing goes to the address its SDP names: that
// address may be anyone's, and an INVITE never ACKed must not make us a reflector.
TEST_F(MediaSessionTest, SendsNothingBeforeConfirmationThenStreams) {
  PeerSocket sdpTarget;
  MediaParams params = paramsTo(sdpTarget.port());
  params.confirmed = false;
  session_->start(params);
  EXPECT_TRUE(sdpTarget.collect(300ms).empty());
  params.confirmed = true;
  session_->update(params);
  const auto packets = sdpTarget.collect(300ms);
  ASSERT_GE(packets.size(), 5u);
  const auto first = parseRtp(packets[0]);
  ASSERT_TRUE(first);
  EXPECT_TRUE(first->header.marker);  // the first packet sent opens the talk spurt
}

TEST_F(MediaSessionTest, BeforeConfirmationOnlyThePeersOwnRtpFromItsSdpAddressStartsTheStream) {
  PeerSocket sdpTarget, stranger;
  MediaParams params = paramsTo(sdpTarget.port());
  params.confirmed = false;
  session_->start(params);
  // A packet from elsewhere neither latches nor starts the stream (to it or to the SDP address).
  stranger.sendTo(session_->localPort(),
                  testing::rtpPacket({true, 0, 1, 160, 0x99}, std::vector<uint8_t>(160, 0xFF)));
  EXPECT_TRUE(stranger.collect(200ms).empty());
  EXPECT_TRUE(sdpTarget.collect(100ms).empty());
  // The peer's own RTP, from the address its SDP names: it is listening there, so answer.
  sdpTarget.sendTo(session_->localPort(),
                   testing::rtpPacket({true, 0, 1, 160, 0x77}, std::vector<uint8_t>(160, 0xFF)));
  EXPECT_GE(sdpTarget.collect(200ms).size(), 4u);
  EXPECT_TRUE(stranger.collect(100ms).empty());
}

// Ports of their own: this test sends to its port after closing it, and CTest runs other
// MediaSession tests in parallel processes, one of which could bind that port meanwhile and
// latch onto those packets.
class MediaSessionCloseTest : public MediaSessionTest {
 protected:
  MediaSessionCloseTest() : MediaSessionTest(23300, 23399) {}
};

TEST_F(MediaSessionCloseTest, CloseStopsEverythingAndFreesThePort) {
  PeerSocket peer;
  session_->start(paramsTo(peer.port()));
  ASSERT_TRUE(peer.receive(1000ms));
  EXPECT_EQ(engine_.sessionCount(), 1u);
  std::promise<bool> done;
  session_->play({tone(8000 * 10)}, true, [&](bool interrupted) { done.set_value(interrupted); });
  std::this_thread::sleep_for(60ms);
  session_->close();
  auto future = done.get_future();
  ASSERT_EQ(future.wait_for(2000ms), std::future_status::ready);
  EXPECT_TRUE(future.get());
  std::this_thread::sleep_for(60ms);
  peer.drain();
  EXPECT_TRUE(peer.collect(200ms).empty());
  EXPECT_EQ(engine_.sessionCount(), 0u);
  sendPress(peer, 8, 1000);  // the socket is closed: no digit, no crash
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(digits(), "");
  session_->play({tone(160)}, false, [](bool) { ADD_FAILURE() << "callback after close"; });
  std::this_thread::sleep_for(60ms);
}

TEST_F(MediaSessionTest, StopOfTheEngineClosesOpenSessions) {
  PeerSocket peer;
  session_->start(paramsTo(peer.port()));
  ASSERT_TRUE(peer.receive(1000ms));
  std::promise<bool> done;
  session_->play({tone(8000 * 10)}, false, [&](bool interrupted) { done.set_value(interrupted); });
  std::this_thread::sleep_for(60ms);
  engine_.stop();
  auto future = done.get_future();
  ASSERT_EQ(future.wait_for(0ms), std::future_status::ready);
  EXPECT_TRUE(future.get());
  EXPECT_EQ(engine_.sessionCount(), 0u);
  peer.drain();
  EXPECT_TRUE(peer.collect(100ms).empty());
  auto again = engine_.open();
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kUnavailable);
}

TEST(MediaEngineTest, PortRangeExhaustionIsUnavailable) {
  MediaEngine engine(
      MediaEngineOptions{"127.0.0.1", 23001, 23006, 2});  // even ports 23002, 23004, 23006
  ASSERT_TRUE(engine.start());
  std::vector<std::shared_ptr<MediaSession>> sessions;
  for (;;) {
    auto opened = engine.open();
    if (!opened) {
      EXPECT_EQ(opened.error().code(), ErrorCode::kUnavailable);
      break;
    }
    EXPECT_EQ(opened.value()->localPort() % 2, 0);
    EXPECT_GE(opened.value()->localPort(), 23002);
    EXPECT_LE(opened.value()->localPort(), 23006);
    sessions.push_back(*opened);
    ASSERT_LE(sessions.size(), 3u);
  }
  EXPECT_EQ(engine.sessionCount(), sessions.size());
  if (!sessions.empty()) {
    // A closed session's port can be taken again.
    sessions.front()->close();
    for (int i = 0; i < 100 && engine.sessionCount() == sessions.size(); ++i)
      std::this_thread::sleep_for(5ms);
    EXPECT_TRUE(engine.open());
  }
  for (auto& s : sessions) s->close();
  engine.stop();
}

TEST(MediaEngineTest, RejectsBadOptions) {
  EXPECT_FALSE(MediaEngine(MediaEngineOptions{"not-an-ip", 20000, 20010, 1}).start());
  EXPECT_FALSE(MediaEngine(MediaEngineOptions{"127.0.0.1", 20001, 20001, 1}).start());
  EXPECT_FALSE(MediaEngine(MediaEngineOptions{"127.0.0.1", 20000, 20010, 0}).start());
  MediaEngine stopped(MediaEngineOptions{"127.0.0.1", 20000, 20010, 1});
  auto opened = stopped.open();
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code(), ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace callgate::rtp
