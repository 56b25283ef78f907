// SqliteCallbackStore: the CallbackStore port (core/callback.h) over the callbacks table of a
// SqliteDatabase (schema: kCallbacks in sqlite_schema.cc). Borrows the database, which must
// outlive it. Thread-safe: every call leases its own pooled connection; add() counts and inserts in
// one transaction (BEGIN IMMEDIATE).
#pragma once

#include "adapters/storage/sqlite/sqlite_database.h"
#include "core/callback.h"

namespace callgate {

class SqliteCallbackStore final : public CallbackStore {
 public:
  explicit SqliteCallbackStore(SqliteDatabase& db) : db_(db) {}

  Result<std::optional<int64_t>> add(const CallbackRequest& request,
                                     const CallbackLimit& limit) override;
  Result<std::vector<CallbackRequest>> list(std::size_t limit) override;

 private:
  SqliteDatabase& db_;
};

}  // namespace callgate
