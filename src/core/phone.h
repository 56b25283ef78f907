// Phone numbers: parsing to E.164 with libphonenumber, the E164 value type, and masking for logs.
// Thread-safe: libphonenumber's PhoneNumberUtil is a thread-safe singleton; E164 is an immutable
// value.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/result.h"

namespace callgate {

// Parses `input` ("+1 415 555 2671", "(415) 555-2671" with region "US", "tel:+14155552671")
// and returns it in E.164 ("+14155552671"). Numbers that libphonenumber does not consider
// valid for their region are rejected with kInvalidArgument naming the problem.
Result<std::string> normalizeE164(std::string_view input, std::string_view defaultRegion = "");

// True when `text` has the shape of an E.164 number ("+" then 7 to 15 digits, no leading 0).
// A cheap syntactic check, not validation: use it to find numbers that need no normalising.
bool looksLikeE164(std::string_view text);

// "+14155552671" -> "+1415*****71": keeps the country code/area and the last two digits so logs
// can be correlated without holding a full number.
std::string maskPhone(std::string_view e164);

// What libphonenumber says a number is, from its metadata (the number's range, not who holds
// it). kUnknown for a number it cannot place.
enum class PhoneType {
  kFixedLine,
  kMobile,
  kFixedLineOrMobile,
  kTollFree,
  kPremiumRate,
  kSharedCost,
  kVoip,
  kPersonalNumber,
  kPager,
  kUan,
  kVoicemail,
  kUnknown,
};

// "fixed_line", "mobile", "fixed_line_or_mobile", "toll_free", "premium_rate", "shared_cost",
// "voip", "personal_number", "pager", "uan", "voicemail", "unknown".
std::string_view phoneTypeName(PhoneType type);
std::optional<PhoneType> parsePhoneType(std::string_view name);

// The type of an E.164 number; kUnknown when it does not parse.
PhoneType phoneTypeOf(std::string_view e164);

// The ISO 3166-1 alpha-2 region of an E.164 number ("US", "CA", "GB"), from the number's range
// where its calling code is shared (+1: US, CA, ...); "" when it has none (unparseable, or a
// non-geographic number such as +800).
std::string regionOf(std::string_view e164);

// The country calling code of an E.164 number ("+1", "+44"); "" when it has none.
std::string callingCodeOf(std::string_view e164);

// A phone number known to be a valid E.164 number ("+14155552671"). parse() is the only way to
// make one, so code that takes an E164 never holds an unchecked or unnormalised number (what a
// caller, a CSV or a flow typed). Cheap to copy; compares and orders by its text.
class E164 {
 public:
  // normalizeE164(): the same inputs, the same errors.
  static Result<E164> parse(std::string_view input, std::string_view defaultRegion = "");

  const std::string& str() const { return text_; }
  // maskPhone() of the number: the only form of it that may reach a log line.
  std::string masked() const { return maskPhone(text_); }

  bool operator==(const E164&) const = default;
  std::strong_ordering operator<=>(const E164&) const = default;

 private:
  explicit E164(std::string text) : text_(std::move(text)) {}
  std::string text_;
};

}  // namespace callgate
