// PgCallbackStore: the CallbackStore port (core/callback.h) over the callbacks table of a
// PgDatabase (migration 2 in pg_schema.cc). Borrows the database, which must outlive it.
// Thread-safe: every call leases its own pooled connection; add() counts and inserts in one
// transaction holding a per-number advisory lock, so nodes sharing the
// database keep the limit together.
#pragma once

#include "adapters/storage/postgres/pg_database.h"
#include "core/callback.h"

namespace callgate {

class PgCallbackStore final : public CallbackStore {
 public:
  explicit PgCallbackStore(PgDatabase& db) : db_(db) {}

  Result<std::optional<int64_t>> add(const CallbackRequest& request,
                                     const CallbackLimit& limit) override;
  Result<std::vector<CallbackRequest>> list(std::size_t limit) override;

 private:
  PgDatabase& db_;
};

}  // namespace callgate
