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
  EXPECT_EQ(spokenDigits("12a4"), std::nullopt);
  EXPECT_EQ(spokenDigits(std::string(2000, '1')), std::nullopt);
}

TEST(SpokenDigitsTest, TeensAndTens) {
  EXPECT_EQ(spokenDigits("nineteen"), "19");
  EXPECT_EQ(spokenDigits("ten"), "10");
  EXPECT_EQ(spokenDigits("eleven twelve"), "1112");
  EXPECT_EQ(spokenDigits("forty"), "40");
  EXPECT_EQ(spokenDigits("twenty one"), "21");
  EXPECT_EQ(spokenDigits("Twenty-One"), "21");
  EXPECT_EQ(spokenDigits("ninety nine"), "99");
  EXPECT_EQ(spokenDigits("seventy seven thirty three"), "7733");
}

TEST(SpokenDigitsTest, PiecesThatDoNotJoinAreWrittenOneAfterTheOther) {
  EXPECT_EQ(spokenDigits("twenty twenty"), "2020");
  EXPECT_EQ(spokenDigits("nineteen eighty four"), "1984");
  EXPECT_EQ(spokenDigits("one twenty"), "120");
  EXPECT_EQ(spokenDigits("twenty one twenty one"), "2121");
  EXPECT_EQ(spokenDigits("ten one"), "101");
  EXPECT_EQ(spokenDigits("twenty one five"), "215");  // a ten takes one unit only
  EXPECT_EQ(spokenDigits("one two three four five six seven eight"), "12345678");
  EXPECT_EQ(spokenDigits("five fifty five"), "555");
  EXPECT_EQ(spokenDigits("twenty 1"), "201");  // numerals never join words
  EXPECT_EQ(spokenDigits("12 thirty four"), "1234");
}

TEST(SpokenDigitsTest, ZeroWordsNeverJoinATen) {
  EXPECT_EQ(spokenDigits("twenty oh one"), "2001");
  EXPECT_EQ(spokenDigits("twenty zero"), "200");
  EXPECT_EQ(spokenDigits("oh twenty"), "020");
  EXPECT_EQ(spokenDigits("five hundred oh six"), "50006");
}

TEST(SpokenDigitsTest, Hundreds) {
  EXPECT_EQ(spokenDigits("one hundred"), "100");
  EXPECT_EQ(spokenDigits("a hundred"), "100");
  EXPECT_EQ(spokenDigits("five hundred and six"), "506");
  EXPECT_EQ(spokenDigits("five hundred six"), "506");
  EXPECT_EQ(spokenDigits("five hundred sixty"), "560");
  EXPECT_EQ(spokenDigits("five hundred twenty one"), "521");
  EXPECT_EQ(spokenDigits("nine hundred and nineteen"), "919");
  EXPECT_EQ(spokenDigits("nineteen hundred"), "1900");
  EXPECT_EQ(spokenDigits("twenty one hundred"), "2100");
  EXPECT_EQ(spokenDigits("one two hundred"), "1200");
  EXPECT_EQ(spokenDigits("five hundred six seven"), "5067");
}

TEST(SpokenDigitsTest, Thousands) {
  EXPECT_EQ(spokenDigits("two thousand"), "2000");
  EXPECT_EQ(spokenDigits("a thousand"), "1000");
  EXPECT_EQ(spokenDigits("two thousand and five"), "2005");
  EXPECT_EQ(spokenDigits("two thousand twenty four"), "2024");
  EXPECT_EQ(spokenDigits("two thousand five hundred"), "2500");
  EXPECT_EQ(spokenDigits("two thousand five hundred and six"), "2506");
  EXPECT_EQ(spokenDigits("two thousand and five hundred"), "2500");
  EXPECT_EQ(spokenDigits("ten thousand"), "10000");
  EXPECT_EQ(spokenDigits("twenty one thousand"), "21000");
  EXPECT_EQ(spokenDigits("five hundred thousand"), "500000");
  EXPECT_EQ(spokenDigits("nine hundred ninety nine thousand nine hundred ninety nine"), "999999");
  EXPECT_EQ(spokenDigits("one thousand two hundred thirty four"), "1234");
  EXPECT_EQ(spokenDigits("two thousand twenty twenty"), "202020");
  EXPECT_EQ(spokenDigits("one two thousand"), "12000");
}

TEST(SpokenDigitsTest, NumberWordsMixWithDigitsDoubleAndFillers) {
  EXPECT_EQ(spokenDigits("double oh seven"), "007");
  EXPECT_EQ(spokenDigits("twenty double five"), "2055");
  EXPECT_EQ(spokenDigits("twenty um one"), "21");
  EXPECT_EQ(spokenDigits("five hundred uh and six"), "506");
  EXPECT_EQ(spokenDigits("Nineteen, Eighty-Four."), "1984");
}

