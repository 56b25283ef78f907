// SIP over TCP cannot be held shut by one address: a per-address connection cap, and silent
// connections dropped after an idle timeout unless a call in progress still needs them.
#include <gtest/gtest.h>

#include <thread>

#include "adapters/net/sip/sip_server.h"
#include "unit/adapters/net/sip/sip_test_support.h"

namespace callgate::sip {
namespace {

using namespace std::chrono_literals;
using testing::FakeCallHandler;
using testing::offerSdp;
using testing::RawPeer;
using testing::request;
using testing::statusOf;

class SipTcpLimitsTest : public testing::SipServerFixture {
 protected:
  bool options(RawPeer& peer, const std::string& id) {
    peer.send(request(peer, "OPTIONS", id, 1, "z9hG4bK-" + id));
    auto r = peer.receive(1s);
    return r && statusOf(*r) == 200;
  }
};

TEST_F(SipTcpLimitsTest, ConnectionsBeyondThePerAddressCapAreClosed) {
  SipServerOptions o;
  o.maxTcpConnectionsPerAddress = 2;
  startServer(o);
  RawPeer a(true, port_), b(true, port_);
  ASSERT_TRUE(options(a, "a1"));
  ASSERT_TRUE(options(b, "b1"));
  RawPeer c(true, port_);
  c.send(request(c, "OPTIONS", "c1", 1, "z9hG4bK-c1"));
  EXPECT_FALSE(c.receive(1s).has_value());
  EXPECT_TRUE(c.closed());
  EXPECT_TRUE(options(a, "a2"));
}

TEST_F(SipTcpLimitsTest, SilentConnectionsAreDroppedAfterTheIdleTimeout) {
  SipServerOptions o;
  o.tcpIdleTimeout = 300ms;
  startServer(o);
  RawPeer silent(true, port_);
  ASSERT_TRUE(silent.connected());
  EXPECT_FALSE(silent.receive(1500ms).has_value());
  EXPECT_TRUE(silent.closed());
  // Traffic keeps a connection: a keep-alive ping or a request within the timeout.
  RawPeer chatty(true, port_);
  for (int i = 0; i < 5; ++i) {
    std::this_thread::sleep_for(150ms);
    ASSERT_TRUE(options(chatty, "ch" + std::to_string(i))) << i;
  }
}

TEST_F(SipTcpLimitsTest, AConnectionCarryingACallIsNotDroppedWhenIdle) {
  SipServerOptions o;
  o.tcpIdleTimeout = 300ms;
  startServer(o);
  RawPeer peer(true, port_);
  peer.send(request(peer, "INVITE", "tcp-call", 1, "z9hG4bK-tc", "", offerSdp()));
  auto ok = peer.receiveStatus(200);
  ASSERT_TRUE(ok.has_value());
  peer.send(request(peer, "ACK", "tcp-call", 1, "z9hG4bK-tc-ack",
                    testing::tagOf(testing::headerOf(*ok, "To"))));
  ASSERT_TRUE(handler_.waitFor([&] { return handler_.confirmed.size() == 1; }));
  std::this_thread::sleep_for(1s);
  // Still open: the call can be ended over it (we never open TCP connections ourselves).
  handler_.leg("tcp-call")->hangup();
  EXPECT_TRUE(peer.receiveMethod("BYE", 2s).has_value());
}

}  // namespace
}  // namespace callgate::sip
