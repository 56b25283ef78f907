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
// Serialises the requests for one number until the transaction ends (other numbers may share a
// key now and then, which only makes them wait).
constexpr const char* kLockNumber = "SELECT pg_advisory_xact_lock(hashtext('callback:' || $1))";
constexpr const char* kCount =
    "SELECT COUNT(*) FROM callbacks WHERE phone = $1 AND created_at_ms >= $2";

}  // namespace

Result<std::optional<int64_t>> PgCallbackStore::add(const CallbackRequest& r,
                                                    const CallbackLimit& limit) {
  std::optional<int64_t> id;
  Status s = db_.transaction([&](PgConnection& c) -> Status {
    id.reset();
    if (auto lock = c.query(kLockNumber, {r.phone}); !lock) return lock.error();
    auto count = c.query(kCount, {r.phone, toUnixMillis(limit.since)});
    if (!count) return count.error();
    if (count->integer(0, 0) >= limit.max) return okStatus();
    auto inserted =
        c.query(kInsert, {r.contactId, r.phone, r.queue, r.contactFlowId, toUnixMillis(r.createdAt),
                          toUnixMillis(r.notBefore), static_cast<int64_t>(r.maxAttempts),
                          static_cast<int64_t>(r.retryDelaySeconds)});
    if (!inserted) return inserted.error();
    id = inserted->integer(0, 0);
    return okStatus();
  });
  if (!s.ok()) return s.error();
  return id;
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

}  // namespace callgate
