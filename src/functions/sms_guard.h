// SmsGuard: the checks against SMS pumping that run before send-otp creates a challenge or asks
// any provider to send: where the text would go (destination country, number type) and how many
// texts went out in the last hour (in all, and to the destination's calling code). A refused
// send costs nothing: no challenge, no provider request.
//
//   country      the destination's region (libphonenumber, from the number's range: +1 416 is
//                CA) is not in allowedCountries; when that list is empty, not the region of the
//                number the caller dialled (the contact's system endpoint); when neither is
//                known (a channel that does not tell the dialled number), no country check.
//   number_type  libphonenumber places the number in a refused range (premium rate, shared
//                cost, toll-free, UAN, voicemail, pager by default): nobody's own phone.
//   budget       maxPerHour challenges were created in the last hour over all numbers, or
//                maxPerCountryPerHour to numbers of the destination's calling code (+1 counts
//                the whole North American plan, +44 the UK); 0 = no budget.
//
// Counting uses the challenge store's countCreatedSince, so the budget is the cluster's when
// the store is shared (PostgreSQL), and failed sends count too. Thread-safe (no state of its own;
// the store's methods are thread-safe).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/phone.h"
#include "core/ports.h"
#include "core/time.h"

namespace callgate {

struct SmsGuardPolicy {
  std::vector<std::string> allowedCountries;  // ISO 3166-1 alpha-2, upper case; empty: see above
  std::vector<PhoneType> refusedTypes{PhoneType::kPremiumRate, PhoneType::kSharedCost,
                                      PhoneType::kTollFree,    PhoneType::kUan,
                                      PhoneType::kVoicemail,   PhoneType::kPager};
  int maxPerHour = 0;            // 0 = no budget
  int maxPerCountryPerHour = 0;  // 0 = no budget
};

enum class SmsRefusal { kCountry, kNumberType, kBudget };

// "country", "number_type", "budget": the `reason` send-otp answers and audits.
std::string_view smsRefusalName(SmsRefusal refusal);

struct SmsGuardVerdict {
  std::optional<SmsRefusal> refusal;  // nullopt: may send
  std::string detail;                 // for the audit: the region, the type or the budget hit
};

// Checks a text to `e164` (a valid E.164 number) for a contact that dialled `dialled` ("" when
// unknown; any form normalizeE164 takes). Errors only when the store fails.
Result<SmsGuardVerdict> checkSmsGuard(const SmsGuardPolicy& policy, ChallengeStore& challenges,
                                      const std::string& e164, std::string_view dialled,
                                      TimePoint now);

}  // namespace callgate
