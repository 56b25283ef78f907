#include <gtest/gtest.h>

#include "adapters/net/sip/sdp.h"

namespace callgate::sip {
namespace {

std::string offer(const std::string& formats, const std::string& attrs,
                  const std::string& c = "c=IN IP4 192.0.2.10\r\n") {
  return "v=0\r\no=peer 42 1 IN IP4 192.0.2.10\r\ns=-\r\n" + c + "t=0 0\r\nm=audio 30000 RTP/AVP " +
         formats + "\r\n" + attrs;
}

TEST(SdpTest, ChoosesFirstOfferedG711AndTelephoneEvent) {
  auto m = negotiate(offer("8 0 96", "a=rtpmap:96 telephone-event/8000\r\na=fmtp:96 0-15\r\n"));
  ASSERT_TRUE(m.ok()) << m.error().toString();
  EXPECT_EQ(m->codec, Codec::kPcma);
  EXPECT_EQ(m->audioPayloadType, 8);
  EXPECT_EQ(m->dtmfPayloadType, 96);
  EXPECT_EQ(m->remoteAddress, "192.0.2.10");
  EXPECT_EQ(m->remotePort, 30000);
  EXPECT_FALSE(m->onHold);

  auto u = negotiate(offer("18 0 8 101", "a=rtpmap:101 TELEPHONE-EVENT/8000\r\n"));
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->codec, Codec::kPcmu);
  EXPECT_EQ(u->audioPayloadType, 0);
  EXPECT_EQ(u->dtmfPayloadType, 101);
}

TEST(SdpTest, NoTelephoneEventMeansInBand) {
  auto m = negotiate(offer("0", ""));
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->dtmfPayloadType, -1);
  // an rtpmap for a PT not on the m= line does not count
  auto n = negotiate(offer("0", "a=rtpmap:101 telephone-event/8000\r\n"));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->dtmfPayloadType, -1);
}

TEST(SdpTest, NoCommonCodecIs488) {
  auto m = negotiate(offer("18 9", "a=rtpmap:18 G729/8000\r\n"));
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code(), kSdpNotAcceptable);
  EXPECT_EQ(sdpErrorStatus(m.error()), 488);
  auto video = negotiate(
      "v=0\r\no=p 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\nm=video 4000 RTP/AVP "
      "96\r\n");
  ASSERT_FALSE(video.ok());
  EXPECT_EQ(sdpErrorStatus(video.error()), 488);
  auto srtp = negotiate(
      "v=0\r\no=p 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 4000 RTP/SAVP "
      "0\r\n");
  ASSERT_FALSE(srtp.ok());
  EXPECT_EQ(sdpErrorStatus(srtp.error()), 488);
}

TEST(SdpTest, MalformedIs400) {
  for (const std::string& bad : {std::string(""), std::string("garbage"), std::string("v=0\r\n"),
                                 offer("0", "", ""),  // no c=
                                 offer("x", ""),      // bad PT
                                 offer("0", "", "c=IN IP4 not-an-ip\r\n")}) {
    auto m = negotiate(bad);
    ASSERT_FALSE(m.ok()) << bad;
    EXPECT_EQ(sdpErrorStatus(m.error()), 400) << bad;
  }
}

