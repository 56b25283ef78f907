// SipServer tells calls apart by dialog (Call-ID and both tags), not by Call-ID alone: requests
// that share a Call-ID with another call, merged requests (RFC 3261 8.2.2.2) and in-dialog
// requests from a stranger's From tag.
#include <gtest/gtest.h>

#include <set>

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
using testing::statusOf;
using testing::tagOf;

// `request` with the From tag `tag` instead of the helper's fixed one.
std::string withFromTag(std::string message, const std::string& tag) {
  const std::string fixed = ";tag=caller1";
  message.replace(message.find(fixed), fixed.size(), ";tag=" + tag);
  return message;
}

std::string viaBranch(const std::string& message) {
  const std::string via = headerOf(message, "Via");
  const size_t p = via.find("branch=");
  return p == std::string::npos ? "" : via.substr(p + 7, via.find(';', p) - p - 7);
}

class SipServerDialogTest : public testing::SipServerFixture {
 protected:
  // The final response to the request sent with Via `branch`.
  std::optional<std::string> finalFor(RawPeer& peer, const std::string& branch) {
    return peer.receiveUntil(
        [&](const std::string& m) { return statusOf(m) >= 200 && viaBranch(m) == branch; });
  }
};

TEST_F(SipServerDialogTest, CallsSharingACallIdAreDistinctAndEachByeEndsItsOwn) {
  startServer();
  RawPeer peer(false, port_);
  std::vector<std::pair<std::string, std::string>> dialogs;  // From tag, To tag
  for (const std::string tag : {"fa", "fb", "fc"}) {
    const std::string branch = "z9hG4bK-inv-" + tag;
    peer.send(withFromTag(request(peer, "INVITE", "shared", 1, branch, "", offerSdp()), tag));
    auto ok = finalFor(peer, branch);
    ASSERT_TRUE(ok.has_value());
    ASSERT_EQ(statusOf(*ok), 200) << *ok;
    dialogs.emplace_back(tag, tagOf(headerOf(*ok, "To")));
    peer.send(withFromTag(
        request(peer, "ACK", "shared", 1, "z9hG4bK-ack-" + tag, dialogs.back().second), tag));
  }
  ASSERT_TRUE(handler_.waitFor([&] { return handler_.confirmed.size() == 3; }));
  EXPECT_EQ(server_->activeCalls(), 3u);
  // Three calls, three keys: the handler can tell them apart in every callback.
  std::set<std::string> keys;
  for (const IncomingCall& call : handler_.calls) keys.insert(call.key);
  EXPECT_EQ(keys.size(), 3u);
  EXPECT_EQ(std::set<std::string>(handler_.confirmed.begin(), handler_.confirmed.end()), keys);

  for (const auto& [from, to] : dialogs) {
    const std::string branch = "z9hG4bK-bye-" + from;
    peer.send(withFromTag(request(peer, "BYE", "shared", 2, branch, to), from));
    auto ok = finalFor(peer, branch);
    ASSERT_TRUE(ok.has_value());
    EXPECT_EQ(statusOf(*ok), 200) << *ok;
  }
  ASSERT_TRUE(handler_.waitFor([&] { return handler_.ended.size() == 3; }));
  std::set<std::string> endedKeys;
  for (const auto& [key, reason] : handler_.ended) {
    endedKeys.insert(key);
    EXPECT_EQ(reason, EndReason::kCallerHungUp);
  }
  EXPECT_EQ(endedKeys, keys);
  EXPECT_EQ(server_->activeCalls(), 0u);
}

TEST_F(SipServerDialogTest, MergedInviteGets482) {
  SipServerOptions o;
  o.answerDelay = 300ms;
  startServer(o);
  RawPeer peer(false, port_);
  peer.send(request(peer, "INVITE", "merged", 1, "z9hG4bK-first", "", offerSdp()));
  ASSERT_TRUE(peer.receiveStatus(180));
  // Same Call-ID, From tag and CSeq, a new branch: the same request by another path.
  peer.send(request(peer, "INVITE", "merged", 1, "z9hG4bK-second", "", offerSdp()));
  auto merged = finalFor(peer, "z9hG4bK-second");
  ASSERT_TRUE(merged.has_value());
  EXPECT_EQ(statusOf(*merged), 482) << *merged;
  auto ok = finalFor(peer, "z9hG4bK-first");
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(statusOf(*ok), 200);
  EXPECT_EQ(handler_.locked([&] { return handler_.calls.size(); }), 1u);
  EXPECT_EQ(server_->activeCalls(), 1u);
}

TEST_F(SipServerDialogTest, InDialogRequestsFromAnotherFromTagGet481) {
  startServer();
  RawPeer peer(false, port_);
  peer.send(request(peer, "INVITE", "call-x", 1, "z9hG4bK-x", "", offerSdp()));
  auto ok = finalFor(peer, "z9hG4bK-x");
  ASSERT_TRUE(ok.has_value());
  const std::string tag = tagOf(headerOf(*ok, "To"));
  peer.send(request(peer, "ACK", "call-x", 1, "z9hG4bK-x-ack", tag));
  ASSERT_TRUE(handler_.waitFor([&] { return handler_.confirmed.size() == 1; }));

  peer.send(withFromTag(
      request(peer, "INVITE", "call-x", 2, "z9hG4bK-x-re", tag, offerSdp("", "0", "127.0.0.9")),
      "intruder"));
  auto reinvite = finalFor(peer, "z9hG4bK-x-re");
  ASSERT_TRUE(reinvite.has_value());
  EXPECT_EQ(statusOf(*reinvite), 481) << *reinvite;
  peer.send(withFromTag(request(peer, "BYE", "call-x", 3, "z9hG4bK-x-bye1", tag), "intruder"));
  auto bye = finalFor(peer, "z9hG4bK-x-bye1");
  ASSERT_TRUE(bye.has_value());
  EXPECT_EQ(statusOf(*bye), 481) << *bye;
  EXPECT_TRUE(handler_.locked([&] { return handler_.mediaChanges.empty(); }));
  EXPECT_EQ(server_->activeCalls(), 1u);

  peer.send(request(peer, "BYE", "call-x", 3, "z9hG4bK-x-bye2", tag));
  auto realBye = finalFor(peer, "z9hG4bK-x-bye2");
  ASSERT_TRUE(realBye.has_value());
  EXPECT_EQ(statusOf(*realBye), 200);
}

}  // namespace
}  // namespace callgate::sip