TEST(SpokenDigitsTest, MisusedNumberWordsAreRefused) {
  EXPECT_EQ(spokenDigits("hundred"), std::nullopt);
  EXPECT_EQ(spokenDigits("thousand"), std::nullopt);
  EXPECT_EQ(spokenDigits("hundred and five"), std::nullopt);
  EXPECT_EQ(spokenDigits("and"), std::nullopt);
  EXPECT_EQ(spokenDigits("one and two"), std::nullopt);
  EXPECT_EQ(spokenDigits("five hundred and"), std::nullopt);
  EXPECT_EQ(spokenDigits("five hundred and oh six"), std::nullopt);
  EXPECT_EQ(spokenDigits("five hundred and and six"), std::nullopt);
  EXPECT_EQ(spokenDigits("a"), std::nullopt);
  EXPECT_EQ(spokenDigits("a one"), std::nullopt);
  EXPECT_EQ(spokenDigits("one hundred hundred"), std::nullopt);
  EXPECT_EQ(spokenDigits("five hundred six hundred"), std::nullopt);
  EXPECT_EQ(spokenDigits("one hundred one hundred"), std::nullopt);  // "101", then a lone hundred
  EXPECT_EQ(spokenDigits("one thousand thousand"), std::nullopt);
  EXPECT_EQ(spokenDigits("two thousand twenty one hundred"), std::nullopt);
  EXPECT_EQ(spokenDigits("twelve hundred thousand"), std::nullopt);
  EXPECT_EQ(spokenDigits("oh hundred"), std::nullopt);
  EXPECT_EQ(spokenDigits("5 hundred"), std::nullopt);
  EXPECT_EQ(spokenDigits("double one hundred"), std::nullopt);
  EXPECT_EQ(spokenDigits("double twenty"), std::nullopt);
  EXPECT_EQ(spokenDigits("double hundred"), std::nullopt);
  EXPECT_EQ(spokenDigits("one million"), std::nullopt);
  EXPECT_EQ(spokenDigits("twenty first"), std::nullopt);
  EXPECT_EQ(spokenDigits("fourty"), std::nullopt);
  EXPECT_EQ(spokenDigits("yes"), std::nullopt);
}

TEST(SpokenDigitsTest, BoundedOnHostileInput) {
  std::string many;
  for (int i = 0; i < 100; ++i) many += "nine ";  // 500 bytes
  EXPECT_EQ(spokenDigits(many), std::string(100, '9'));
  std::string thousands;
  while (thousands.size() < 1000) thousands += "a thousand ";
  EXPECT_EQ(thousands.size() <= 1024, true);
  EXPECT_EQ(spokenDigits(thousands)->size(), thousands.size() / 11 * 4);
  EXPECT_EQ(spokenDigits(std::string(1025, ' ')), std::nullopt);
  EXPECT_EQ(spokenDigits(std::string(1024, '-')), std::nullopt);
  EXPECT_EQ(spokenDigits(std::string("one\0two", 7)), std::nullopt);
  EXPECT_EQ(spokenDigits("\xff\xfe one"), std::nullopt);
}

TEST(SpokenYesNoTest, Yes) {
  for (const char* yes : {"yes", "Yeah", "yep", "yup", "correct", "right", "that's right",
                          "That is right.", "that's correct", "one", "1", "yes, that's right",
                          "uh yes", "yes yes", "Yes!", "that\xE2\x80\x99s right"}) {
    EXPECT_EQ(spokenYesNo(yes), std::optional<bool>(true)) << yes;
  }
}

TEST(SpokenYesNoTest, No) {
  for (const char* no :
       {"no", "Nope", "wrong", "incorrect", "two", "2", "not right", "that's not right",
        "that is not correct", "no that's wrong", "no no", "um no"}) {
    EXPECT_EQ(spokenYesNo(no), std::optional<bool>(false)) << no;
  }
}

TEST(SpokenYesNoTest, AnythingElseIsNoAnswer) {
  for (const char* other :
       {"", "   ", "um", "maybe", "yes no", "one two", "that's", "that is", "not", "not sure",
        "not yes", "three", "1234", "yes please", "right now", "yesno", "it is what it is"}) {
    EXPECT_EQ(spokenYesNo(other), std::nullopt) << other;
  }
  EXPECT_EQ(spokenYesNo(std::string(2000, 'y')), std::nullopt);
  std::string longYes;
  while (longYes.size() < 1020) longYes += "yes ";
  EXPECT_EQ(spokenYesNo(longYes), std::optional<bool>(true));
  EXPECT_EQ(spokenYesNo(longYes + "yes yes"), std::nullopt);  // over the bound
}

}  // namespace
}  // namespace callgate
