// PgSmsMessageStore: the SmsMessageStore port over the sms_messages table of a PgDatabase.
// Each row keeps smsStatusRank() of its status, so a report is one conditional UPDATE (... WHERE
// status_rank <= the new status's rank): the row lock and READ COMMITTED's re-check make reports
// racing on several nodes leave the highest status, never regress it. Only when that UPDATE
// changes nothing does a second query tell a stale report from an unknown message.
// Borrows the database, which must outlive it. Thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "adapters/storage/postgres/pg_database.h"
#include "core/sms_message.h"

namespace callgate {

class PgSmsMessageStore final : public SmsMessageStore {
 public:
  explicit PgSmsMessageStore(PgDatabase& db) : db_(db) {}

  Status insert(const SmsMessageRecord& record) override;
  Result<SmsReportOutcome> updateById(std::string_view provider, std::string_view id,
                                      std::string_view providerMessageId, std::string_view status,
                                      std::string_view errorCode, TimePoint at) override;
  Result<SmsReportOutcome> updateByProviderId(std::string_view provider,
                                              std::string_view providerMessageId,
                                              std::string_view status, std::string_view errorCode,
                                              TimePoint at) override;
  Result<std::optional<SmsMessageRecord>> find(std::string_view id) override;
  Result<std::vector<SmsMessageRecord>> recent(int limit) override;

 private:
  PgDatabase& db_;
};

}  // namespace callgate
