// The strict application/x-www-form-urlencoded parser.

#include "common/form.h"

#include <gtest/gtest.h>

namespace callgate::http {
namespace {

TEST(FormTest, DecodesPlusAndPercentEscapes) {
  auto f = parseForm("token=abc.def-_~&name=Ada+Lovelace&note=50%25+off%21&utf8=%C3%A9");
  ASSERT_TRUE(f.ok()) << f.error().toString();
  EXPECT_EQ(f->at("token"), "abc.def-_~");
  EXPECT_EQ(f->at("name"), "Ada Lovelace");
  EXPECT_EQ(f->at("note"), "50% off!");
  EXPECT_EQ(f->at("utf8"), "\xC3\xA9");
}

TEST(FormTest, EmptyBodiesPiecesAndValues) {
  auto f = parseForm("");
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->empty());
  f = parseForm("a=1&&b=&c&");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->size(), 3u);
  EXPECT_EQ(f->at("a"), "1");
  EXPECT_EQ(f->at("b"), "");
  EXPECT_EQ(f->at("c"), "");
  f = parseForm("k=a=b");  // only the first '=' separates
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->at("k"), "a=b");
}

TEST(FormTest, MalformedEscapesAreErrors) {
  for (const char* body : {"a=%", "a=%4", "a=%zz", "a=%4g", "a=1&b=%%", "%=1", "a%2=1"}) {
    SCOPED_TRACE(body);
    auto f = parseForm(body);
    ASSERT_FALSE(f.ok());
    EXPECT_EQ(f.error().code(), ErrorCode::kInvalidArgument);
  }
}

TEST(FormTest, RefusesRepeatsEmptyNamesNulAndBadUtf8) {
  EXPECT_FALSE(parseForm("token=a&token=b").ok());
  EXPECT_FALSE(parseForm("=x").ok());
  EXPECT_FALSE(parseForm("a=%00").ok());
  EXPECT_FALSE(parseForm("a=%C3").ok());        // truncated sequence
  EXPECT_FALSE(parseForm("a=%C0%AF").ok());     // overlong
  EXPECT_FALSE(parseForm("a=%ED%A0%80").ok());  // surrogate
  // The message names the field but never the value.
  auto f = parseForm("secret=%zzhunter2");
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.error().message().find("secret"), std::string::npos);
  EXPECT_EQ(f.error().message().find("hunter2"), std::string::npos);
}

TEST(FormTest, LimitsTheNumberOfFields) {
  std::string body;
  for (size_t i = 0; i <= kMaxFormFields; ++i) body += "f" + std::to_string(i) + "=1&";
  EXPECT_FALSE(parseForm(body).ok());
}

TEST(FormTest, EncodeRoundTrips) {
  const std::string text = "Ada Lovelace & co = 100% \xC3\xA9/?";
  std::string decoded;
  ASSERT_TRUE(formDecode(percentEncode(text), decoded));
  EXPECT_EQ(decoded, text);
  EXPECT_EQ(percentEncode("a b&c~"), "a%20b%26c~");
  EXPECT_EQ(formEncode({{"To", "+1 415"}, {"Body", "a&b"}}), "To=%2B1%20415&Body=a%26b");
}

TEST(FormTest, RecognisesTheContentType) {
  EXPECT_TRUE(isFormContentType("application/x-www-form-urlencoded"));
  EXPECT_TRUE(isFormContentType("Application/X-WWW-Form-Urlencoded; charset=UTF-8"));
  EXPECT_FALSE(isFormContentType("application/json"));
  EXPECT_FALSE(isFormContentType(""));
  EXPECT_FALSE(isFormContentType("application/x-www-form-urlencodedx"));
}

TEST(FormPairsTest, PercentEncodesAllButUnreserved) {
  EXPECT_EQ(percentEncode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(percentEncode("+1 415/é&=%"), "%2B1%20415%2F%C3%A9%26%3D%25");
  EXPECT_EQ(formEncode({{"To", "+14155550123"}, {"Body", "a b"}}), "To=%2B14155550123&Body=a%20b");
}

TEST(FormPairsTest, ParsesAndRoundTrips) {
  auto p = parseFormPairs("a=1&b=x+y&c=%2B1&&d&a=2");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p, (Params{{"a", "1"}, {"b", "x y"}, {"c", "+1"}, {"d", ""}, {"a", "2"}}));
  EXPECT_EQ(findParam(*p, "a"), "1");
  EXPECT_EQ(findParam(*p, "z"), std::nullopt);
  const Params original{{"k", "v &=+%\n"}, {"é", ""}};
  EXPECT_EQ(*parseFormPairs(formEncode(original)), original);
  EXPECT_TRUE(parseFormPairs("").ok());
}

TEST(FormPairsTest, RejectsBrokenEscapes) {
  EXPECT_FALSE(parseFormPairs("a=%2").ok());
  EXPECT_FALSE(parseFormPairs("a=%zz").ok());
  EXPECT_FALSE(parseFormPairs("a=%").ok());
}

}  // namespace
}  // namespace callgate::http
