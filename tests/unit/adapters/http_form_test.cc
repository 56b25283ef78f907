#include <gtest/gtest.h>

#include "adapters/http/form.h"

namespace callgate::http {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST(FormTest, DecodesPairsInOrderKeepingRepeats) {
  auto p =
      parseFormPairs("CallSid=CA123&From=%2B14155550100&Digits=5678&Digits=1234&Speech=one+two");
  ASSERT_TRUE(p.ok()) << p.error().message();
  EXPECT_EQ(*p, (Pairs{{"CallSid", "CA123"},
                       {"From", "+14155550100"},
                       {"Digits", "5678"},
                       {"Digits", "1234"},
                       {"Speech", "one two"}}));
}

TEST(FormTest, EmptySegmentsAndBareNames) {
  auto p = parseFormPairs("a=1&&b&c=&=v");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p, (Pairs{{"a", "1"}, {"b", ""}, {"c", ""}, {"", "v"}}));
  auto empty = parseFormPairs("");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(FormTest, DecodesUtf8AndReservedCharacters) {
  auto p = parseFormPairs("name=Ren%C3%A9e%20%26%20co&eq=a%3Db");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p, (Pairs{{"name",
                        "Ren\xC3\xA9"
                        "e & co"},
                       {"eq", "a=b"}}));
}

TEST(FormTest, RejectsMalformedEscapesAndNul) {
  for (const char* bad : {"a=%", "a=%4", "a=%zz", "a%g1=1", "a=%00"}) {
    EXPECT_FALSE(parseFormPairs(bad).ok()) << bad;
  }
}

TEST(FormTest, RejectsTooManyPairs) {
  std::string body;
  for (int i = 0; i < 1001; ++i) body += "a=1&";
  EXPECT_FALSE(parseFormPairs(body).ok());
}

}  // namespace
}  // namespace callgate::http
