// PgMemberStore: the MemberStore port over the members table of a PgDatabase. add() is one
// INSERT; the foreign key to customers.user_id refuses an unknown account (kNotFound).
// Borrows the database, which must outlive it. Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "adapters/storage/postgres/pg_database.h"
#include "core/ports.h"

namespace callgate {

class PgMemberStore final : public MemberStore {
 public:
  explicit PgMemberStore(PgDatabase& db) : db_(db) {}

  Result<int64_t> add(const Member& member) override;
  Result<std::vector<Member>> listByAccount(const std::string& accountUserId) override;

 private:
  PgDatabase& db_;
};

}  // namespace callgate
