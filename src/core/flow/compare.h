// The condition operators of the flow language (Compare, GetParticipantInput, Loop conditions) and
// their evaluation. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string_view>

namespace callgate::flow {

enum class CompareOperator {
  kEquals,
  kTextStartsWith,
  kTextEndsWith,
  kTextContains,
  kNumberGreaterThan,
  kNumberGreaterOrEqualTo,
  kNumberLessThan,
  kNumberLessOrEqualTo,
};

std::optional<CompareOperator> parseCompareOperator(std::string_view name);
std::string_view compareOperatorName(CompareOperator op);
// Short form for diagrams: "=", "starts with", ">=", ...
std::string_view compareOperatorSymbol(CompareOperator op);
bool isNumericOperator(CompareOperator op);

// A finite decimal number ("8", "-2.5", " 1e3 "); nullopt for anything else, including "", "inf",
// "nan" and hex. Surrounding spaces and one leading '+' are allowed, as people write them.
std::optional<double> parseNumber(std::string_view text);

// value <op> operand. Text operators compare bytes exactly (case-sensitive); numeric operators are
// false when either side is not a number.
bool evaluateCondition(CompareOperator op, std::string_view value, std::string_view operand);

}  // namespace callgate::flow
