// SipServer driven over real loopback UDP and TCP sockets with raw SIP text.
#include "adapters/net/sip/sip_server.h"

#include <gtest/gtest.h>

#include "unit/adapters/net/sip/sip_test_support.h"

namespace callgate::sip {
namespace {

using namespace std::chrono_literals;
using testing::FakeCallHandler;
using testing::headerOf;
using testing::offerSdp;
using testing::RawPeer;
using testing::request;
using testing::responseTo;
using testing::statusOf;
using testing::tagOf;

class SipServerTest : public testing::SipServerFixture {
 protected:
  // INVITE -> 100, 180, 200 (+ ACK when ack). Returns the 200.
  std::string establish(RawPeer& peer, const std::string& callId, bool ack = true) {
    peer.send(request(peer, "INVITE", callId, 1, "z9hG4bK-" + callId, "", offerSdp()));
    auto trying = peer.receive();
    EXPECT_TRUE(trying && statusOf(*trying) == 100);
    auto ringing = peer.receive();
    EXPECT_TRUE(ringing && statusOf(*ringing) == 180);
    auto ok = peer.receiveStatus(200);
    EXPECT_TRUE(ok.has_value());
    if (!ok) return "";
    if (ack) {
      peer.send(
          request(peer, "ACK", callId, 1, "z9hG4bK-ack-" + callId, tagOf(headerOf(*ok, "To"))));
      EXPECT_TRUE(handler_.waitFor([&] { return !handler_.confirmed.empty(); }));
    }
    return *ok;
  }

