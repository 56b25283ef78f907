// SqliteSmsMessageStore: the SmsMessageStore over the sms_messages table of a SqliteDatabase.
// Borrows the database, which must outlive it. Thread-safe: every call leases its own pooled
// connection, and each read-decide-write update is one BEGIN IMMEDIATE transaction, so a
// delivery report racing the provider's answer cannot lose or regress a status.
#pragma once

#include "adapters/storage/sqlite/sqlite_database.h"
#include "core/sms_message.h"

namespace callgate {

class SqliteSmsMessageStore final : public SmsMessageStore {
 public:
  explicit SqliteSmsMessageStore(SqliteDatabase& db) : db_(db) {}

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
  // Both updates: `findSql` selects (id, status, provider_message_id) by ?1 = provider, ?2 = key.
  Result<SmsReportOutcome> update(const char* findSql, std::string_view provider,
                                  std::string_view key, std::string_view providerMessageId,
                                  std::string_view status, std::string_view errorCode,
                                  TimePoint at);

  SqliteDatabase& db_;
};

}  // namespace callgate
