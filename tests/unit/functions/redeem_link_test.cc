// RedeemLink over fakes: the order inspect -> mint -> redeem, without HTTP. Nothing is minted
// for a link that cannot be used, a minting failure leaves the link usable, and of several
// concurrent redemptions exactly one gets a token.
#include "functions/redeem_link.h"

#include <gtest/gtest.h>

#include <regex>
#include <thread>

#include "unit/functions/token_port_fakes.h"

namespace callgate {
namespace {

using namespace callgate::testing;  // NOLINT: test file

class RedeemLinkTest : public ::testing::Test {
 protected:
  RedeemLinkTest()
      : tokens_(clock_, log_),
        grants_(log_),
        links_(LinkDeps{customers_, grants_, sms_, hasher_, random_, clock_, audit_, config()}),
        redeemer_(links_, tokens_) {
    Customer ada{"+14155550100", "Ada", "Lovelace", "Gold", "en-US", {}};
    ada.userId = "12345678";
    EXPECT_TRUE(customers_.add(ada).ok());
  }

  static LinkConfig config() {
    LinkConfig c;
    c.publicBaseUrl = "https://cg.example";
    c.perUserLimit = 100;
    return c;
  }

  // Issues a link for Ada and returns its code, taken from the SMS as a phone would.
  std::string issueCode() {
    auto issued = links_.issue("12345678", kActionAddMember);
    EXPECT_TRUE(issued.ok() && issued->outcome == IssueOutcome::kSent);
    std::smatch m;
    const std::string body = sms_.sent.empty() ? "" : sms_.sent.back().body;
    EXPECT_TRUE(std::regex_search(body, m, std::regex("/l/([A-Za-z0-9_-]{22})\\b"))) << body;
    return m.size() > 1 ? m[1].str() : "";
  }

  size_t audited(std::string_view event) const {
    size_t n = 0;
    for (const auto& e : audit_.events) n += e.first == event ? 1 : 0;
    return n;
  }

  FakeClock clock_;
  FakeRandom random_;
  FakeCodeHasher hasher_;
  CallLog log_;
  FakeTokens tokens_;
  InMemoryCustomerStore customers_;
  LockedGrantStore grants_;
  RecordingSmsSender sms_;
  RecordingAuditLog audit_;
  ActionLinks links_;
  RedeemLink redeemer_;
};

TEST_F(RedeemLinkTest, MintsOneTokenForTheGrantsActionAndAccountThenRedeems) {
  const std::string code = issueCode();
  auto first = redeemer_.redeem(code);
  ASSERT_TRUE(first.ok()) << first.error().toString();
  ASSERT_TRUE(first->redeemed());
  EXPECT_EQ(first->link.userId, "12345678");
  EXPECT_EQ(first->link.action, kActionAddMember);
  const AccessTokenClaims claims = tokens_.claimsOf(first->accessToken);
  EXPECT_EQ(claims.subject, "12345678");
  EXPECT_EQ(claims.scope, kActionAddMember);
  EXPECT_EQ(claims.amr, (std::vector<std::string>{"pin", "sms"}));
  EXPECT_EQ(log_.calls(), (std::vector<std::string>{"issue", "redeem"}));
  EXPECT_EQ(grants_.stateOf(first->link.grantId), GrantState::kRedeemed);

  ASSERT_EQ(audited("link_redeemed"), 1u);
  const auto& fields = audit_.events.back().second;
  EXPECT_EQ(fields, (std::vector<std::pair<std::string, std::string>>{
                        {"grant", std::to_string(first->link.grantId)},
                        {"user_id", "12345678"},
                        {"action", kActionAddMember}}));
}

TEST_F(RedeemLinkTest, AUsedLinkGetsNoSecondToken) {
  const std::string code = issueCode();
  ASSERT_TRUE(redeemer_.redeem(code)->redeemed());
  auto again = redeemer_.redeem(code);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->link.state, LinkState::kUsed);
  EXPECT_TRUE(again->accessToken.empty());
  EXPECT_EQ(tokens_.mintedCount(), 1u);
  EXPECT_EQ(audited("link_redeemed"), 1u);
}

TEST_F(RedeemLinkTest, NothingIsMintedForAnExpiredUnknownOrMalformedLink) {
  const std::string code = issueCode();
  clock_.advance(Seconds(600));  // the last valid instant was 1 ms ago
  auto expired = redeemer_.redeem(code);
  ASSERT_TRUE(expired.ok());
  EXPECT_EQ(expired->link.state, LinkState::kExpired);
  EXPECT_TRUE(expired->accessToken.empty());
  EXPECT_EQ(grants_.stateOf(expired->link.grantId), GrantState::kIssued);

  for (const char* other : {"AAAAAAAAAAAAAAAAAAAAAA", "not a code", ""}) {
    auto unknown = redeemer_.redeem(other);
    ASSERT_TRUE(unknown.ok());
    EXPECT_EQ(unknown->link.state, LinkState::kUnknown) << other;
    EXPECT_TRUE(unknown->accessToken.empty());
  }
  EXPECT_EQ(tokens_.mintedCount(), 0u);
  EXPECT_TRUE(log_.calls().empty());  // neither minted nor redeemed
  EXPECT_EQ(audited("link_redeemed"), 0u);
}

TEST_F(RedeemLinkTest, AMintingFailureLeavesTheLinkUsable) {
  const std::string code = issueCode();
  tokens_.issueError = Error::internal("signing key unreadable");
  auto failed = redeemer_.redeem(code);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code(), ErrorCode::kInternal);
  EXPECT_EQ(log_.count("redeem"), 0u);
  EXPECT_EQ(links_.inspect(code)->state, LinkState::kValid);
  EXPECT_EQ(audited("link_redeemed"), 0u);

