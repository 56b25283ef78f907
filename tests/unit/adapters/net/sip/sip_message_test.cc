#include "adapters/net/sip/sip_message.h"

#include <gtest/gtest.h>

#include "adapters/net/sip/refer_text.h"
#include "adapters/net/sip/sip_text.h"
#include "adapters/net/sip/tcp_framer.h"

namespace callgate::sip {
namespace {

const std::string kInvite =
    "INVITE sip:+18005550199@127.0.0.1:5060;user=phone SIP/2.0\r\n"
    "v: SIP/2.0/UDP 10.0.0.7:5070;branch=z9hG4bKabc;rport\r\n"
    "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKproxy\r\n"
    "Record-Route: <sip:10.0.0.1;lr>\r\n"
    "f: \"Bob\" <sip:+14155550100@example.com>;tag=t1\r\n"
    "t: <sip:+18005550199@127.0.0.1>\r\n"
    "i: abc123@10.0.0.7\r\n"
    "CSeq: 7 INVITE\r\n"
    "m: <sip:bob@10.0.0.7:5070>\r\n"
    "P-Asserted-Identity: <tel:+14155550100;verstat=TN-Validation-Passed-A>\r\n"
    "Identity: eyJ.abc.def;info=<https://cert.example/c.pem>;alg=ES256;ppt=shaken\r\n"
    "c: application/sdp\r\n"
    "l: 4\r\n\r\nv=0\n";

TEST(SipMessageTest, ParsesCompactFormsAndReadsHeaders) {
  auto m = SipMessage::parse(kInvite);
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(m->isRequest());
  EXPECT_EQ(m->method(), "INVITE");
  EXPECT_TRUE(m->hasMandatoryHeaders());
  EXPECT_EQ(m->callId(), "abc123@10.0.0.7");
  EXPECT_EQ(m->fromTag(), "t1");
  EXPECT_EQ(m->toTag(), "");
  EXPECT_EQ(m->cseq(), 7u);
  EXPECT_EQ(m->cseqMethod(), "INVITE");
  EXPECT_EQ(m->viaBranch(), "z9hG4bKabc");
  EXPECT_EQ(m->viaHost(), "10.0.0.7");
  EXPECT_EQ(m->viaPort(), 5070);
  EXPECT_TRUE(m->viaHasRport());
  EXPECT_EQ(m->requestUriUser(), "+18005550199");
  EXPECT_EQ(m->contactUri(), "sip:bob@10.0.0.7:5070");
  ASSERT_EQ(m->recordRoutes().size(), 1u);
  EXPECT_EQ(m->header("identity"),
            "eyJ.abc.def;info=<https://cert.example/c.pem>;alg=ES256;ppt=shaken");
  EXPECT_EQ(m->header("P-Asserted-Identity"), "<tel:+14155550100;verstat=TN-Validation-Passed-A>");
  EXPECT_EQ(m->body(), "v=0\n");
  EXPECT_TRUE(m->bodyIsSdp());
}

TEST(SipMessageTest, RoundTripKeepsEveryHeader) {
  auto m = SipMessage::parse(kInvite);
  ASSERT_TRUE(m.ok());
  std::string text = m->toString();
  auto again = SipMessage::parse(text);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->toString(), text);
  EXPECT_EQ(again->callId(), "abc123@10.0.0.7");
  EXPECT_EQ(again->body(), "v=0\n");
  EXPECT_EQ(again->header("identity"), m->header("identity"));
}

TEST(SipMessageTest, BuildsResponseWithStampedViaAndTag) {
  auto req = SipMessage::parse(kInvite);
  ASSERT_TRUE(req.ok());
  req->stampTopVia("192.0.2.9", 40000);
  SipMessage r = SipMessage::responseTo(*req, 200);
  r.setToTag("ourtag");
  r.copyRecordRoutes(*req);
  r.setBody("application/sdp", "v=0\r\n");
  std::string text = r.toString();
  EXPECT_EQ(text.rfind("SIP/2.0 200 OK\r\n", 0), 0u) << text;
  EXPECT_NE(text.find("received=192.0.2.9"), std::string::npos) << text;
  EXPECT_NE(text.find("rport=40000"), std::string::npos) << text;
  EXPECT_NE(text.find("Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKproxy"), std::string::npos);
  EXPECT_NE(text.find("Record-Route: <sip:10.0.0.1;lr>"), std::string::npos);
  auto parsed = SipMessage::parse(text);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->status(), 200);
  EXPECT_EQ(parsed->toTag(), "ourtag");
  EXPECT_EQ(parsed->fromTag(), "t1");
  EXPECT_EQ(parsed->cseq(), 7u);
  EXPECT_EQ(parsed->body(), "v=0\r\n");
}

