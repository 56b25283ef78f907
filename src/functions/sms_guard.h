// SmsGuard: the checks against SMS pumping that run before send-otp creates a challenge or asks
// any provider to send: where the text would go (destination country, number type) and how many
// texts went out in the last hour (in all, and to the destination's calling code). A refused
// send costs nothing: no challenge, no provider request.
//
//   country      the destination's region (libphonenumber, from the number's range: +1 416 is
//                CA) is not in allowedCountries; when that list is empty, neither the region of
//                the number the caller dialled (the contact's system endpoint) nor a region of
//                the numbers on file (CustomerStore::regionsOnFile), so a fresh install still
//                texts callers of its own country and an established one its customers'; when
//                none is known (a channel that does not tell the dialled number and nobody on
//                file), no country check.
//   number_type  libphonenumber places the number in a refused range (premium rate, shared
//                cost, toll-free, UAN, voicemail, pager by default): nobody's own phone.
//   budget       maxPerHour challenges were created in the last hour over all numbers, or
//                maxPerCountryPerHour to numbers of the destination's calling code (+1 counts
//                the whole North American plan, +44 the UK); 0 = no budget.
//
//   throttled    ConversionWatch: codes sent to the number's prefix (calling code + the first
//                `prefixDigits` national digits) are rarely verified: at least `minSample`
//                settled sends in the window, fewer than `minRatio` of them verified. The prefix
//                is refused for `throttle`, audited once as sms_prefix_throttled.
//
// Counting uses the challenge store's countCreatedSince, so the budget is the cluster's when
// the store is shared (PostgreSQL), and failed sends count too. checkSmsGuard is stateless;
// ConversionWatch keeps this node's recent sends per prefix in memory (bounded) and reads their
// outcome from the challenge store (latest()). Both are thread-safe.
#pragma once

#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/phone.h"
#include "core/ports.h"
#include "core/time.h"

namespace callgate {

struct ConversionWatchPolicy {
  int minSample = 0;       // settled sends to a prefix before it is judged; 0 = no watch
  double minRatio = 0.1;   // verified / settled below this throttles the prefix
  int prefixDigits = 3;    // national digits after the calling code
  Seconds window{3600};    // sends older than this are forgotten
  Seconds throttle{3600};  // how long a throttled prefix stays refused
};

struct SmsGuardPolicy {
  std::vector<std::string> allowedCountries;  // ISO 3166-1 alpha-2, upper case; empty: see above
  std::vector<PhoneType> refusedTypes{PhoneType::kPremiumRate, PhoneType::kSharedCost,
                                      PhoneType::kTollFree,    PhoneType::kUan,
                                      PhoneType::kVoicemail,   PhoneType::kPager};
  int maxPerHour = 0;            // 0 = no budget
  int maxPerCountryPerHour = 0;  // 0 = no budget
  ConversionWatchPolicy conversion;
};

enum class SmsRefusal { kCountry, kNumberType, kBudget, kThrottled };

// "country", "number_type", "budget", "throttled": the `reason` send-otp answers and audits.
std::string_view smsRefusalName(SmsRefusal refusal);

struct SmsGuardVerdict {
  std::optional<SmsRefusal> refusal;  // nullopt: may send
  std::string detail;                 // for the audit: the region, the type or the budget hit
};

// Checks a text to `e164` (a valid E.164 number) for a contact that dialled `dialled` ("" when
// unknown; any form normalizeE164 takes). Errors only when a store fails.
Result<SmsGuardVerdict> checkSmsGuard(const SmsGuardPolicy& policy, ChallengeStore& challenges,
                                      CustomerStore& customers, const std::string& e164,
                                      std::string_view dialled, TimePoint now);

// The conversion watch (see above). Borrows the store and the audit log.
class ConversionWatch {
 public:
  ConversionWatch(ConversionWatchPolicy policy, ChallengeStore& challenges, AuditLog& audit);

  // The prefix the watch judges `e164` by: "+44740" for "+447400123456" with 3 digits.
  std::string prefixOf(const std::string& e164) const;
  // Whether `e164`'s prefix is throttled now (judging it afresh when it has enough settled
  // sends). Errors only when the store fails.
  Result<bool> throttled(const std::string& e164, TimePoint now);
  // A code was sent (or tried) to `e164` as challenge `challengeId`.
  void recordSend(const std::string& e164, int64_t challengeId, TimePoint now);

  static constexpr size_t kMaxPerPrefix = 100;   // recent sends kept per prefix
  static constexpr size_t kMaxPrefixes = 10000;  // prefixes kept (the stalest go first)

 private:
  struct Sent {
    std::string phone;
    int64_t challengeId;
    TimePoint at;
  };
  struct Prefix {
    std::deque<Sent> sent;
    TimePoint throttledUntil{};
    TimePoint lastSend{};
  };

  const ConversionWatchPolicy policy_;
  ChallengeStore& challenges_;
  AuditLog& audit_;
  std::mutex mutex_;
  std::map<std::string, Prefix> prefixes_;
};

}  // namespace callgate