  size_t endedCount() {
    return handler_.locked([&] { return handler_.ended.size(); });
  }
};

TEST_F(SipServerTest, InviteIsAnsweredAndAckConfirms) {
  startServer();
  RawPeer peer(false, port_);
  std::string ok = establish(peer, "call-1");
  EXPECT_NE(headerOf(ok, "Contact").find("sip:callgate@127.0.0.1"), std::string::npos) << ok;
  EXPECT_FALSE(tagOf(headerOf(ok, "To")).empty());
  EXPECT_NE(headerOf(ok, "Via").find("rport=" + std::to_string(peer.port())), std::string::npos)
      << ok;
  EXPECT_NE(ok.find("m=audio 40000 RTP/AVP 0 101"), std::string::npos) << ok;
  ASSERT_EQ(handler_.calls.size(), 1u);
  const IncomingCall& call = handler_.calls[0];
  EXPECT_EQ(call.callId, "call-1");
  EXPECT_EQ(call.callerUser, "+14155550100");
  EXPECT_EQ(call.dialledUser, "+18005550199");
  EXPECT_EQ(call.sourceAddress, "127.0.0.1");
  EXPECT_EQ(call.transport, Transport::kUdp);
  EXPECT_EQ(call.media.remotePort, 30000);
  EXPECT_EQ(call.media.dtmfPayloadType, 101);
  EXPECT_EQ(server_->activeCalls(), 1u);
}

TEST_F(SipServerTest, CallerDetailsComeFromAssertedIdentity) {
  startServer();
  RawPeer peer(false, port_);
  peer.send(request(peer, "INVITE", "call-pai", 1, "z9hG4bKpai", "", offerSdp(),
                    "P-Asserted-Identity: <tel:+14155550111;verstat=TN-Validation-Passed-A>\r\n"
                    "Identity: eyJ.x.y;info=<https://c/x.pem>;alg=ES256;ppt=shaken\r\n"));
  ASSERT_TRUE(peer.receiveStatus(200));
  ASSERT_EQ(handler_.calls.size(), 1u);
  EXPECT_EQ(handler_.calls[0].callerUser, "+14155550111");
  EXPECT_EQ(handler_.calls[0].assertedIdentity,
            "<tel:+14155550111;verstat=TN-Validation-Passed-A>");
  EXPECT_EQ(handler_.calls[0].identityHeader,
            "eyJ.x.y;info=<https://c/x.pem>;alg=ES256;ppt=shaken");
}

TEST_F(SipServerTest, RetransmittedInviteIsAbsorbedAndOkRepeatsUntilAck) {
  startServer();
  RawPeer peer(false, port_);
  std::string ok = establish(peer, "call-2", false);
  peer.send(request(peer, "INVITE", "call-2", 1, "z9hG4bK-call-2", "", offerSdp()));
  ASSERT_TRUE(peer.receiveStatus(200));  // the last response again (or a retransmission)
  EXPECT_EQ(handler_.calls.size(), 1u);
  ASSERT_TRUE(peer.receiveStatus(200, 500ms));  // retransmitted with T1 doubling
  ASSERT_TRUE(peer.receiveStatus(200, 500ms));
  peer.send(request(peer, "ACK", "call-2", 1, "z9hG4bKack2", tagOf(headerOf(ok, "To"))));
  ASSERT_TRUE(handler_.waitFor([&] { return handler_.confirmed.size() == 1; }));
  while (peer.receive(50ms)) {
  }                                               // drain the ones already in flight
  EXPECT_FALSE(peer.receive(400ms).has_value());  // > 2*T2: no more 200s
}

TEST_F(SipServerTest, NoAckMeansByeAndAckTimeout) {
  startServer();
  RawPeer peer(false, port_);
  establish(peer, "call-3", false);
  auto bye = peer.receiveMethod("BYE", 3s);
  ASSERT_TRUE(bye.has_value());
  peer.send(responseTo(*bye, 200, "OK"));
  ASSERT_TRUE(handler_.waitFor([&] { return !handler_.ended.empty(); }));
  EXPECT_EQ(handler_.ended[0].second, EndReason::kAckTimeout);
  EXPECT_EQ(server_->activeCalls(), 0u);
}

TEST_F(SipServerTest, CancelBeforeAnswerGets487) {
  SipServerOptions o;
  o.answerDelay = 2s;
  startServer(o);
  RawPeer peer(false, port_);
  peer.send(request(peer, "INVITE", "call-4", 1, "z9hG4bK-c4", "", offerSdp()));
  ASSERT_TRUE(peer.receiveStatus(180));
  peer.send(request(peer, "CANCEL", "call-4", 1, "z9hG4bK-c4"));
  auto cancelOk = peer.receiveStatus(200);
  ASSERT_TRUE(cancelOk.has_value());
  EXPECT_EQ(headerOf(*cancelOk, "CSeq"), "1 CANCEL");
  auto terminated = peer.receiveStatus(487);
  ASSERT_TRUE(terminated.has_value());
  peer.send(request(peer, "ACK", "call-4", 1, "z9hG4bK-c4", tagOf(headerOf(*terminated, "To"))));
  ASSERT_TRUE(handler_.waitFor([&] { return !handler_.ended.empty(); }));
  EXPECT_EQ(handler_.ended[0].second, EndReason::kCancelled);
  // The 487 stops once ACKed; CANCEL for an unknown transaction gets 481.
  peer.send(request(peer, "CANCEL", "nope", 1, "z9hG4bK-nope"));
  ASSERT_TRUE(peer.receiveStatus(481));
}

TEST_F(SipServerTest, ByeFromCaller) {
  startServer();
  RawPeer peer(false, port_);
  std::string ok = establish(peer, "call-5");
  peer.send(request(peer, "BYE", "call-5", 2, "z9hG4bKbye5", tagOf(headerOf(ok, "To"))));
  ASSERT_TRUE(peer.receiveStatus(200));
  ASSERT_TRUE(handler_.waitFor([&] { return !handler_.ended.empty(); }));
  EXPECT_EQ(handler_.ended[0].second, EndReason::kCallerHungUp);
  EXPECT_EQ(server_->activeCalls(), 0u);
  // A retransmitted BYE is answered again; a BYE to an unknown dialog gets 481.
  peer.send(request(peer, "BYE", "call-5", 2, "z9hG4bKbye5", tagOf(headerOf(ok, "To"))));
  ASSERT_TRUE(peer.receiveStatus(200));
  peer.send(request(peer, "BYE", "call-5", 3, "z9hG4bKbye6", "unknowntag"));
  ASSERT_TRUE(peer.receiveStatus(481));
  EXPECT_EQ(endedCount(), 1u);
}

TEST_F(SipServerTest, OurByeIsRetransmittedUntilAnswered) {
  startServer();
  RawPeer peer(false, port_);
  establish(peer, "call-6");
  handler_.leg("call-6")->hangup();
  auto bye = peer.receiveMethod("BYE");
  ASSERT_TRUE(bye.has_value());
  EXPECT_EQ(headerOf(*bye, "To").find("tag=caller1") != std::string::npos, true) << *bye;
  auto again = peer.receiveMethod("BYE", 500ms);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(headerOf(*again, "Via"), headerOf(*bye, "Via"));
  peer.send(responseTo(*bye, 200, "OK"));
  while (peer.receive(50ms)) {
  }
  EXPECT_FALSE(peer.receive(400ms).has_value());
  ASSERT_TRUE(handler_.waitFor([&] { return !handler_.ended.empty(); }));
  EXPECT_EQ(handler_.ended[0].second, EndReason::kWeHungUp);
}

TEST_F(SipServerTest, OptionsMethodsAndErrors) {
  startServer();
  RawPeer peer(false, port_);
  peer.send(request(peer, "OPTIONS", "opt-1", 1, "z9hG4bKo1"));
  auto ok = peer.receiveStatus(200);
  ASSERT_TRUE(ok.has_value());
  EXPECT_NE(headerOf(*ok, "Allow").find("INVITE"), std::string::npos) << *ok;
  EXPECT_EQ(headerOf(*ok, "Accept"), "application/sdp");

  peer.send(request(peer, "SUBSCRIBE", "sub-1", 1, "z9hG4bKs1"));
  auto notAllowed = peer.receiveStatus(405);
  ASSERT_TRUE(notAllowed.has_value());
  EXPECT_FALSE(headerOf(*notAllowed, "Allow").empty());
  peer.send(request(peer, "FROB", "frob-1", 1, "z9hG4bKf1"));
  ASSERT_TRUE(peer.receiveStatus(405));

  peer.send(request(peer, "INFO", "nodialog", 2, "z9hG4bKi1", "nosuchtag"));
  ASSERT_TRUE(peer.receiveStatus(481));

  std::string noCallId = request(peer, "OPTIONS", "x", 1, "z9hG4bKm1");
  noCallId.erase(noCallId.find("Call-ID: x\r\n"), 12);
  peer.send(noCallId);
  ASSERT_TRUE(peer.receiveStatus(400));

  peer.send("this is not SIP at all\r\n\r\n");
  peer.send(std::string("\x00\x01\x02garbage", 10));
  peer.send(request(peer, "OPTIONS", "opt-2", 1, "z9hG4bKo2"));
  ASSERT_TRUE(peer.receiveStatus(200));
}

TEST_F(SipServerTest, OptionsProbeGets503WhileTheHandlerIsNotReady) {
  startServer();
  RawPeer peer(false, port_);
  handler_.options = 503;
  peer.send(request(peer, "OPTIONS", "probe-1", 1, "z9hG4bKp1"));
  auto unavailable = peer.receiveStatus(503);
  ASSERT_TRUE(unavailable.has_value());
  EXPECT_EQ(headerOf(*unavailable, "Retry-After"), "5");
  EXPECT_NE(headerOf(*unavailable, "Allow").find("INVITE"), std::string::npos) << *unavailable;
  handler_.options = 200;
  peer.send(request(peer, "OPTIONS", "probe-2", 1, "z9hG4bKp2"));
  ASSERT_TRUE(peer.receiveStatus(200));
}

TEST_F(SipServerTest, InDialogOptionsStays200WhileNotReady) {
  startServer();
  RawPeer peer(false, port_);
  std::string ok = establish(peer, "keepalive-1");
  handler_.options = 503;  // a draining node: its calls in progress keep going
  peer.send(request(peer, "OPTIONS", "keepalive-1", 2, "z9hG4bKka1", tagOf(headerOf(ok, "To"))));
  ASSERT_TRUE(peer.receiveStatus(200));
}

TEST_F(SipServerTest, ARejectionCarriesTheHandlersRetryAfter) {
  startServer();
  RawPeer peer(false, port_);
  handler_.locked([&] { handler_.answer = {503, "", 0, 30}; });
  peer.send(request(peer, "INVITE", "drain-1", 1, "z9hG4bKd1", "", offerSdp()));
  auto refused = peer.receiveStatus(503);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(headerOf(*refused, "Retry-After"), "30");
}

TEST_F(SipServerTest, BadOffersAndRejections) {
  startServer();
  RawPeer peer(false, port_);
  peer.send(request(peer, "INVITE", "bad-1", 1, "z9hG4bKb1", "", "v=0\r\ngarbage\r\n"));
  ASSERT_TRUE(peer.receiveStatus(400));
  peer.send(request(peer, "INVITE", "bad-2", 1, "z9hG4bKb2", "", offerSdp("", "18")));
  auto notAcceptable = peer.receiveStatus(488);
  ASSERT_TRUE(notAcceptable.has_value());
  peer.send(request(peer, "ACK", "bad-2", 1, "z9hG4bKb2", tagOf(headerOf(*notAcceptable, "To"))));
  // The handler is read and changed under its lock: the SIP thread uses it concurrently.
  EXPECT_TRUE(handler_.locked([&] { return handler_.calls.empty(); }));

  handler_.locked([&] { handler_.answer.status = 486; });
  peer.send(request(peer, "INVITE", "busy", 1, "z9hG4bKb3", "", offerSdp()));
  ASSERT_TRUE(peer.receiveStatus(486));
  EXPECT_EQ(server_->activeCalls(), 0u);
  EXPECT_EQ(endedCount(), 0u);
}

TEST_F(SipServerTest, MaxCallsGives503) {
  SipServerOptions o;
  o.maxCalls = 1;
  startServer(o);
  RawPeer peer(false, port_);
  establish(peer, "first");
  peer.send(request(peer, "INVITE", "second", 1, "z9hG4bK-second", "", offerSdp()));
  auto busy = peer.receiveStatus(503);
  ASSERT_TRUE(busy.has_value());
  EXPECT_FALSE(headerOf(*busy, "Retry-After").empty());
  EXPECT_EQ(handler_.calls.size(), 1u);
}

TEST_F(SipServerTest, ReInviteHoldAndResume) {
  startServer();
  RawPeer peer(false, port_);
  std::string ok = establish(peer, "call-7");
  const std::string tag = tagOf(headerOf(ok, "To"));
  peer.send(request(peer, "INVITE", "call-7", 2, "z9hG4bKre1", tag, offerSdp("a=sendonly\r\n")));
  auto held = peer.receiveStatus(200);
  ASSERT_TRUE(held.has_value());
  EXPECT_NE(held->find("a=recvonly"), std::string::npos) << *held;
  EXPECT_NE(held->find(" 2 IN IP4 127.0.0.1"), std::string::npos) << *held;  // version + 1
  peer.send(request(peer, "ACK", "call-7", 2, "z9hG4bKre1ack", tag));
  ASSERT_TRUE(handler_.waitFor([&] { return handler_.mediaChanges.size() == 1; }));
  EXPECT_TRUE(handler_.locked([&] { return handler_.mediaChanges[0].second.onHold; }));

  peer.send(request(peer, "INVITE", "call-7", 3, "z9hG4bKre2", tag, "v=0\r\nnonsense\r\n"));
  ASSERT_TRUE(peer.receiveStatus(400));
  peer.send(request(peer, "INVITE", "call-7", 4, "z9hG4bKre3", tag, offerSdp()));
  auto resumed = peer.receiveStatus(200);
  ASSERT_TRUE(resumed.has_value());
  EXPECT_NE(resumed->find("a=sendrecv"), std::string::npos);
  ASSERT_TRUE(handler_.waitFor([&] { return handler_.mediaChanges.size() == 2; }));
  EXPECT_FALSE(handler_.mediaChanges[1].second.onHold);
}

TEST_F(SipServerTest, CallOverTcp) {
  startServer();
  RawPeer peer(true, port_);
  ASSERT_TRUE(peer.connected());
  peer.send("\r\n\r\n");
  auto pong = peer.receive();
  ASSERT_TRUE(pong.has_value());
  EXPECT_EQ(*pong, "\r\n");
  std::string ok = establish(peer, "tcp-1");
  EXPECT_NE(headerOf(ok, "Contact").find("transport=tcp"), std::string::npos) << ok;
  EXPECT_EQ(handler_.calls[0].transport, Transport::kTcp);
  handler_.leg("tcp-1")->hangup();
  auto bye = peer.receiveMethod("BYE");
  ASSERT_TRUE(bye.has_value());
  EXPECT_NE(headerOf(*bye, "Via").find("SIP/2.0/TCP"), std::string::npos);
  peer.send(responseTo(*bye, 200, "OK"));
  ASSERT_TRUE(handler_.waitFor([&] { return !handler_.ended.empty(); }));
}

TEST_F(SipServerTest, TcpGarbageAndOversizeCloseTheConnection) {
  startServer();
  RawPeer garbage(true, port_);
  garbage.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_FALSE(garbage.receive(1s).has_value());
  EXPECT_TRUE(garbage.closed());
  RawPeer big(true, port_);
  std::string body(20000, 'a');
  big.send(request(big, "OPTIONS", "big", 1, "z9hG4bKbig", "", body));
  auto tooLarge = big.receive();
  ASSERT_TRUE(tooLarge.has_value());
  EXPECT_EQ(statusOf(*tooLarge), 413);
  EXPECT_FALSE(big.receive(1s).has_value());
  EXPECT_TRUE(big.closed());
}

TEST_F(SipServerTest, StopByesConfirmedCalls) {
  startServer();
  RawPeer peer(false, port_);
  establish(peer, "call-8");
  std::thread answerer([&] {
    if (auto bye = peer.receiveMethod("BYE")) peer.send(responseTo(*bye, 200, "OK"));
  });
  server_->stop();
  answerer.join();
  ASSERT_EQ(handler_.ended.size(), 1u);
  EXPECT_EQ(handler_.ended[0].second, EndReason::kShutdown);
}

}  // namespace
}  // namespace callgate::sip
