// SqliteMemberStore: the MemberStore port over the members table of a SqliteDatabase (schema:
// kMembers in sqlite_schema.cc). Borrows the database, which must outlive it. Thread-safe: every
// call leases its own pooled connection; add() checks the account and inserts in one
// transaction.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "adapters/storage/sqlite/sqlite_database.h"
#include "core/ports.h"

namespace callgate {

class SqliteMemberStore final : public MemberStore {
 public:
  explicit SqliteMemberStore(SqliteDatabase& db) : db_(db) {}

  Result<int64_t> add(const Member& member) override;
  Result<std::vector<Member>> listByAccount(const std::string& accountUserId) override;

 private:
  SqliteDatabase& db_;
};

}  // namespace callgate
