// PgSecretFingerprintStore: the SecretFingerprintStore port (core/cluster_state.h) over the
// secret_fingerprints table of a PgDatabase. claim() is INSERT ... ON CONFLICT DO NOTHING, so of
// nodes starting together with different secrets exactly one records its fingerprint and every
// other one is told that one. Borrows the database, which must outlive it. Thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "adapters/storage/postgres/pg_database.h"
#include "core/cluster_state.h"

namespace callgate {

class PgSecretFingerprintStore final : public SecretFingerprintStore {
 public:
  explicit PgSecretFingerprintStore(PgDatabase& db) : db_(db) {}

  Result<std::string> claim(const std::string& name, const std::string& fingerprint) override;
  Result<int64_t> forgetAll() override;

 private:
  PgDatabase& db_;
};

}  // namespace callgate
