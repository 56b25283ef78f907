#include "core/phone.h"

#include <phonenumbers/phonenumberutil.h>

#include <algorithm>

namespace callgate {

namespace pn = i18n::phonenumbers;

Result<std::string> normalizeE164(std::string_view input, std::string_view defaultRegion) {
  std::string text(input);
  if (text.rfind("tel:", 0) == 0) text.erase(0, 4);
  if (text.empty()) return Error::invalidArgument("phone number is empty");
  if (text.size() > 64) return Error::invalidArgument("phone number is too long");
  if (!std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= '0' && c <= '9') || c == '+' || c == ' ' || c == '-' || c == '(' ||
               c == ')' || c == '.';
      })) {
    return Error::invalidArgument("phone number has characters other than digits, +, space, -, ( ) .");
  }
  const pn::PhoneNumberUtil* util = pn::PhoneNumberUtil::GetInstance();
  pn::PhoneNumber number;
  const std::string region = defaultRegion.empty() ? "ZZ" : std::string(defaultRegion);
  const auto err = util->Parse(text, region, &number);
  switch (err) {
    case pn::PhoneNumberUtil::NO_PARSING_ERROR: break;
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

bool looksLikeE164(std::string_view text) {
  if (text.size() < 8 || text.size() > 16 || text[0] != '+' || text[1] == '0') return false;
  return std::all_of(text.begin() + 1, text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string maskPhone(std::string_view e164) {
  if (e164.size() < 8) return std::string(e164.size(), '*');
  std::string out(e164);
  const size_t keepHead = 5;  // "+1415", "+4420"
  for (size_t i = keepHead; i + 2 < out.size(); ++i) out[i] = '*';
  return out;
}

}  // namespace callgate
