#include "adapters/storage/postgres/pg_sms_message_store.h"

#include <algorithm>

namespace callgate {
namespace {

constexpr const char* kInsert =
    "INSERT INTO sms_messages (id, provider, provider_message_id, to_masked, status, status_rank, "
    "error_code, created_at_ms, updated_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
// $1 provider, $2 our id, $3 provider id (kept only if none is stored), $4 status, $5 its rank,
// $6 error code, $7 time.
constexpr const char* kUpdateById =
    "UPDATE sms_messages SET status = $4, status_rank = $5, error_code = $6, updated_at_ms = $7, "
    "provider_message_id = CASE WHEN provider_message_id = '' THEN $3 ELSE provider_message_id "
    "END WHERE provider = $1 AND id = $2 AND status_rank <= $5";
constexpr const char* kExistsById = "SELECT 1 FROM sms_messages WHERE provider = $1 AND id = $2";
// $1 provider, $2 provider id, $3 status, $4 rank, $5 error code, $6 time. One message per
// provider id (LIMIT 1, as the SQLite store).
constexpr const char* kUpdateByProviderId =
    "UPDATE sms_messages SET status = $3, status_rank = $4, error_code = $5, updated_at_ms = $6 "
    "WHERE id = (SELECT id FROM sms_messages WHERE provider = $1 AND provider_message_id = $2 "
    "LIMIT 1) AND status_rank <= $4";
constexpr const char* kExistsByProviderId =
    "SELECT 1 FROM sms_messages WHERE provider = $1 AND provider_message_id = $2";
constexpr const char* kSelect =
    "SELECT id, provider, provider_message_id, to_masked, status, error_code, created_at_ms, "
    "updated_at_ms FROM sms_messages WHERE id = $1";
// sms_messages_by_created, walked backwards.
constexpr const char* kRecent =
    "SELECT id, provider, provider_message_id, to_masked, status, error_code, created_at_ms, "
    "updated_at_ms FROM sms_messages ORDER BY created_at_ms DESC, id DESC LIMIT $1";

SmsMessageRecord readRecord(const PgResult& r, int row) {
  SmsMessageRecord m;
  m.id = r.text(row, 0);
  m.provider = r.text(row, 1);
  m.providerMessageId = r.text(row, 2);
  m.toMasked = r.text(row, 3);
  m.status = r.text(row, 4);
  m.errorCode = r.text(row, 5);
  m.createdAt = fromUnixMillis(r.integer(row, 6));
  m.updatedAt = fromUnixMillis(r.integer(row, 7));
  return m;
}

}  // namespace

Status PgSmsMessageStore::insert(const SmsMessageRecord& r) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto result = (*lease)->query(kInsert, {r.id, r.provider, r.providerMessageId, r.toMasked,
                                          r.status, int64_t{smsStatusRank(r.status)}, r.errorCode,
                                          toUnixMillis(r.createdAt), toUnixMillis(r.updatedAt)});
  if (!result) return result.error();
  return okStatus();
}

Result<SmsReportOutcome> PgSmsMessageStore::updateById(std::string_view provider,
                                                       std::string_view id,
                                                       std::string_view providerMessageId,
                                                       std::string_view status,
                                                       std::string_view errorCode, TimePoint at) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto r =
      (*lease)->query(kUpdateById, {provider, id, providerMessageId, status,
                                    int64_t{smsStatusRank(status)}, errorCode, toUnixMillis(at)});
  if (!r) return r.error();
  if (r->affected() > 0) return SmsReportOutcome::kRecorded;
  auto exists = (*lease)->query(kExistsById, {provider, id});
  if (!exists) return exists.error();
  return exists->rows() > 0 ? SmsReportOutcome::kStale : SmsReportOutcome::kUnknownMessage;
}

Result<SmsReportOutcome> PgSmsMessageStore::updateByProviderId(std::string_view provider,
                                                               std::string_view providerMessageId,
                                                               std::string_view status,
                                                               std::string_view errorCode,
                                                               TimePoint at) {
  if (providerMessageId.empty()) return SmsReportOutcome::kUnknownMessage;
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto r = (*lease)->query(kUpdateByProviderId,
                           {provider, providerMessageId, status, int64_t{smsStatusRank(status)},
                            errorCode, toUnixMillis(at)});
  if (!r) return r.error();
  if (r->affected() > 0) return SmsReportOutcome::kRecorded;
  auto exists = (*lease)->query(kExistsByProviderId, {provider, providerMessageId});
  if (!exists) return exists.error();
  return exists->rows() > 0 ? SmsReportOutcome::kStale : SmsReportOutcome::kUnknownMessage;
}

Result<std::optional<SmsMessageRecord>> PgSmsMessageStore::find(std::string_view id) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto r = (*lease)->query(kSelect, {id});
  if (!r) return r.error();
  if (r->rows() == 0) return std::optional<SmsMessageRecord>();
  return std::optional<SmsMessageRecord>(readRecord(*r, 0));
}

Result<std::vector<SmsMessageRecord>> PgSmsMessageStore::recent(int limit) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto r = (*lease)->query(kRecent, {std::max(limit, 0)});
  if (!r) return r.error();
  std::vector<SmsMessageRecord> out;
  for (int row = 0; row < r->rows(); ++row) out.push_back(readRecord(*r, row));
  return out;
}

}  // namespace callgate
