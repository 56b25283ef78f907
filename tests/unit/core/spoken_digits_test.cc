#include "core/spoken_digits.h"

#include <gtest/gtest.h>

namespace callgate {
namespace {

TEST(SpokenDigitsTest, DigitWordsAndNumerals) {
  EXPECT_EQ(spokenDigits("one two three"), "123");
  EXPECT_EQ(spokenDigits("Five oh five seven"), "5057");
  EXPECT_EQ(spokenDigits("zero nine o"), "090");
  EXPECT_EQ(spokenDigits("1234"), "1234");
  EXPECT_EQ(spokenDigits("1 2 3 4."), "1234");
  EXPECT_EQ(spokenDigits("12 34"), "1234");
  EXPECT_EQ(spokenDigits("one-two-three"), "123");
  EXPECT_EQ(spokenDigits("4, 5, 6!"), "456");
  EXPECT_EQ(spokenDigits("seven 8 nine"), "789");
}

TEST(SpokenDigitsTest, DoubleAndTriple) {
  EXPECT_EQ(spokenDigits("double two three one"), "2231");
  EXPECT_EQ(spokenDigits("triple five"), "555");
  EXPECT_EQ(spokenDigits("one double 0 seven"), "1007");
  EXPECT_EQ(spokenDigits("double 56"), "556");  // applies to the next digit only
  EXPECT_EQ(spokenDigits("double"), std::nullopt);
  EXPECT_EQ(spokenDigits("one double"), std::nullopt);
  EXPECT_EQ(spokenDigits("double triple one"), std::nullopt);
}

TEST(SpokenDigitsTest, FillersAreIgnored) {
  EXPECT_EQ(spokenDigits("uh one two um three"), "123");
  EXPECT_EQ(spokenDigits("um"), std::nullopt);
}

TEST(SpokenDigitsTest, AnythingElseIsNotANumber) {
  EXPECT_EQ(spokenDigits(""), std::nullopt);
  EXPECT_EQ(spokenDigits("   "), std::nullopt);
  EXPECT_EQ(spokenDigits("I don't know"), std::nullopt);
  EXPECT_EQ(spokenDigits("one two buckle my shoe"), std::nullopt);
  EXPECT_EQ(spokenDigits("twenty one"), std::nullopt);  // tens: left to the speech work
  EXPECT_EQ(spokenDigits("12a4"), std::nullopt);
  EXPECT_EQ(spokenDigits(std::string(2000, '1')), std::nullopt);
}

}  // namespace
}  // namespace callgate
