// PgCallbackStore: the CallbackStore port (core/callback.h) over the callbacks table of a
// PgDatabase (migration 2 in pg_schema.cc). Borrows the database, which must outlive it.
// Thread-safe: every call leases its own pooled connection.
#pragma once

#include "adapters/storage/postgres/pg_database.h"
#include "core/callback.h"

namespace callgate {

class PgCallbackStore final : public CallbackStore {
 public:
  explicit PgCallbackStore(PgDatabase& db) : db_(db) {}

  Result<int64_t> add(const CallbackRequest& request) override;
  Result<std::vector<CallbackRequest>> list(std::size_t limit) override;
  Result<int64_t> countCreatedSince(const std::string& phone, TimePoint since) override;

 private:
  PgDatabase& db_;
};

}  // namespace callgate
