#include "functions/sms_guard.h"

#include <algorithm>

#include "common/metrics_catalog.h"

namespace callgate {

std::string_view smsRefusalName(SmsRefusal refusal) {
  switch (refusal) {
    case SmsRefusal::kCountry:
      return "country";
    case SmsRefusal::kNumberType:
      return "number_type";
    case SmsRefusal::kBudget:
      return "budget";
    case SmsRefusal::kThrottled:
      return "throttled";
  }
  return "country";
}

Result<SmsGuardVerdict> checkSmsGuard(const SmsGuardPolicy& policy, ChallengeStore& challenges,
                                      CustomerStore& customers, const std::string& e164,
                                      std::string_view dialled, TimePoint now) {
  const PhoneType type = phoneTypeOf(e164);
  if (std::find(policy.refusedTypes.begin(), policy.refusedTypes.end(), type) !=
      policy.refusedTypes.end()) {
    return SmsGuardVerdict{SmsRefusal::kNumberType, std::string(phoneTypeName(type))};
  }

  const std::string region = regionOf(e164);
  auto allowedRegion = [&](const std::vector<std::string>& list) {
    return std::find(list.begin(), list.end(), region) != list.end();
  };
  if (!policy.allowedCountries.empty()) {
    if (!allowedRegion(policy.allowedCountries)) {
      return SmsGuardVerdict{SmsRefusal::kCountry, region.empty() ? "none" : region};
    }
  } else {
    // The default list: the dialled number's region (as the channel gave it; one that does not
    // parse tells us nothing), then the regions of the numbers on file, read only when needed.
    std::string home;
    if (!dialled.empty()) {
      if (auto number = normalizeE164(dialled); number.ok()) home = regionOf(*number);
    }
    if (region.empty() || region != home) {
      auto onFile = customers.regionsOnFile();
      if (!onFile.ok()) return onFile.error();
      // Nothing known at all (no dialled number, nobody on file): no country check.
      const bool known = !home.empty() || !onFile->empty();
      if (known && !allowedRegion(*onFile)) {
        return SmsGuardVerdict{SmsRefusal::kCountry, region.empty() ? "none" : region};
      }
    }
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

ConversionWatch::ConversionWatch(ConversionWatchPolicy policy, ChallengeStore& challenges,
                                 AuditLog& audit)
    : policy_(policy), challenges_(challenges), audit_(audit) {}

std::string ConversionWatch::prefixOf(const std::string& e164) const {
  const std::string code = callingCodeOf(e164);
  if (code.empty()) return e164.substr(0, 4);
  return e164.substr(0, code.size() + static_cast<size_t>(policy_.prefixDigits));
}

Result<bool> ConversionWatch::throttled(const std::string& e164, TimePoint now) {
  if (policy_.minSample <= 0) return false;
  const std::string prefix = prefixOf(e164);
  std::vector<Sent> sample;
  {
    std::lock_guard lock(mutex_);
    auto it = prefixes_.find(prefix);
    if (it == prefixes_.end()) return false;
    Prefix& p = it->second;
    if (now < p.throttledUntil) return true;
    while (!p.sent.empty() && now - p.sent.front().at > policy_.window) p.sent.pop_front();
    if (p.sent.size() < static_cast<size_t>(policy_.minSample)) return false;
    sample.assign(p.sent.begin(), p.sent.end());
  }
  // Outside the lock: the store's answers. A code still waiting to be keyed is not judged yet.
  int settled = 0;
  int verified = 0;
  for (const Sent& s : sample) {
    auto latest = challenges_.latest(s.phone);
    if (!latest.ok()) return latest.error();
    if (!*latest) continue;
    const Challenge& c = **latest;
    if (c.state == ChallengeState::kVerified) {
      ++settled;
      ++verified;
    } else if (c.state == ChallengeState::kActive && c.id == s.challengeId && now < c.expiresAt) {
      continue;
    } else {
      ++settled;
    }
  }
  if (settled < policy_.minSample) return false;
  if (static_cast<double>(verified) >= policy_.minRatio * static_cast<double>(settled)) {
    return false;
  }
  {
    std::lock_guard lock(mutex_);
    Prefix& p = prefixes_[prefix];
    if (now < p.throttledUntil) return true;  // another thread got here first
    p.throttledUntil = now + policy_.throttle;
    p.sent.clear();  // judged afresh after the throttle, on new sends
  }
  metrics::smsPrefixThrottles().with().inc();
  audit_.record("sms_prefix_throttled", {{"prefix", prefix},
                                         {"settled", std::to_string(settled)},
                                         {"verified", std::to_string(verified)}});
  return true;
}

void ConversionWatch::recordSend(const std::string& e164, int64_t challengeId, TimePoint now) {
  if (policy_.minSample <= 0) return;
  const std::string prefix = prefixOf(e164);
  std::lock_guard lock(mutex_);
  if (prefixes_.size() >= kMaxPrefixes && prefixes_.find(prefix) == prefixes_.end()) {
    auto stalest = std::min_element(
        prefixes_.begin(), prefixes_.end(),
        [](const auto& a, const auto& b) { return a.second.lastSend < b.second.lastSend; });
    prefixes_.erase(stalest);
  }
  Prefix& p = prefixes_[prefix];
  p.sent.push_back({e164, challengeId, now});
  if (p.sent.size() > kMaxPerPrefix) p.sent.pop_front();
  p.lastSend = now;
}

}  // namespace callgate
