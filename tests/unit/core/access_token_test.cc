// The pure claim rules of access tokens, with explicit times (no clock, no sleeping).

#include "core/access_token.h"

#include <gtest/gtest.h>

namespace callgate {
namespace {

const TimePoint kNow = fromUnixMillis(1'800'000'000'000);

AccessTokenClaims goodClaims() {
  AccessTokenClaims c;
  c.issuer = "https://callgate.example";
  c.subject = "12345678";
  c.audience = "callgate-api";
  c.scope = "account:add_member";
  c.jti = "AAAAAAAAAAAAAAAAAAAAAA";
  c.amr = {"pin", "sms"};
  c.issuedAt = kNow;
  c.expiresAt = kNow + Seconds(300);
  return c;
}

TokenPolicy policy() { return TokenPolicy{"https://callgate.example", "callgate-api", Seconds(5)}; }

void expectUnauthenticated(const Status& s, const std::string& fragment) {
  ASSERT_FALSE(s.ok()) << "expected a rejection mentioning " << fragment;
  EXPECT_EQ(s.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_NE(s.error().message().find(fragment), std::string::npos) << s.error().message();
}

TEST(AccessTokenTest, AcceptsAGoodTokenThroughoutItsLifetime) {
  const auto c = goodClaims();
  EXPECT_TRUE(checkTokenClaims(c, policy(), kNow).ok());
  EXPECT_TRUE(checkTokenClaims(c, policy(), kNow + Seconds(299)).ok());
  // Within the leeway either side.
  EXPECT_TRUE(checkTokenClaims(c, policy(), kNow - Seconds(5)).ok());
  EXPECT_TRUE(checkTokenClaims(c, policy(), kNow + Seconds(304)).ok());
}

TEST(AccessTokenTest, RejectsAnExpiredToken) {
  expectUnauthenticated(checkTokenClaims(goodClaims(), policy(), kNow + Seconds(305)), "expired");
  expectUnauthenticated(checkTokenClaims(goodClaims(), policy(), kNow + Seconds(3600)), "expired");
}

TEST(AccessTokenTest, RejectsATokenNotValidYet) {
  expectUnauthenticated(checkTokenClaims(goodClaims(), policy(), kNow - Seconds(6)),
                        "not valid yet");
}

TEST(AccessTokenTest, LeewayIsCappedAtThirtySeconds) {
  TokenPolicy lax = policy();
  lax.leeway = Seconds(3600);
  EXPECT_TRUE(checkTokenClaims(goodClaims(), lax, kNow + Seconds(329)).ok());
  expectUnauthenticated(checkTokenClaims(goodClaims(), lax, kNow + Seconds(330)), "expired");
  expectUnauthenticated(checkTokenClaims(goodClaims(), lax, kNow - Seconds(31)), "not valid yet");
}

TEST(AccessTokenTest, RejectsWrongIssuerAndAudience) {
  auto c = goodClaims();
  c.issuer = "https://evil.example";
  expectUnauthenticated(checkTokenClaims(c, policy(), kNow), "issuer");
  c = goodClaims();
  c.audience = "other-api";
  expectUnauthenticated(checkTokenClaims(c, policy(), kNow), "audience");
}

TEST(AccessTokenTest, RejectsALifetimeOverFiveMinutesOrNegative) {
  auto c = goodClaims();
  c.expiresAt = c.issuedAt + Seconds(301);
  expectUnauthenticated(checkTokenClaims(c, policy(), kNow), "lifetime");
  c.expiresAt = c.issuedAt;
  expectUnauthenticated(checkTokenClaims(c, policy(), kNow), "before it was issued");
}

TEST(AccessTokenTest, RejectsMissingSubjectOrJti) {
  auto c = goodClaims();
  c.subject.clear();
  expectUnauthenticated(checkTokenClaims(c, policy(), kNow), "subject");
  c = goodClaims();
  c.jti.clear();
  expectUnauthenticated(checkTokenClaims(c, policy(), kNow), "jti");
}

TEST(AccessTokenTest, ChecksScopeAndSubject) {
  const auto c = goodClaims();
  EXPECT_TRUE(checkTokenAccess(c, TokenCheck{"account:add_member", std::nullopt}).ok());
  EXPECT_TRUE(checkTokenAccess(c, TokenCheck{"account:add_member", "12345678"}).ok());

  Status s = checkTokenAccess(c, TokenCheck{"account:delete", std::nullopt});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kPermissionDenied);
  s = checkTokenAccess(c, TokenCheck{"account:add_member", "87654321"});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kPermissionDenied);
  // A caller that asks for no scope gets nothing.
  s = checkTokenAccess(c, TokenCheck{"", std::nullopt});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kPermissionDenied);
}

TEST(AccessTokenTest, ScopeMatchingIsByWholeToken) {
  EXPECT_TRUE(scopeIncludes("account:add_member", "account:add_member"));
  EXPECT_TRUE(scopeIncludes("a b account:add_member", "account:add_member"));
  EXPECT_FALSE(scopeIncludes("account:add_member_x", "account:add_member"));
  EXPECT_FALSE(scopeIncludes("account:add", "account:add_member"));
  EXPECT_FALSE(scopeIncludes("", "account:add_member"));
  EXPECT_FALSE(scopeIncludes("a  b", ""));
}

TEST(AccessTokenTest, ScopeTokenSyntax) {
  EXPECT_TRUE(isValidScopeToken("account:add_member"));
  EXPECT_FALSE(isValidScopeToken(""));
  EXPECT_FALSE(isValidScopeToken("two scopes"));
  EXPECT_FALSE(isValidScopeToken("quote\""));
  EXPECT_FALSE(isValidScopeToken("back\\slash"));
  EXPECT_FALSE(isValidScopeToken(std::string(129, 'a')));
}

TEST(AccessTokenTest, ErrorCodesHaveNames) {
  EXPECT_STREQ(errorCodeName(ErrorCode::kUnauthenticated), "unauthenticated");
  EXPECT_STREQ(errorCodeName(ErrorCode::kPermissionDenied), "permission_denied");
  EXPECT_EQ(Error::unauthenticated("x").code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(Error::permissionDenied("x").code(), ErrorCode::kPermissionDenied);
}

}  // namespace
}  // namespace callgate
