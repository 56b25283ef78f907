#include "core/phone.h"

#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <optional>

namespace callgate {

namespace pn = i18n::phonenumbers;

namespace {

// Canonical E.164 text that is a valid number comes back unchanged from Parse+Format, but Parse
// costs ~16 µs of regular expressions. For such text we build the PhoneNumber directly (country
// code, national number, leading zeros as Parse sets them) and only ask IsValidNumber. Anything
// this cannot settle (no country code, a national number starting with the national prefix, which
// Parse might strip, not valid, not round-tripping) returns nullopt and takes the full path.
std::optional<std::string> canonicalIfValid(std::string_view text) {
  const pn::PhoneNumberUtil* util = pn::PhoneNumberUtil::GetInstance();
  const std::string_view digits = text.substr(1);
  for (size_t ccLength = 1; ccLength <= 3 && ccLength < digits.size(); ++ccLength) {
    int countryCode = 0;
    for (char c : digits.substr(0, ccLength)) countryCode = countryCode * 10 + (c - '0');
    std::string region;
    util->GetRegionCodeForCountryCode(countryCode, &region);
    if (region == "ZZ") continue;  // calling codes are prefix-free: at most one length matches
    const std::string national(digits.substr(ccLength));
    std::string nationalPrefix;
    util->GetNddPrefixForRegion(region, /*strip_non_digits=*/true, &nationalPrefix);
    if (!nationalPrefix.empty() && national.rfind(nationalPrefix, 0) == 0) return std::nullopt;
    pn::PhoneNumber number;
    number.set_country_code(countryCode);
    number.set_national_number(std::stoull(national));
    if (national.size() > 1 && national[0] == '0') {
      number.set_italian_leading_zero(true);
      int zeros = 1;
      while (static_cast<size_t>(zeros) < national.size() - 1 &&
             national[static_cast<size_t>(zeros)] == '0')
        ++zeros;
      if (zeros != 1) number.set_number_of_leading_zeros(zeros);
    }
    if (!util->IsValidNumber(number)) return std::nullopt;
    std::string out;
    util->Format(number, pn::PhoneNumberUtil::E164, &out);
    if (out != text) return std::nullopt;
    return out;
  }
  return std::nullopt;
}

}  // namespace

Result<std::string> normalizeE164(std::string_view input, std::string_view defaultRegion) {
  if (looksLikeE164(input)) {
    if (auto canonical = canonicalIfValid(input)) return *canonical;
  }
  std::string text(input);
  if (text.rfind("tel:", 0) == 0) text.erase(0, 4);
  if (text.empty()) return Error::invalidArgument("phone number is empty");
  if (text.size() > 64) return Error::invalidArgument("phone number is too long");
  if (!std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= '0' && c <= '9') || c == '+' || c == ' ' || c == '-' || c == '(' || c == ')' ||
               c == '.';
      })) {
    return Error::invalidArgument(
        "phone number has characters other than digits, +, space, -, ( ) .");
  }
  const pn::PhoneNumberUtil* util = pn::PhoneNumberUtil::GetInstance();
  pn::PhoneNumber number;
  const std::string region = defaultRegion.empty() ? "ZZ" : std::string(defaultRegion);
  const auto err = util->Parse(text, region, &number);
  switch (err) {
    case pn::PhoneNumberUtil::NO_PARSING_ERROR:
      break;
    case pn::PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR:
      return Error::invalidArgument("phone number has no valid country code (use +<country code>)");
    case pn::PhoneNumberUtil::TOO_SHORT_NSN:
    case pn::PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
      return Error::invalidArgument("phone number is too short");
    case pn::PhoneNumberUtil::TOO_LONG_NSN:
      return Error::invalidArgument("phone number is too long");
    default:
      return Error::invalidArgument("not a phone number");
  }
  if (!util->IsValidNumber(number)) {
    return Error::invalidArgument("phone number is not valid for its country");
  }
  std::string out;
  util->Format(number, pn::PhoneNumberUtil::E164, &out);
  return out;
}

Result<E164> E164::parse(std::string_view input, std::string_view defaultRegion) {
  auto text = normalizeE164(input, defaultRegion);
  if (!text.ok()) return text.error();
  return E164(std::move(text).value());
}

