#include "core/flow/compare.h"

#include <array>
#include <charconv>
#include <cmath>
#include <utility>

namespace callgate::flow {
namespace {

struct OperatorInfo {
  CompareOperator op;
  std::string_view name;
  std::string_view symbol;
};

constexpr std::array<OperatorInfo, 8> kOperators{{
    {CompareOperator::kEquals, "Equals", "="},
    {CompareOperator::kTextStartsWith, "TextStartsWith", "starts with"},
    {CompareOperator::kTextEndsWith, "TextEndsWith", "ends with"},
    {CompareOperator::kTextContains, "TextContains", "contains"},
    {CompareOperator::kNumberGreaterThan, "NumberGreaterThan", ">"},
    {CompareOperator::kNumberGreaterOrEqualTo, "NumberGreaterOrEqualTo", ">="},
    {CompareOperator::kNumberLessThan, "NumberLessThan", "<"},
    {CompareOperator::kNumberLessOrEqualTo, "NumberLessOrEqualTo", "<="},
}};

const OperatorInfo& info(CompareOperator op) {
  for (const OperatorInfo& i : kOperators) {
    if (i.op == op) return i;
  }
  return kOperators[0];  // unreachable: every enumerator is in the table
}

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

std::optional<CompareOperator> parseCompareOperator(std::string_view name) {
  for (const OperatorInfo& i : kOperators) {
    if (i.name == name) return i.op;
  }
  return std::nullopt;
}

std::string_view compareOperatorName(CompareOperator op) { return info(op).name; }

std::string_view compareOperatorSymbol(CompareOperator op) { return info(op).symbol; }

bool isNumericOperator(CompareOperator op) {
  return op == CompareOperator::kNumberGreaterThan ||
         op == CompareOperator::kNumberGreaterOrEqualTo || op == CompareOperator::kNumberLessThan ||
         op == CompareOperator::kNumberLessOrEqualTo;
}

std::optional<double> parseNumber(std::string_view text) {
  while (!text.empty() && isSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && isSpace(text.back())) text.remove_suffix(1);
  if (!text.empty() && text.front() == '+') {
    text.remove_prefix(1);
    if (!text.empty() && text.front() == '-') return std::nullopt;
  }
  // from_chars would accept "inf"/"nan"; a number must start with a digit, '-' or '.'.
  if (text.empty()) return std::nullopt;
  char first = text.front() == '-' && text.size() > 1 ? text[1] : text.front();
  if (!((first >= '0' && first <= '9') || first == '.')) return std::nullopt;
  double value = 0;
  auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value, std::chars_format::general);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

bool evaluateCondition(CompareOperator op, std::string_view value, std::string_view operand) {
  switch (op) {
    case CompareOperator::kEquals:
      return value == operand;
    case CompareOperator::kTextStartsWith:
      return value.starts_with(operand);
    case CompareOperator::kTextEndsWith:
      return value.ends_with(operand);
    case CompareOperator::kTextContains:
      return value.find(operand) != std::string_view::npos;
    default:
      break;
  }
  std::optional<double> a = parseNumber(value);
  std::optional<double> b = parseNumber(operand);
  if (!a || !b) return false;
  switch (op) {
    case CompareOperator::kNumberGreaterThan:
      return *a > *b;
    case CompareOperator::kNumberGreaterOrEqualTo:
      return *a >= *b;
    case CompareOperator::kNumberLessThan:
      return *a < *b;
    case CompareOperator::kNumberLessOrEqualTo:
      return *a <= *b;
    default:
      return false;
  }
}

}  // namespace callgate::flow
