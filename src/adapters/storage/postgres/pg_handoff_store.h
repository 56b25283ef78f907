// PgHandoffStore: the HandoffStore port (core/handoff.h) over the handoffs table of a PgDatabase
// (migration 7), shared by every node, so a pop written on one node shows on an agent's screen
// served by another. append() and noteLink() take the next seq from handoff_seq under a
// transaction-scoped advisory lock held until commit: seqs become visible in the order they were
// taken, so a reader polling since(lastSeq) never skips one that commits late. append() then
// deletes at most kHandoffPurgeBatch handoffs older than the retention.
//
// Borrows the database, which must outlive it. Thread-safe: every call leases its own pooled
// connection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/storage/postgres/pg_database.h"
#include "core/handoff.h"

namespace callgate {

class PgHandoffStore final : public HandoffStore {
 public:
  explicit PgHandoffStore(PgDatabase& db) : db_(db) {}

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
  PgDatabase& db_;
};

}  // namespace callgate
