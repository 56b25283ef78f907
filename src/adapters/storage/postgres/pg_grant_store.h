// PgGrantStore: the GrantStore port over the action_grants table of a PgDatabase. redeem() is a
// single conditional UPDATE, so of concurrent redeems on any nodes exactly one wins.
// Borrows the database, which must outlive it. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "adapters/storage/postgres/pg_database.h"
#include "core/ports.h"

namespace callgate {

class PgGrantStore final : public GrantStore {
 public:
  explicit PgGrantStore(PgDatabase& db) : db_(db) {}

  Result<int64_t> insert(const Grant& grant) override;
  Result<std::optional<Grant>> findByCodeHash(const std::string& codeHash) override;
  Result<bool> redeem(int64_t id, TimePoint now) override;
  Result<int64_t> countIssuedSince(const std::string& userId, TimePoint since) override;

 private:
  PgDatabase& db_;
};

}  // namespace callgate
