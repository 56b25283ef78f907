// SqliteGrantStore: the GrantStore port over the action_grants table of a SqliteDatabase
// (schema: kActionGrants in sqlite_schema.cc). Borrows the database, which must outlive it.
// Thread-safe: every call leases its own pooled connection; redeem() is one conditional UPDATE,
// which SQLite runs atomically, so of two concurrent redeems of one grant exactly one wins.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "adapters/storage/sqlite/sqlite_database.h"
#include "core/ports.h"

namespace callgate {

class SqliteGrantStore final : public GrantStore {
 public:
  explicit SqliteGrantStore(SqliteDatabase& db) : db_(db) {}

  Result<int64_t> insert(const Grant& grant) override;
  Result<std::optional<Grant>> findByCodeHash(const std::string& codeHash) override;
  Result<bool> redeem(int64_t id, TimePoint now) override;
  Result<int64_t> countIssuedSince(const std::string& userId, TimePoint since) override;

 private:
  SqliteDatabase& db_;
};

}  // namespace callgate
