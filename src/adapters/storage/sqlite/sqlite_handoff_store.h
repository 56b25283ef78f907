// SqliteHandoffStore: the HandoffStore port (core/handoff.h) over the handoffs table of a
// SqliteDatabase (migration 14). append() and noteLink() each run in one BEGIN IMMEDIATE
// transaction that takes the next seq from handoff_counter, so seqs are unique, never reused and
// committed in order (SQLite has one writer at a time). append() then deletes at most
// kHandoffPurgeBatch handoffs older than the retention, through the at_ms index.
//
// Borrows the database, which must outlive it. Thread-safe: every call leases its own pooled
// connection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/storage/sqlite/sqlite_database.h"
#include "core/handoff.h"

namespace callgate {

class SqliteHandoffStore final : public HandoffStore {
 public:
  explicit SqliteHandoffStore(SqliteDatabase& db) : db_(db) {}

  Status append(Handoff& handoff, TimePoint purgeBefore) override;
  Result<std::vector<Handoff>> since(int64_t afterSeq, int limit, std::string_view queue) override;
  Result<std::vector<Handoff>> latest(TimePoint notBefore, int limit,
                                      std::string_view queue) override;
  Result<int64_t> lastSeq() override;
  Result<std::optional<int64_t>> noteLink(const std::string& userId, LinkActivity link,
                                          TimePoint at, TimePoint notBefore) override;

 private:
  Result<std::vector<Handoff>> select(const char* sql, int64_t key, int limit,
                                      std::string_view queue);
  SqliteDatabase& db_;
};

}  // namespace callgate