bool looksLikeE164(std::string_view text) {
  if (text.size() < 8 || text.size() > 16 || text[0] != '+' || text[1] == '0') return false;
  return std::all_of(text.begin() + 1, text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

namespace {

constexpr std::pair<PhoneType, std::string_view> kPhoneTypeNames[] = {
    {PhoneType::kFixedLine, "fixed_line"},
    {PhoneType::kMobile, "mobile"},
    {PhoneType::kFixedLineOrMobile, "fixed_line_or_mobile"},
    {PhoneType::kTollFree, "toll_free"},
    {PhoneType::kPremiumRate, "premium_rate"},
    {PhoneType::kSharedCost, "shared_cost"},
    {PhoneType::kVoip, "voip"},
    {PhoneType::kPersonalNumber, "personal_number"},
    {PhoneType::kPager, "pager"},
    {PhoneType::kUan, "uan"},
    {PhoneType::kVoicemail, "voicemail"},
    {PhoneType::kUnknown, "unknown"},
};

std::optional<pn::PhoneNumber> parseE164(std::string_view e164) {
  if (!looksLikeE164(e164)) return std::nullopt;
  pn::PhoneNumber number;
  if (pn::PhoneNumberUtil::GetInstance()->Parse(std::string(e164), "ZZ", &number) !=
      pn::PhoneNumberUtil::NO_PARSING_ERROR) {
    return std::nullopt;
  }
  return number;
}

}  // namespace

std::string_view phoneTypeName(PhoneType type) {
  for (const auto& [t, name] : kPhoneTypeNames) {
    if (t == type) return name;
  }
  return "unknown";
}

std::optional<PhoneType> parsePhoneType(std::string_view name) {
  for (const auto& [t, n] : kPhoneTypeNames) {
    if (n == name) return t;
  }
  return std::nullopt;
}

PhoneType phoneTypeOf(std::string_view e164) {
  const auto number = parseE164(e164);
  if (!number) return PhoneType::kUnknown;
  switch (pn::PhoneNumberUtil::GetInstance()->GetNumberType(*number)) {
    case pn::PhoneNumberUtil::FIXED_LINE:
      return PhoneType::kFixedLine;
    case pn::PhoneNumberUtil::MOBILE:
      return PhoneType::kMobile;
    case pn::PhoneNumberUtil::FIXED_LINE_OR_MOBILE:
      return PhoneType::kFixedLineOrMobile;
    case pn::PhoneNumberUtil::TOLL_FREE:
      return PhoneType::kTollFree;
    case pn::PhoneNumberUtil::PREMIUM_RATE:
      return PhoneType::kPremiumRate;
    case pn::PhoneNumberUtil::SHARED_COST:
      return PhoneType::kSharedCost;
    case pn::PhoneNumberUtil::VOIP:
      return PhoneType::kVoip;
    case pn::PhoneNumberUtil::PERSONAL_NUMBER:
      return PhoneType::kPersonalNumber;
    case pn::PhoneNumberUtil::PAGER:
      return PhoneType::kPager;
    case pn::PhoneNumberUtil::UAN:
      return PhoneType::kUan;
    case pn::PhoneNumberUtil::VOICEMAIL:
      return PhoneType::kVoicemail;
    default:
      return PhoneType::kUnknown;
  }
}

std::string regionOf(std::string_view e164) {
  const auto number = parseE164(e164);
  if (!number) return "";
  std::string region;
  pn::PhoneNumberUtil::GetInstance()->GetRegionCodeForNumber(*number, &region);
  return region == "ZZ" || region == "001" ? "" : region;
}

std::string callingCodeOf(std::string_view e164) {
  const auto number = parseE164(e164);
  if (!number) return "";
  return "+" + std::to_string(number->country_code());
}

std::string maskPhone(std::string_view e164) {
  if (e164.size() < 8) return std::string(e164.size(), '*');
  std::string out(e164);
  const size_t keepHead = 5;  // "+1415", "+4420"
  for (size_t i = keepHead; i + 2 < out.size(); ++i) out[i] = '*';
  return out;
}

}  // namespace callgate
