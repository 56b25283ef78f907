#include "core/member.h"

#include <algorithm>
#include <chrono>

#include "core/phone.h"

namespace callgate {

namespace {

std::string_view trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// Well-formed UTF-8 without C0/C1 control characters or DEL (RFC 3629: no overlongs, no
// surrogates, nothing above U+10FFFF).
bool isPrintableUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x20 || b == 0x7F) return false;
    if (b < 0x80) {
      ++i;
      continue;
    }
    int extra = 0;
    uint32_t cp = 0;
    if (b >= 0xC2 && b <= 0xDF) {
      extra = 1;
      cp = b & 0x1F;
    } else if (b >= 0xE0 && b <= 0xEF) {
      extra = 2;
      cp = b & 0x0F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      extra = 3;
      cp = b & 0x07;
    } else {
      return false;  // a continuation byte, an overlong lead (C0, C1) or beyond U+10FFFF
    }
    if (i + static_cast<size_t>(extra) >= s.size()) return false;  // truncated sequence
    for (int k = 1; k <= extra; ++k) {
      const auto c = static_cast<unsigned char>(s[i + static_cast<size_t>(k)]);
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    if ((extra == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF))) {
      return false;
    }
    if (cp >= 0x80 && cp <= 0x9F) return false;  // C1 controls
    i += static_cast<size_t>(extra) + 1;
  }
  return true;
}

// "YYYY-MM-DD" with a real calendar date.
bool parseDate(std::string_view s, std::chrono::year_month_day* out) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  int parts[3] = {0, 0, 0};
  const size_t starts[3] = {0, 5, 8};
  const size_t lengths[3] = {4, 2, 2};
  for (int p = 0; p < 3; ++p) {
    for (size_t k = 0; k < lengths[p]; ++k) {
      const char c = s[starts[p] + k];
      if (c < '0' || c > '9') return false;
      parts[p] = parts[p] * 10 + (c - '0');
    }
  }
  const std::chrono::year_month_day ymd{std::chrono::year{parts[0]},
                                        std::chrono::month{static_cast<unsigned>(parts[1])},
                                        std::chrono::day{static_cast<unsigned>(parts[2])}};
  if (!ymd.ok()) return false;
  *out = ymd;
  return true;
}

}  // namespace

const std::vector<std::string>& memberRelationships() {
  static const std::vector<std::string> kRelationships{"spouse", "partner", "child", "parent",
                                                       "other"};
  return kRelationships;
}

Result<MemberInput> validateMemberInput(const MemberInput& input, TimePoint now) {
  MemberInput out;
  const std::string_view name = trim(input.name);
  if (name.empty()) return Error::invalidArgument("name is required");
  if (name.size() > kMemberNameMaxChars) {
    return Error::invalidArgument("name must be at most " + std::to_string(kMemberNameMaxChars) +
                                  " characters");
  }
  if (!isPrintableUtf8(name))
    return Error::invalidArgument("name contains characters that are not allowed");
  out.name = std::string(name);

  const auto& relationships = memberRelationships();
  if (std::find(relationships.begin(), relationships.end(), input.relationship) ==
      relationships.end()) {
    return Error::invalidArgument(
        "relationship must be one of spouse, partner, child, parent, other");
  }
  out.relationship = input.relationship;

  std::chrono::year_month_day dob{};
  if (!parseDate(input.dateOfBirth, &dob)) {
    return Error::invalidArgument("dateOfBirth must be a date written YYYY-MM-DD");
  }
  const auto today = std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(now)};
  if (std::chrono::sys_days{dob} >= std::chrono::sys_days{today}) {
    return Error::invalidArgument("dateOfBirth must be a date in the past");
  }
  // At most 130 years ago: compare (year, month, day) with today's date 130 years back, so that
  // 29 February needs no special case.
  const std::chrono::year oldestYear = today.year() - std::chrono::years{kMemberMaxAgeYears};
  const bool tooOld =
      dob.year() < oldestYear ||
      (dob.year() == oldestYear &&
       (dob.month() < today.month() || (dob.month() == today.month() && dob.day() < today.day())));
  if (tooOld) {
    return Error::invalidArgument("dateOfBirth must be at most " +
                                  std::to_string(kMemberMaxAgeYears) + " years ago");
  }
  out.dateOfBirth = input.dateOfBirth;

  const std::string_view phone = trim(input.phone);
  if (!phone.empty()) {
    auto e164 = normalizeE164(phone);
    if (!e164.ok())
      return Error::invalidArgument("phone is not a valid phone number (use +country code)");
    out.phone = *e164;
  }
  return out;
}

}  // namespace callgate