TEST(SipMessageTest, BuildsRequest) {
  auto r = SipMessage::request("BYE", "sip:bob@10.0.0.7:5070");
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->setParsedHeader("Via", "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKx;rport").ok());
  ASSERT_TRUE(r->setParsedHeader("From", "<sip:+18005550199@127.0.0.1>;tag=ours").ok());
  ASSERT_TRUE(r->setParsedHeader("To", "\"Bob\" <sip:+14155550100@example.com>;tag=t1").ok());
  ASSERT_TRUE(r->setParsedHeader("Call-ID", "abc123@10.0.0.7").ok());
  ASSERT_TRUE(r->setParsedHeader("CSeq", "1 BYE").ok());
  r->addHeader("Max-Forwards", "70");
  auto parsed = SipMessage::parse(r->toString());
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->method(), "BYE");
  EXPECT_EQ(parsed->requestUri(), "sip:bob@10.0.0.7:5070");
  EXPECT_TRUE(parsed->hasMandatoryHeaders());
  EXPECT_EQ(parsed->toTag(), "t1");
  EXPECT_FALSE(SipMessage::request("BYE", "not a uri").ok());
}

TEST(SipMessageTest, RejectsGarbageAndFlagsMissingHeaders) {
  EXPECT_FALSE(SipMessage::parse("hello world\r\n\r\n").ok());
  EXPECT_FALSE(SipMessage::parse("").ok());
  auto m = SipMessage::parse("OPTIONS sip:a@b SIP/2.0\r\nCSeq: 1 OPTIONS\r\n\r\n");
  ASSERT_TRUE(m.ok());
  EXPECT_FALSE(m->hasMandatoryHeaders());
}

TEST(SipTextTest, UserParts) {
  EXPECT_EQ(uriUserOf("\"Bob\" <sip:+14155550100@example.com>;tag=1"), "+14155550100");
  EXPECT_EQ(uriUserOf("<tel:+14155550100;verstat=TN-Validation-Passed>"), "+14155550100");
  EXPECT_EQ(uriUserOf("sip:alice@example.com;tag=9"), "alice");
  EXPECT_EQ(uriUserOf("<sip:+1415;npdi@x;user=phone>"), "+1415");
  EXPECT_EQ(uriUserOf("<sip:example.com>"), "");
}

TEST(SipTextTest, HostAndPort) {
  std::string host;
  uint16_t port = 0;
  ASSERT_TRUE(uriHostPort("<sip:bob@10.0.0.7:5070;lr>", &host, &port));
  EXPECT_EQ(host, "10.0.0.7");
  EXPECT_EQ(port, 5070);
  ASSERT_TRUE(uriHostPort("sip:[::1]:5062;transport=tcp", &host, &port));
  EXPECT_EQ(host, "::1");
  EXPECT_EQ(port, 5062);
  ASSERT_TRUE(uriHostPort("sip:proxy.example.com", &host, &port));
  EXPECT_EQ(port, 0);
  EXPECT_FALSE(uriHostPort("tel:+1415", &host, &port));
  EXPECT_EQ(randomToken(12).size(), 12u);
  EXPECT_NE(randomToken(12), randomToken(12));
}

