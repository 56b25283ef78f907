#include "adapters/storage/sqlite/sqlite_sms_message_store.h"

#include <algorithm>

namespace callgate {
namespace {

constexpr const char* kInsert =
    "INSERT INTO sms_messages (id, provider, provider_message_id, to_masked, status, error_code, "
    "created_at_ms, updated_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
constexpr const char* kFindById =
    "SELECT id, status, provider_message_id FROM sms_messages WHERE provider = ?1 AND id = ?2";
constexpr const char* kFindByProviderId =
    "SELECT id, status, provider_message_id FROM sms_messages "
    "WHERE provider = ?1 AND provider_message_id = ?2 LIMIT 1";
constexpr const char* kUpdate =
    "UPDATE sms_messages SET status = ?2, error_code = ?3, updated_at_ms = ?4, "
    "provider_message_id = CASE WHEN provider_message_id = '' THEN ?5 ELSE provider_message_id END "
    "WHERE id = ?1";
constexpr const char* kSelect =
    "SELECT id, provider, provider_message_id, to_masked, status, error_code, created_at_ms, "
    "updated_at_ms FROM sms_messages WHERE id = ?1";
// sms_messages_by_created, walked backwards.
constexpr const char* kRecent =
    "SELECT id, provider, provider_message_id, to_masked, status, error_code, created_at_ms, "
    "updated_at_ms FROM sms_messages ORDER BY created_at_ms DESC, id DESC LIMIT ?1";

SmsMessageRecord readRecord(const SqliteStatement& stmt) {
  SmsMessageRecord r;
  r.id = stmt.columnText(0);
  r.provider = stmt.columnText(1);
  r.providerMessageId = stmt.columnText(2);
  r.toMasked = stmt.columnText(3);
  r.status = stmt.columnText(4);
  r.errorCode = stmt.columnText(5);
  r.createdAt = fromUnixMillis(stmt.columnInt64(6));
  r.updatedAt = fromUnixMillis(stmt.columnInt64(7));
  return r;
}

}  // namespace

Status SqliteSmsMessageStore::insert(const SmsMessageRecord& r) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto stmt = (*lease)->prepare(kInsert);
  if (!stmt) return stmt.error();
  stmt->bind(1, r.id)
      .bind(2, r.provider)
      .bind(3, r.providerMessageId)
      .bind(4, r.toMasked)
      .bind(5, r.status)
      .bind(6, r.errorCode)
      .bind(7, toUnixMillis(r.createdAt))
      .bind(8, toUnixMillis(r.updatedAt));
  return stmt->run();
}

Result<SmsReportOutcome> SqliteSmsMessageStore::update(const char* findSql,
                                                       std::string_view provider,
                                                       std::string_view key,
                                                       std::string_view providerMessageId,
                                                       std::string_view status,
                                                       std::string_view errorCode, TimePoint at) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  SqliteConnection& connection = **lease;
  SqliteTransaction tx(connection);
  if (Status s = tx.begin(); !s.ok()) return s.error();
  std::string id;
  std::string current;
  {
    auto stmt = connection.prepare(findSql);
    if (!stmt) return stmt.error();
    stmt->bind(1, provider).bind(2, key);
    auto row = stmt->step();
    if (!row) return row.error();
    if (!*row) return SmsReportOutcome::kUnknownMessage;  // tx rolls back; nothing changed
    id = stmt->columnText(0);
    current = stmt->columnText(1);
  }
  if (!mayReplaceStatus(current, status)) return SmsReportOutcome::kStale;
  {
    auto stmt = connection.prepare(kUpdate);
    if (!stmt) return stmt.error();
    stmt->bind(1, id)
        .bind(2, status)
        .bind(3, errorCode)
        .bind(4, toUnixMillis(at))
        .bind(5, providerMessageId);
    if (Status s = stmt->run(); !s.ok()) return s.error();
  }
  if (Status s = tx.commit(); !s.ok()) return s.error();
  return SmsReportOutcome::kRecorded;
}

Result<SmsReportOutcome> SqliteSmsMessageStore::updateById(
    std::string_view provider, std::string_view id, std::string_view providerMessageId,
    std::string_view status, std::string_view errorCode, TimePoint at) {
  return update(kFindById, provider, id, providerMessageId, status, errorCode, at);
}

Result<SmsReportOutcome> SqliteSmsMessageStore::updateByProviderId(
    std::string_view provider, std::string_view providerMessageId, std::string_view status,
    std::string_view errorCode, TimePoint at) {
  if (providerMessageId.empty()) return SmsReportOutcome::kUnknownMessage;
  return update(kFindByProviderId, provider, providerMessageId, providerMessageId, status,
                errorCode, at);
}

Result<std::optional<SmsMessageRecord>> SqliteSmsMessageStore::find(std::string_view id) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto stmt = (*lease)->prepare(kSelect);
  if (!stmt) return stmt.error();
  stmt->bind(1, id);
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) return std::optional<SmsMessageRecord>();
  return std::optional<SmsMessageRecord>(readRecord(*stmt));
}

Result<std::vector<SmsMessageRecord>> SqliteSmsMessageStore::recent(int limit) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto stmt = (*lease)->prepare(kRecent);
  if (!stmt) return stmt.error();
  stmt->bind(1, static_cast<int64_t>(std::max(limit, 0)));
  std::vector<SmsMessageRecord> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back(readRecord(*stmt));
  }
}

}  // namespace callgate