  tokens_.issueError.reset();
  auto retried = redeemer_.redeem(code);
  ASSERT_TRUE(retried.ok());
  EXPECT_TRUE(retried->redeemed());
  EXPECT_FALSE(retried->accessToken.empty());
}

TEST_F(RedeemLinkTest, AGrantStoreFailureIsAnErrorAndHandsOutNoToken) {
  const std::string code = issueCode();
  grants_.findError = Error::unavailable("database locked");
  auto unreadable = redeemer_.redeem(code);
  ASSERT_FALSE(unreadable.ok());
  EXPECT_EQ(unreadable.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(tokens_.mintedCount(), 0u);

  grants_.findError.reset();
  grants_.redeemError = Error::unavailable("database locked");
  auto unwritable = redeemer_.redeem(code);
  ASSERT_FALSE(unwritable.ok());  // the token minted for it is dropped with the error
  EXPECT_EQ(unwritable.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(links_.inspect(code)->state, LinkState::kValid);
  EXPECT_EQ(audited("link_redeemed"), 0u);
}

TEST_F(RedeemLinkTest, LosingTheRaceToRedeemGivesNoToken) {
  const std::string code = issueCode();
  // Another request redeems the link while this one is minting its token.
  std::optional<Result<Redemption>> other;
  bool raced = false;
  tokens_.onIssue = [&] {
    if (raced) return;
    raced = true;
    other = redeemer_.redeem(code);
  };
  auto mine = redeemer_.redeem(code);
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ(mine->link.state, LinkState::kUsed);
  EXPECT_TRUE(mine->accessToken.empty());
  ASSERT_TRUE(other && other->ok());
  EXPECT_TRUE((*other)->redeemed());
  EXPECT_FALSE((*other)->accessToken.empty());
  EXPECT_EQ(audited("link_redeemed"), 1u);
}

TEST_F(RedeemLinkTest, ALinkThatExpiresWhileMintingGivesNoToken) {
  const std::string code = issueCode();
  clock_.advance(Seconds(599));
  tokens_.onIssue = [&] { clock_.advance(Seconds(1)); };
  auto late = redeemer_.redeem(code);
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(late->link.state, LinkState::kExpired);
  EXPECT_TRUE(late->accessToken.empty());
  EXPECT_EQ(grants_.stateOf(late->link.grantId), GrantState::kIssued);
  EXPECT_EQ(audited("link_redeemed"), 0u);
}

TEST_F(RedeemLinkTest, ConcurrentRedemptionsGiveExactlyOneToken) {
  constexpr int kThreads = 4;
  for (int round = 0; round < 5; ++round) {
    const std::string code = issueCode();
    // Every request has seen a valid link and minted before any of them redeems.
    Rendezvous allMinted(kThreads);
    tokens_.onIssue = [&] { EXPECT_TRUE(allMinted.arriveAndWait()); };
    std::vector<Result<Redemption>> results(kThreads, Error::internal("not run"));
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] { results[i] = redeemer_.redeem(code); });
    }
    for (auto& t : threads) t.join();

    int winners = 0;
    for (const auto& r : results) {
      ASSERT_TRUE(r.ok()) << r.error().toString();
      if (r->redeemed()) {
        ++winners;
        EXPECT_FALSE(r->accessToken.empty());
      } else {
        EXPECT_EQ(r->link.state, LinkState::kUsed);
        EXPECT_TRUE(r->accessToken.empty());
      }
    }
    EXPECT_EQ(winners, 1) << "round " << round;
  }
  EXPECT_EQ(audited("link_redeemed"), 5u);
}

}  // namespace
}  // namespace callgate