TEST(SdpTest, HoldForms) {
  auto sendonly = negotiate(offer("0", "a=sendonly\r\n"));
  ASSERT_TRUE(sendonly.ok());
  EXPECT_TRUE(sendonly->onHold);
  EXPECT_EQ(sendonly->peerDirection, MediaDirection::kSendOnly);
  auto inactive = negotiate(offer("0", "a=inactive\r\n"));
  ASSERT_TRUE(inactive.ok());
  EXPECT_TRUE(inactive->onHold);
  auto zero = negotiate(offer("0", "", "c=IN IP4 0.0.0.0\r\n"));
  ASSERT_TRUE(zero.ok());
  EXPECT_TRUE(zero->onHold);
  auto sessionLevel = negotiate(
      "v=0\r\no=p 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\na=sendonly\r\nm=audio "
      "4000 RTP/AVP 0\r\n");
  ASSERT_TRUE(sessionLevel.ok());
  EXPECT_TRUE(sessionLevel->onHold);
  auto mediaOverrides = negotiate(
      "v=0\r\no=p 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\na=sendonly\r\nm=audio "
      "4000 RTP/AVP 0\r\na=sendrecv\r\n");
  ASSERT_TRUE(mediaOverrides.ok());
  EXPECT_FALSE(mediaOverrides->onHold);
  auto recvonly = negotiate(offer("0", "a=recvonly\r\n"));
  ASSERT_TRUE(recvonly.ok());
  EXPECT_FALSE(recvonly->onHold);
  auto disabled = negotiate(
      "v=0\r\no=p 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 0 RTP/AVP "
      "0\r\n");
  ASSERT_TRUE(disabled.ok());
  EXPECT_EQ(disabled->remotePort, 0);
}

TEST(SdpTest, AnswerMirrorsOfferAndParsesBack) {
  auto m = negotiate(offer("8 101", "a=rtpmap:101 telephone-event/8000\r\na=sendonly\r\n"));
  ASSERT_TRUE(m.ok());
  std::string a = buildAnswer(*m, "127.0.0.1", 40000, 3, 777);
  EXPECT_NE(a.find("o=callgate 777 3 IN IP4 127.0.0.1\r\n"), std::string::npos) << a;
  EXPECT_NE(a.find("c=IN IP4 127.0.0.1\r\n"), std::string::npos);
  EXPECT_NE(a.find("m=audio 40000 RTP/AVP 8 101\r\n"), std::string::npos);
  EXPECT_NE(a.find("a=rtpmap:8 PCMA/8000\r\n"), std::string::npos);
  EXPECT_NE(a.find("a=rtpmap:101 telephone-event/8000\r\n"), std::string::npos);
  EXPECT_NE(a.find("a=fmtp:101 0-16\r\n"), std::string::npos);
  EXPECT_NE(a.find("a=ptime:20\r\n"), std::string::npos);
  EXPECT_NE(a.find("a=recvonly\r\n"), std::string::npos);
  auto back = negotiate(a);  // our answer is itself valid SDP
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->codec, Codec::kPcma);
  EXPECT_EQ(back->dtmfPayloadType, 101);
  EXPECT_EQ(back->remotePort, 40000);

  auto inactive = negotiate(offer("0", "a=inactive\r\n"));
  ASSERT_TRUE(inactive.ok());
  EXPECT_NE(buildAnswer(*inactive, "127.0.0.1", 40000, 1).find("a=inactive"), std::string::npos);
  auto plain = negotiate(offer("0", ""));
  ASSERT_TRUE(plain.ok());
  std::string p = buildAnswer(*plain, "127.0.0.1", 40000, 1);
  EXPECT_NE(p.find("m=audio 40000 RTP/AVP 0\r\n"), std::string::npos);
  EXPECT_EQ(p.find("telephone-event"), std::string::npos);
  EXPECT_NE(p.find("a=sendrecv"), std::string::npos);
}

TEST(SdpTest, MediaLineWithoutFormatsAtTheEndIsReadInBounds) {
  // osip2 read past the end of the text here (found by fuzz/targets/sdp.cc; ASan in
  // `make sanitize` and the fuzz corpus replay guard it).
  const std::string offer =
      "v=0\r\no=- 1 1 IN IP4 10.0.0.7\r\ns=-\r\nc=IN IP4 10.0.0.7\r\nt=0 0\r\n"
      "m=audio 30000 RTP/AVP\n";
  auto media = negotiate(offer);
  ASSERT_FALSE(media.ok());
  EXPECT_EQ(sdpErrorStatus(media.error()), 400);  // osip2 refuses the line
}

}  // namespace
}  // namespace callgate::sip
