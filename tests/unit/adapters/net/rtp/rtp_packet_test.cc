#include "adapters/net/rtp/rtp_packet.h"

#include <gtest/gtest.h>

#include <vector>

namespace callgate::rtp {
namespace {

std::vector<uint8_t> packet(const RtpHeader& h, std::vector<uint8_t> payload) {
  std::vector<uint8_t> out(kRtpHeaderBytes);
  writeRtpHeader(h, out.data());
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

TEST(RtpPacketTest, HeaderRoundTrip) {
  RtpHeader h{true, 101, 65535, 0xDEADBEEF, 0x01020304};
  const auto bytes = packet(h, {1, 2, 3});
  const auto view = parseRtp(bytes);
  ASSERT_TRUE(view);
  EXPECT_EQ(bytes[0], 0x80);
  EXPECT_TRUE(view->header.marker);
  EXPECT_EQ(view->header.payloadType, 101);
  EXPECT_EQ(view->header.sequence, 65535);
  EXPECT_EQ(view->header.timestamp, 0xDEADBEEFu);
  EXPECT_EQ(view->header.ssrc, 0x01020304u);
  EXPECT_EQ(std::vector<uint8_t>(view->payload.begin(), view->payload.end()),
            (std::vector<uint8_t>{1, 2, 3}));
}

TEST(RtpPacketTest, RejectsShortWrongVersionAndOverrunningFields) {
  auto bytes = packet({}, {9, 9});
  EXPECT_FALSE(parseRtp(std::span<const uint8_t>(bytes.data(), 11)));
  auto v1 = bytes;
  v1[0] = 0x40;
  EXPECT_FALSE(parseRtp(v1));
  auto csrc = bytes;
  csrc[0] = 0x81;  // one CSRC, but only 2 bytes follow the header
  EXPECT_FALSE(parseRtp(csrc));
  auto ext = bytes;
  ext[0] = 0x90;  // extension header does not fit
  EXPECT_FALSE(parseRtp(ext));
  auto pad = bytes;
  pad[0] = 0xA0;
  pad.back() = 5;  // more padding than payload
  EXPECT_FALSE(parseRtp(pad));
}

TEST(RtpPacketTest, SkipsCsrcExtensionAndPadding) {
  std::vector<uint8_t> bytes(kRtpHeaderBytes);
  writeRtpHeader({false, 0, 1, 2, 3}, bytes.data());
  bytes[0] = 0x80 | 0x20 | 0x10 | 0x01;                       // padding, extension, one CSRC
  bytes.insert(bytes.end(), {0, 0, 0, 7});                    // CSRC
  bytes.insert(bytes.end(), {0xBE, 0xDE, 0, 1, 1, 2, 3, 4});  // extension, one word
  bytes.insert(bytes.end(), {0xAA, 0xBB});                    // payload
  bytes.insert(bytes.end(), {0, 0, 3});                       // three bytes of padding
  const auto view = parseRtp(bytes);
  ASSERT_TRUE(view);
  EXPECT_EQ(std::vector<uint8_t>(view->payload.begin(), view->payload.end()),
            (std::vector<uint8_t>{0xAA, 0xBB}));
}

TEST(TelephoneEventTest, ParsesThePayload) {
  const std::vector<uint8_t> payload{11, 0x80 | 10, 0x05, 0xA0};
  const auto e = parseTelephoneEvent(payload);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->event, 11);
  EXPECT_TRUE(e->end);
  EXPECT_EQ(e->volume, 10);
  EXPECT_EQ(e->duration, 0x05A0);
  EXPECT_EQ(eventToDigit(e->event), '#');
  EXPECT_FALSE(parseTelephoneEvent(std::vector<uint8_t>{1, 2, 3}));
}

TEST(TelephoneEventTest, DigitMapping) {
  const std::string keys = "0123456789*#ABCD";
  for (size_t i = 0; i < keys.size(); ++i) {
    EXPECT_EQ(eventToDigit(static_cast<uint8_t>(i)), keys[i]);
    EXPECT_EQ(digitToEvent(keys[i]), static_cast<int>(i));
  }
  EXPECT_EQ(eventToDigit(16), '\0');  // flash is not a key
  EXPECT_EQ(digitToEvent('x'), -1);
}

// The packets of one press as baresip sends them: start, repeats with a growing duration, and
// three end packets, all with the press's timestamp.
std::vector<TelephoneEvent> press(uint8_t event) {
  std::vector<TelephoneEvent> out;
  for (uint16_t d = 160; d <= 1120; d += 160) out.push_back({event, false, 10, d});
  for (int i = 0; i < 3; ++i) out.push_back({event, true, 10, 1280});
  return out;
}

std::string feed(TelephoneEventReceiver& rx, uint32_t ssrc, uint32_t ts,
                 const std::vector<TelephoneEvent>& events) {
  std::string digits;
  for (const auto& e : events) {
    if (const char d = rx.accept(ssrc, ts, e)) digits.push_back(d);
  }
  return digits;
}

TEST(TelephoneEventTest, OneDigitPerPressDespiteRepeatsAndThreeEndPackets) {
  TelephoneEventReceiver rx;
  EXPECT_EQ(feed(rx, 7, 1000, press(5)), "5");
}

TEST(TelephoneEventTest, SameDigitPressedTwiceIsTwoDigits) {
  TelephoneEventReceiver rx;
  std::string digits = feed(rx, 7, 1000, press(1));
  digits += feed(rx, 7, 3000, press(1));
  EXPECT_EQ(digits, "11");
}

TEST(TelephoneEventTest, OutOfOrderAndLatePacketsOfAnOlderPressAreIgnored) {
  TelephoneEventReceiver rx;
  // Press '2' starts before the last end packet of press '1' arrives; then a repeat of '1' and a
  // reordered start of '2' come late.
  EXPECT_EQ(rx.accept(7, 1000, {1, false, 10, 160}), '1');
  EXPECT_EQ(rx.accept(7, 1000, {1, true, 10, 800}), '\0');
  EXPECT_EQ(rx.accept(7, 2600, {2, false, 10, 320}), '2');
  EXPECT_EQ(rx.accept(7, 1000, {1, true, 10, 800}), '\0');
  EXPECT_EQ(rx.accept(7, 1000, {1, false, 10, 480}), '\0');
  EXPECT_EQ(rx.accept(7, 2600, {2, false, 10, 160}), '\0');
  // A press whose start packets were all lost is reported on its first end packet.
  EXPECT_EQ(rx.accept(7, 4200, {3, true, 10, 960}), '3');
  EXPECT_EQ(rx.accept(7, 4200, {3, true, 10, 960}), '\0');
}

TEST(TelephoneEventTest, TimestampWrapIsANewerPress) {
  TelephoneEventReceiver rx;
  EXPECT_EQ(rx.accept(7, 0xFFFFFF00u, {4, false, 10, 160}), '4');
  EXPECT_EQ(rx.accept(7, 0x00000100u, {4, false, 10, 160}), '4');
  EXPECT_EQ(rx.accept(7, 0xFFFFFF00u, {4, true, 10, 960}), '\0');
}

TEST(TelephoneEventTest, NewSsrcResetsAndNonKeysAreIgnored) {
  TelephoneEventReceiver rx;
  EXPECT_EQ(rx.accept(7, 5000, {9, false, 10, 160}), '9');
  EXPECT_EQ(rx.accept(8, 100, {9, false, 10, 160}), '9');    // the peer restarted its stream
  EXPECT_EQ(rx.accept(8, 900, {16, false, 10, 160}), '\0');  // flash
}

}  // namespace
}  // namespace callgate::rtp
