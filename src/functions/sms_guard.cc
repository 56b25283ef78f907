#include "functions/sms_guard.h"

#include <algorithm>

namespace callgate {

std::string_view smsRefusalName(SmsRefusal refusal) {
  switch (refusal) {
    case SmsRefusal::kCountry:
      return "country";
    case SmsRefusal::kNumberType:
      return "number_type";
    case SmsRefusal::kBudget:
      return "budget";
  }
  return "country";
}

Result<SmsGuardVerdict> checkSmsGuard(const SmsGuardPolicy& policy, ChallengeStore& challenges,
                                      const std::string& e164, std::string_view dialled,
                                      TimePoint now) {
  const PhoneType type = phoneTypeOf(e164);
  if (std::find(policy.refusedTypes.begin(), policy.refusedTypes.end(), type) !=
      policy.refusedTypes.end()) {
    return SmsGuardVerdict{SmsRefusal::kNumberType, std::string(phoneTypeName(type))};
  }

  const std::string region = regionOf(e164);
  std::vector<std::string> allowed = policy.allowedCountries;
  if (allowed.empty() && !dialled.empty()) {
    // The dialled number as the channel gave it; one that does not parse tells us nothing.
    if (auto number = normalizeE164(dialled); number.ok()) {
      if (std::string home = regionOf(*number); !home.empty()) allowed.push_back(home);
    }
  }
  if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), region) == allowed.end()) {
    return SmsGuardVerdict{SmsRefusal::kCountry, region.empty() ? "none" : region};
  }

  const TimePoint hourAgo = now - Seconds(3600);
  if (policy.maxPerHour > 0) {
    auto all = challenges.countCreatedSince("+", hourAgo);
    if (!all.ok()) return all.error();
    if (*all >= policy.maxPerHour) return SmsGuardVerdict{SmsRefusal::kBudget, "all"};
  }
  if (policy.maxPerCountryPerHour > 0) {
    const std::string code = callingCodeOf(e164);
    if (!code.empty()) {
      auto country = challenges.countCreatedSince(code, hourAgo);
      if (!country.ok()) return country.error();
      if (*country >= policy.maxPerCountryPerHour) {
        return SmsGuardVerdict{SmsRefusal::kBudget, code};
      }
    }
  }
  return SmsGuardVerdict{};
}

}  // namespace callgate
