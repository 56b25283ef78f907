// Transfers by REFER from a SipServer call, over real loopback UDP.
#include <gtest/gtest.h>

#include "adapters/net/sip/sip_server.h"
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

class SipReferTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SipServerOptions o;
    o.port = 0;
    o.t1 = 20ms;
    o.t2 = 160ms;
    // Nobody answers the BYE sent at stop(): do not wait 64*T1 for it.
    o.stopGrace = 300ms;
    server_ = std::make_unique<SipServer>(o, handler_);
    auto port = server_->start();
    ASSERT_TRUE(port.ok());
    peer_ = std::make_unique<RawPeer>(false, *port);
    peer_->send(request(*peer_, "INVITE", "xfer", 1, "z9hG4bKx1", "", offerSdp()));
    auto ok = peer_->receiveStatus(200);
    ASSERT_TRUE(ok.has_value());
    ourTag_ = tagOf(headerOf(*ok, "To"));
    peer_->send(request(*peer_, "ACK", "xfer", 1, "z9hG4bKx1ack", ourTag_));
    ASSERT_TRUE(handler_.waitFor([&] { return !handler_.confirmed.empty(); }));
  }
  void TearDown() override { server_->stop(); }

  // A NOTIFY from the transferee (the caller) in our dialog: its From is the caller, To is us.
  std::string notify(int cseq, const std::string& fragment, const std::string& state) {
    std::string m = request(*peer_, "NOTIFY", "xfer", cseq, "z9hG4bKn" + std::to_string(cseq),
                            ourTag_, "", "Event: refer\r\nSubscription-State: " + state + "\r\n");
    size_t cl = m.find("Content-Length: 0\r\n\r\n");
    m.replace(cl, std::string::npos,
              "Content-Type: message/sipfrag;version=2.0\r\nContent-Length: " +
                  std::to_string(fragment.size()) + "\r\n\r\n" + fragment);
    return m;
  }

  FakeCallHandler handler_;
  std::unique_ptr<SipServer> server_;
  std::unique_ptr<RawPeer> peer_;
  std::string ourTag_;
};

TEST_F(SipReferTest, ReferAcceptedThenNotify200Succeeds) {
  handler_.leg("xfer")->refer("sip:agent@127.0.0.1:5090",
                              {{"X-Callgate-Auth", "True"}, {"X-Callgate-First-Name", "Ann Lee"}});
  auto refer = peer_->receiveMethod("REFER");
  ASSERT_TRUE(refer.has_value());
  EXPECT_EQ(headerOf(*refer, "Refer-To"),
            "<sip:agent@127.0.0.1:5090?X-Callgate-Auth=True&X-Callgate-First-Name=Ann%20Lee>")
      << *refer;
  EXPECT_EQ(headerOf(*refer, "X-Callgate-Auth"), "True");
  EXPECT_EQ(headerOf(*refer, "X-Callgate-First-Name"), "Ann Lee");
  EXPECT_NE(headerOf(*refer, "Referred-By").find("sip:callgate@127.0.0.1"), std::string::npos);
  EXPECT_NE(headerOf(*refer, "From").find("tag=" + ourTag_), std::string::npos);
  EXPECT_EQ(refer->rfind("REFER sip:caller@127.0.0.1:" + std::to_string(peer_->port()), 0), 0u)
      << *refer;
  peer_->send(responseTo(*refer, 202, "Accepted"));

  peer_->send(notify(2, "SIP/2.0 100 Trying\r\n", "active;expires=60"));
  ASSERT_TRUE(peer_->receiveStatus(200));
  peer_->send(notify(3, "SIP/2.0 200 OK\r\n", "terminated;reason=noresource"));
  ASSERT_TRUE(peer_->receiveStatus(200));
  ASSERT_TRUE(handler_.waitFor([&] { return !handler_.transfers.empty(); }));
  EXPECT_TRUE(handler_.transfers[0].second.succeeded);
  EXPECT_EQ(handler_.transfers[0].second.status, 200);

  // The caller leaves after the transfer: the end reason says so.
  peer_->send(request(*peer_, "BYE", "xfer", 4, "z9hG4bKbye", ourTag_));
  ASSERT_TRUE(peer_->receiveStatus(200));
  ASSERT_TRUE(handler_.waitFor([&] { return !handler_.ended.empty(); }));
  EXPECT_EQ(handler_.ended[0].second, EndReason::kTransferred);
  EXPECT_EQ(handler_.transfers.size(), 1u);
}

TEST_F(SipReferTest, ReferRefused) {
  handler_.leg("xfer")->refer("sip:agent@127.0.0.1:5090", {});
  auto refer = peer_->receiveMethod("REFER");
  ASSERT_TRUE(refer.has_value());
  peer_->send(responseTo(*refer, 403, "Forbidden"));
  ASSERT_TRUE(handler_.waitFor([&] { return !handler_.transfers.empty(); }));
  EXPECT_FALSE(handler_.transfers[0].second.succeeded);
  EXPECT_EQ(handler_.transfers[0].second.status, 403);
  // A NOTIFY without a pending REFER is not ours.
  peer_->send(notify(2, "SIP/2.0 200 OK\r\n", "terminated"));
  ASSERT_TRUE(peer_->receiveStatus(481));
}

TEST_F(SipReferTest, BadTargetIsRefusedLocally) {
  handler_.leg("xfer")->refer("http://agent", {});
  ASSERT_TRUE(handler_.waitFor([&] { return !handler_.transfers.empty(); }));
  EXPECT_EQ(handler_.transfers[0].second.status, 400);
  handler_.leg("xfer")->refer("sip:agent@127.0.0.1", {{"X-Evil", "a\r\nVia: x"}});
  ASSERT_TRUE(handler_.waitFor([&] { return handler_.transfers.size() == 2; }));
  EXPECT_EQ(handler_.transfers[1].second.status, 400);
  EXPECT_FALSE(peer_->receive(200ms).has_value());  // nothing was sent
}

}  // namespace
}  // namespace callgate::sip
