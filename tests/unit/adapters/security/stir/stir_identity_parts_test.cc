#include <gtest/gtest.h>

#include "adapters/security/stir/identity_parts.h"

namespace callgate::stir {
namespace {

TEST(StirIdentityPartsTest, SplitsTokenAndParameters) {
  auto p = splitIdentityHeader(
      " aGVs.cGF5\r\n bG9hZA.c2ln ;info=<https://c.example/a;b.pem> ; ALG=ES256;ppt=\"shaken\"");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->jwt, "aGVs.cGF5bG9hZA.c2ln");
  ASSERT_EQ(p->segments.size(), 3u);
  EXPECT_EQ(p->segments[1], "cGF5bG9hZA");
  EXPECT_EQ(p->params.at("info"), "https://c.example/a;b.pem");
  EXPECT_EQ(p->params.at("alg"), "ES256");
  EXPECT_EQ(p->params.at("ppt"), "shaken");

  EXPECT_FALSE(splitIdentityHeader("").has_value());
  EXPECT_FALSE(splitIdentityHeader("a.b").has_value());
  EXPECT_FALSE(splitIdentityHeader("a..c").has_value());
  EXPECT_FALSE(splitIdentityHeader("a.b.c.d").has_value());
  EXPECT_FALSE(splitIdentityHeader("a.b+.c").has_value());  // not base64url
  EXPECT_FALSE(splitIdentityHeader("a.b.c;info=<x").has_value());
  EXPECT_FALSE(splitIdentityHeader("a.b.c;info=x;info=y").has_value());
  EXPECT_FALSE(splitIdentityHeader("a.b.c;=x").has_value());
  EXPECT_FALSE(splitIdentityHeader(std::string(kMaxIdentityHeaderBytes + 1, 'a')).has_value());
}

TEST(StirIdentityPartsTest, Base64UrlRoundTrip) {
  const std::string bytes("\xfb\xff\x00{\"a\":1}", 10);
  const std::string text = base64UrlEncode(bytes);
  EXPECT_EQ(text.find_first_of("+/="), std::string::npos);
  EXPECT_EQ(base64UrlDecode(text), bytes);
  EXPECT_EQ(base64UrlDecode("e30"), "{}");
  EXPECT_FALSE(base64UrlDecode("e3=0").has_value());
  EXPECT_FALSE(base64UrlDecode("e3+0").has_value());
}

TEST(StirIdentityPartsTest, TelephoneNumbersAsDigits) {
  EXPECT_EQ(telDigits("+14155550100"), "14155550100");
  EXPECT_EQ(telDigits(" 14155550100 "), "14155550100");
  EXPECT_EQ(telDigits("+1-415-555.0100"), "14155550100");
  EXPECT_EQ(telDigits("+1(415)5550100;verstat=TN-Validation-Passed"), "14155550100");
  EXPECT_EQ(telDigits("anonymous"), "");
  EXPECT_EQ(telDigits("++1415"), "");
  EXPECT_EQ(telDigits(""), "");
  EXPECT_EQ(telDigits("+"), "");
  EXPECT_EQ(telDigits(std::string(21, '1')), "");
}

TEST(StirIdentityPartsTest, FindsVerstatParameters) {
  using V = std::vector<std::string>;
  EXPECT_EQ(findVerstat("<tel:+15617500080;verstat=TN-Validation-Passed>"),
            V{"TN-Validation-Passed"});
  EXPECT_EQ(findVerstat("\"Ada\" <sip:+15617500080;VerStat=No-TN-Validation@h;user=phone>"),
            V{"No-TN-Validation"});
  EXPECT_EQ(findVerstat("<sip:+1@h;user=phone;verstat=TN-Validation-Passed-A>;tag=x"),
            V{"TN-Validation-Passed-A"});
  EXPECT_EQ(findVerstat("<sip:a@h?xverstat=TN-Validation-Passed-A>"), V{});
  EXPECT_EQ(findVerstat("<sip:a@h>, <tel:+1; verstat=TN-Validation-Failed>"),
            V{"TN-Validation-Failed"});
  EXPECT_EQ(findVerstat(""), V{});
}

}  // namespace
}  // namespace callgate::stir
