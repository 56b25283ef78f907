// SmsMessageStore: one row per SMS handed to a provider, updated by the provider's answer and by
// its delivery reports (Twilio StatusCallback, Kannel dlr-url). It holds no message text and only
// the masked destination ("+1415*****23"), so it is safe to keep and to show to operators.
//
// Statuses are lower-case words: "submitting" (ours, before the provider answered), the provider's
// acceptance ("queued", "accepted"), "sent", and the final "delivered" / "undelivered" /
// "failed"; Twilio's other words are kept as given. Reports can arrive out of order (Twilio says
// so), so an update never moves a message backwards: see mayReplaceStatus().
//
// Implementations must be thread-safe (the sender runs on worker threads while reports arrive).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "core/time.h"

namespace callgate {

struct SmsMessageRecord {
  std::string id;                 // ours: 32 lower-case hex characters
  std::string provider;           // "twilio", "sns", "kannel"
  std::string providerMessageId;  // Twilio "SM...", SNS MessageId, Kannel: our id; "" until known
  std::string toMasked;           // maskPhone() of the destination, never the full number
  std::string status;
  std::string errorCode;  // provider's code for a failure ("21211", "http_503"), or ""
  TimePoint createdAt{};
  TimePoint updatedAt{};
};

// Ranks statuses so that a report never regresses a message: submitting < queued/accepted/
// scheduled < other words (Twilio's "sending") < sent < final (delivered, undelivered, failed,
// canceled, read, partially_delivered).
// A status of equal or higher rank replaces the current one.
int smsStatusRank(std::string_view status);
bool mayReplaceStatus(std::string_view current, std::string_view next);

// What a status update changed.
enum class SmsReportOutcome { kRecorded, kStale, kUnknownMessage };

class SmsMessageStore {
 public:
  virtual ~SmsMessageStore() = default;
  // kAlreadyExists if the id is taken.
  virtual Status insert(const SmsMessageRecord& record) = 0;
  // Sets the status (subject to mayReplaceStatus) and, when `providerMessageId` is not empty and
  // none is stored yet, the provider id, of the message with our `id` from `provider`.
  virtual Result<SmsReportOutcome> updateById(std::string_view provider, std::string_view id,
                                              std::string_view providerMessageId,
                                              std::string_view status, std::string_view errorCode,
                                              TimePoint at) = 0;
  // The same, finding the message by the provider's id.
  virtual Result<SmsReportOutcome> updateByProviderId(std::string_view provider,
                                                      std::string_view providerMessageId,
                                                      std::string_view status,
                                                      std::string_view errorCode, TimePoint at) = 0;
  virtual Result<std::optional<SmsMessageRecord>> find(std::string_view id) = 0;
  // The newest `limit` messages (by createdAt, then id, descending), for the console.
  virtual Result<std::vector<SmsMessageRecord>> recent(int limit) = 0;
};

}  // namespace callgate
