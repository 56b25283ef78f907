#include "adapters/storage/sqlite/sqlite_callback_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <limits>

namespace callgate {
namespace {

constexpr const char* kInsert =
    "INSERT INTO callbacks (contact_id, phone, queue, contact_flow_id, created_at_ms, "
    "not_before_ms, max_attempts, retry_delay_seconds) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
constexpr const char* kList =
    "SELECT id, contact_id, phone, queue, contact_flow_id, created_at_ms, not_before_ms, "
    "max_attempts, retry_delay_seconds FROM callbacks ORDER BY not_before_ms, id LIMIT ?1";
constexpr const char* kCount =
    "SELECT COUNT(*) FROM callbacks WHERE phone = ?1 AND created_at_ms >= ?2";

}  // namespace

Result<std::optional<int64_t>> SqliteCallbackStore::add(const CallbackRequest& r,
                                                        const CallbackLimit& limit) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  SqliteConnection& connection = **lease;
  SqliteTransaction tx(connection);
  if (Status s = tx.begin(); !s.ok()) return s.error();
  {
    auto stmt = connection.prepare(kCount);
    if (!stmt) return stmt.error();
    stmt->bind(1, r.phone).bind(2, toUnixMillis(limit.since));
    auto row = stmt->step();
    if (!row) return row.error();
    if (!*row) return Error::internal("sqlite: COUNT(*) returned no row");
    if (stmt->columnInt64(0) >= limit.max) return std::optional<int64_t>();
  }
  auto stmt = connection.prepare(kInsert);
  if (!stmt) return stmt.error();
  stmt->bind(1, r.contactId)
      .bind(2, r.phone)
      .bind(3, r.queue)
      .bind(4, r.contactFlowId)
      .bind(5, toUnixMillis(r.createdAt))
      .bind(6, toUnixMillis(r.notBefore))
      .bind(7, static_cast<int64_t>(r.maxAttempts))
      .bind(8, static_cast<int64_t>(r.retryDelaySeconds));
  if (Status s = stmt->run(); !s.ok()) return s.error();
  const auto id = static_cast<int64_t>(sqlite3_last_insert_rowid(connection.handle()));
  if (Status s = tx.commit(); !s.ok()) return s.error();
  return std::optional<int64_t>(id);
}

Result<std::vector<CallbackRequest>> SqliteCallbackStore::list(std::size_t limit) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto stmt = (*lease)->prepare(kList);
  if (!stmt) return stmt.error();
  stmt->bind(
      1, static_cast<int64_t>(std::min<std::size_t>(limit, std::numeric_limits<int32_t>::max())));
  std::vector<CallbackRequest> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return row.error();
    if (!*row) break;
    CallbackRequest r;
    r.id = stmt->columnInt64(0);
    r.contactId = stmt->columnText(1);
    r.phone = stmt->columnText(2);
    r.queue = stmt->columnText(3);
    r.contactFlowId = stmt->columnText(4);
    r.createdAt = fromUnixMillis(stmt->columnInt64(5));
    r.notBefore = fromUnixMillis(stmt->columnInt64(6));
    r.maxAttempts = static_cast<int>(stmt->columnInt64(7));
    r.retryDelaySeconds = static_cast<int>(stmt->columnInt64(8));
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace callgate
