#include "adapters/storage/postgres/pg_callback_store.h"

#include <algorithm>
#include <cstdint>
#include <limits>

namespace callgate {
namespace {

constexpr const char* kInsert =
    "INSERT INTO callbacks (contact_id, phone, queue, contact_flow_id, created_at_ms, "
    "not_before_ms, max_attempts, retry_delay_seconds) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
constexpr const char* kList =
    "SELECT id, contact_id, phone, queue, contact_flow_id, created_at_ms, not_before_ms, "
    "max_attempts, retry_delay_seconds FROM callbacks ORDER BY not_before_ms, id LIMIT $1";
constexpr const char* kCount =
    "SELECT COUNT(*) FROM callbacks WHERE phone = $1 AND created_at_ms >= $2";

}  // namespace

Result<int64_t> PgCallbackStore::add(const CallbackRequest& r) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto result = (*lease)->query(
      kInsert, {r.contactId, r.phone, r.queue, r.contactFlowId, toUnixMillis(r.createdAt),
                toUnixMillis(r.notBefore), static_cast<int64_t>(r.maxAttempts),
                static_cast<int64_t>(r.retryDelaySeconds)});
  if (!result) return result.error();
  return result->integer(0, 0);
}

Result<std::vector<CallbackRequest>> PgCallbackStore::list(std::size_t limit) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto result = (*lease)->query(
      kList,
      {static_cast<int64_t>(std::min<std::size_t>(limit, std::numeric_limits<int32_t>::max()))});
  if (!result) return result.error();
  std::vector<CallbackRequest> out;
  out.reserve(static_cast<std::size_t>(result->rows()));
  for (int i = 0; i < result->rows(); ++i) {
    CallbackRequest r;
    r.id = result->integer(i, 0);
    r.contactId = result->text(i, 1);
    r.phone = result->text(i, 2);
    r.queue = result->text(i, 3);
    r.contactFlowId = result->text(i, 4);
    r.createdAt = fromUnixMillis(result->integer(i, 5));
    r.notBefore = fromUnixMillis(result->integer(i, 6));
    r.maxAttempts = static_cast<int>(result->integer(i, 7));
    r.retryDelaySeconds = static_cast<int>(result->integer(i, 8));
    out.push_back(std::move(r));
  }
  return out;
}

Result<int64_t> PgCallbackStore::countCreatedSince(const std::string& phone, TimePoint since) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto result = (*lease)->query(kCount, {phone, toUnixMillis(since)});
  if (!result) return result.error();
  return result->integer(0, 0);
}

}  // namespace callgate
