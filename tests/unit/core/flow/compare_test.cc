#include "core/flow/compare.h"

#include <gtest/gtest.h>

namespace callgate::flow {
namespace {

TEST(CompareTest, ParsesAllEightOperatorsAndRejectsOthers) {
  for (std::string_view name :
       {"Equals", "TextStartsWith", "TextEndsWith", "TextContains", "NumberGreaterThan",
        "NumberGreaterOrEqualTo", "NumberLessThan", "NumberLessOrEqualTo"}) {
    std::optional<CompareOperator> op = parseCompareOperator(name);
    ASSERT_TRUE(op.has_value()) << name;
    EXPECT_EQ(compareOperatorName(*op), name);
  }
  EXPECT_FALSE(parseCompareOperator("equals").has_value());
  EXPECT_FALSE(parseCompareOperator("Contains").has_value());
  EXPECT_FALSE(parseCompareOperator("").has_value());
}

TEST(CompareTest, EqualsIsExactText) {
  EXPECT_TRUE(evaluateCondition(CompareOperator::kEquals, "Verified", "Verified"));
  EXPECT_FALSE(evaluateCondition(CompareOperator::kEquals, "verified", "Verified"));
  EXPECT_FALSE(evaluateCondition(CompareOperator::kEquals, "08", "8"));
  EXPECT_TRUE(evaluateCondition(CompareOperator::kEquals, "", ""));
}

TEST(CompareTest, TextOperators) {
  EXPECT_TRUE(evaluateCondition(CompareOperator::kTextStartsWith, "+44 20", "+44"));
  EXPECT_FALSE(evaluateCondition(CompareOperator::kTextStartsWith, "+1 44", "+44"));
  EXPECT_TRUE(evaluateCondition(CompareOperator::kTextEndsWith, "file.wav", ".wav"));
  EXPECT_FALSE(evaluateCondition(CompareOperator::kTextEndsWith, "wav.file", ".wav"));
  EXPECT_TRUE(evaluateCondition(CompareOperator::kTextContains, "HTTP 500 error", "500"));
  EXPECT_FALSE(evaluateCondition(CompareOperator::kTextContains, "HTTP 200", "500"));
  EXPECT_TRUE(evaluateCondition(CompareOperator::kTextContains, "anything", ""));
}

TEST(CompareTest, NumberOperators) {
  EXPECT_TRUE(evaluateCondition(CompareOperator::kNumberGreaterThan, "10", "9"));  // not text order
  EXPECT_FALSE(evaluateCondition(CompareOperator::kNumberGreaterThan, "9", "9"));
  EXPECT_TRUE(evaluateCondition(CompareOperator::kNumberGreaterOrEqualTo, "9", "9"));
  EXPECT_FALSE(evaluateCondition(CompareOperator::kNumberGreaterOrEqualTo, "8.99", "9"));
  EXPECT_TRUE(evaluateCondition(CompareOperator::kNumberLessThan, "-1", "0"));
  EXPECT_FALSE(evaluateCondition(CompareOperator::kNumberLessThan, "0", "0"));
  EXPECT_TRUE(evaluateCondition(CompareOperator::kNumberLessOrEqualTo, "2.5", "2.50"));
  EXPECT_FALSE(evaluateCondition(CompareOperator::kNumberLessOrEqualTo, "3", "2"));
}

TEST(CompareTest, NumberOperatorsAreFalseOnNonNumbers) {
  for (CompareOperator op :
       {CompareOperator::kNumberGreaterThan, CompareOperator::kNumberGreaterOrEqualTo,
        CompareOperator::kNumberLessThan, CompareOperator::kNumberLessOrEqualTo}) {
    EXPECT_FALSE(evaluateCondition(op, "", "1"));
    EXPECT_FALSE(evaluateCondition(op, "abc", "1"));
    EXPECT_FALSE(evaluateCondition(op, "1", "abc"));
    EXPECT_FALSE(evaluateCondition(op, "inf", "1"));
    EXPECT_FALSE(evaluateCondition(op, "nan", "nan"));
  }
}

TEST(CompareTest, ParseNumberIsStrict) {
  EXPECT_EQ(parseNumber("8"), 8.0);
  EXPECT_EQ(parseNumber(" 8 "), 8.0);
  EXPECT_EQ(parseNumber("+8"), 8.0);
  EXPECT_EQ(parseNumber("-2.5"), -2.5);
  EXPECT_EQ(parseNumber(".5"), 0.5);
  EXPECT_EQ(parseNumber("1e3"), 1000.0);
  for (std::string_view bad : {"", " ", "-", "+", "+-1", "--1", "1x", "0x10", "inf", "-inf", "nan",
                               "1e999", "1,000", "True"}) {
    EXPECT_FALSE(parseNumber(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace callgate::flow