TEST(ReferTextTest, EscapesUriHeadersAndValidates) {
  EXPECT_EQ(escapeUriHeader("Ann Lee&x=y"), "Ann%20Lee%26x%3Dy");
  auto r = buildReferTo("sip:agent@127.0.0.1:5090",
                        {{"X-Callgate-Auth", "True"}, {"X-Callgate-First-Name", "Zoë"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "<sip:agent@127.0.0.1:5090?X-Callgate-Auth=True&X-Callgate-First-Name=Zo%C3%AB>");
  EXPECT_FALSE(buildReferTo("http://x", {}).ok());
  EXPECT_FALSE(buildReferTo("sip:a@b>", {}).ok());
  EXPECT_FALSE(buildReferTo("sip:a@b", {{"X-Bad", "a\r\nVia: evil"}}).ok());
  EXPECT_FALSE(buildReferTo("sip:a@b", {{"X Bad", "v"}}).ok());
  EXPECT_EQ(sipfragStatus("SIP/2.0 200 OK\r\n"), 200);
  EXPECT_EQ(sipfragStatus("SIP/2.0 100 Trying"), 100);
  EXPECT_EQ(sipfragStatus("junk"), 0);
  EXPECT_TRUE(subscriptionTerminated("terminated;reason=noresource"));
  EXPECT_FALSE(subscriptionTerminated("active;expires=60"));
}

TEST(ReferTextTest, TheReferToUriStaysWithinWhatTransfereesCopyTheVerdictFirst) {
  HeaderList headers{{"X-Callgate-Auth", "True"}, {"X-Callgate-Auth-Method", "SmsOtp"}};
  for (int i = 0; i < 10; ++i) {
    headers.emplace_back("X-Callgate-attribute" + std::to_string(i), std::string(20, 'v'));
  }
  auto r = buildReferTo("sip:agent@127.0.0.1:5090", headers);
  ASSERT_TRUE(r.ok());
  EXPECT_LE(r->size(), kMaxReferToUriBytes + 2);  // plus the angle brackets
  EXPECT_TRUE(r->starts_with(
      "<sip:agent@127.0.0.1:5090?X-Callgate-Auth=True&X-Callgate-Auth-Method=SmsOtp&"))
      << *r;
  EXPECT_EQ(r->find("attribute9"), std::string::npos) << *r;  // left for the REFER's own fields
  EXPECT_FALSE(buildReferTo("sip:" + std::string(300, 'a') + "@pbx", {}).ok());
}

TEST(TcpFramerTest, FramesByContentLength) {
  std::string msg = "OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 3\r\n\r\nabc";
  EXPECT_EQ(nextFrame(msg, 16384).kind, Frame::Kind::kMessage);
  EXPECT_EQ(nextFrame(msg, 16384).length, msg.size());
  EXPECT_EQ(nextFrame(msg.substr(0, msg.size() - 1), 16384).kind, Frame::Kind::kNeedMore);
  EXPECT_EQ(nextFrame("OPTIONS sip:a@b SIP/2.0\r\nl: 0\r\n\r\nNEXT", 16384).length, 33u);
  EXPECT_EQ(nextFrame("\r\n\r\n", 16384).kind, Frame::Kind::kPing);
  EXPECT_EQ(nextFrame("\r\nOPTIONS", 16384).kind, Frame::Kind::kSkip);
  EXPECT_EQ(nextFrame("\r\n", 16384).kind, Frame::Kind::kNeedMore);
  EXPECT_EQ(nextFrame("GET / HTTP/1.1\r\n", 16384).kind, Frame::Kind::kGarbage);
  EXPECT_EQ(nextFrame("OPTIONS sip:a@b SIP/2.0\r\nContent-Length: x\r\n\r\n", 16384).kind,
            Frame::Kind::kGarbage);
  EXPECT_EQ(nextFrame("OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 99999\r\n\r\n", 16384).kind,
            Frame::Kind::kTooLarge);
  EXPECT_EQ(nextFrame("OPTIONS sip:a@b SIP/2.0\r\n" + std::string(20000, 'a'), 16384).kind,
            Frame::Kind::kTooLarge);
}

}  // namespace
}  // namespace callgate::sip
