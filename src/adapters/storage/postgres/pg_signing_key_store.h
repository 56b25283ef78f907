// PgSigningKeyStore: the SigningKeyStore port (core/cluster_state.h) over signing_key_ring (one
// row: the ring's version) and signing_keys (the current ring's keys) of a PgDatabase.
// replace() bumps the version with UPDATE ... WHERE version = expected and rewrites the keys in
// the same transaction: the row lock makes concurrent replacers on any nodes queue, and the
// second re-checks the version and loses. load() reads version and keys in one statement, so
// it sees one ring whole. Borrows the database, which must outlive it. Thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "adapters/storage/postgres/pg_database.h"
#include "core/cluster_state.h"

namespace callgate {

class PgSigningKeyStore final : public SigningKeyStore {
 public:
  explicit PgSigningKeyStore(PgDatabase& db) : db_(db) {}

  Result<SigningKeyRing> load() override;
  Result<int64_t> version() override;
  Result<bool> replace(const std::vector<SealedSigningKey>& keys, int64_t expectedVersion) override;

 private:
  PgDatabase& db_;
};

}  // namespace callgate
