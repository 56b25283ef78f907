#include "core/action_grant.h"

#include <gtest/gtest.h>

#include <set>

#include "fakes/fakes.h"

namespace callgate {
namespace {

TEST(ActionGrantTest, Base64UrlMatchesRfc4648Vectors) {
  auto enc = [](const std::string& s) {
    return base64UrlEncode(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  };
  EXPECT_EQ(enc(""), "");
  EXPECT_EQ(enc("f"), "Zg");
  EXPECT_EQ(enc("fo"), "Zm8");
  EXPECT_EQ(enc("foo"), "Zm9v");
  EXPECT_EQ(enc("foob"), "Zm9vYg");
  EXPECT_EQ(enc("fooba"), "Zm9vYmE");
  EXPECT_EQ(enc("foobar"), "Zm9vYmFy");
  const uint8_t urlsafe[] = {0xFB, 0xFF, 0xBF};
  EXPECT_EQ(base64UrlEncode(urlsafe, 3), "-_-_");
}

TEST(ActionGrantTest, LinkCodesAre22Base64UrlCharactersFromTheRandomPort) {
  testing::FakeRandom random;
  const std::string a = generateLinkCode(random);
  const std::string b = generateLinkCode(random);
  EXPECT_EQ(a.size(), kLinkCodeChars);
  EXPECT_NE(a, b);
  EXPECT_TRUE(isWellFormedLinkCode(a));
  EXPECT_TRUE(isWellFormedLinkCode(b));
}

TEST(ActionGrantTest, MalformedCodesAreRecognised) {
  EXPECT_FALSE(isWellFormedLinkCode(""));
  EXPECT_FALSE(isWellFormedLinkCode("QkJCQkJCQkJCQkJCQkJCQg="));  // padding
  EXPECT_FALSE(isWellFormedLinkCode("QkJCQkJCQkJCQkJCQkJCQ"));    // 21
  EXPECT_FALSE(isWellFormedLinkCode("QkJCQkJCQkJCQkJCQkJCQgA"));  // 23
  EXPECT_FALSE(isWellFormedLinkCode("QkJCQkJCQkJCQkJCQkJC+g"));   // '+' is not base64url
  EXPECT_FALSE(isWellFormedLinkCode("QkJCQkJCQkJCQkJCQkJCQh"));   // low bits set: not 16 bytes
  EXPECT_TRUE(isWellFormedLinkCode("QkJCQkJCQkJCQkJCQkJCQg"));
}

TEST(ActionGrantTest, DescribesKnownActionsOnly) {
  EXPECT_EQ(describeAction(kActionAddMember), "add a member to your account");
  EXPECT_TRUE(isKnownAction("account:add_member"));
  EXPECT_FALSE(isKnownAction("account:delete"));
  EXPECT_FALSE(isKnownAction(""));
}

TEST(ActionGrantTest, ExpiryIsExclusiveAndStatesRoundTrip) {
  Grant g;
  g.expiresAt = fromUnixMillis(1000);
  EXPECT_FALSE(isGrantExpired(g, fromUnixMillis(999)));
  EXPECT_TRUE(isGrantExpired(g, fromUnixMillis(1000)));
  for (GrantState s : {GrantState::kIssued, GrantState::kRedeemed}) {
    GrantState back = GrantState::kIssued;
    ASSERT_TRUE(parseGrantState(grantStateName(s), &back));
    EXPECT_EQ(back, s);
  }
  GrantState unused = GrantState::kIssued;
  EXPECT_FALSE(parseGrantState("used", &unused));
  EXPECT_EQ(linkHashInput("abc"), "link:abc");
}

TEST(PinPolicyTest, ShapesOfUserIdsAndPins) {
  EXPECT_TRUE(isWellFormedUserId("1234"));
  EXPECT_TRUE(isWellFormedUserId("1234567890"));
  EXPECT_FALSE(isWellFormedUserId("123"));
  EXPECT_FALSE(isWellFormedUserId("12345678901"));
  EXPECT_FALSE(isWellFormedUserId("12a4"));
  EXPECT_FALSE(isWellFormedUserId(" 1234"));
  EXPECT_TRUE(isWellFormedPin("0000"));
  EXPECT_TRUE(isWellFormedPin("12345678"));
  EXPECT_FALSE(isWellFormedPin("123"));
  EXPECT_FALSE(isWellFormedPin("123456789"));
  EXPECT_FALSE(isWellFormedPin("12#4"));
  EXPECT_FALSE(isWellFormedPin(""));
}

}  // namespace
}  // namespace callgate
