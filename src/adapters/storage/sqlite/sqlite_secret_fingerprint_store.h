// SqliteSecretFingerprintStore: the SecretFingerprintStore port (core/cluster_state.h) over the
// secret_fingerprints table of a SqliteDatabase. claim() inserts unless a row exists and reads the
// recorded row back in one BEGIN IMMEDIATE transaction, so two nodes starting together record one
// fingerprint and both see it. Borrows the database, which must outlive it. Thread-safe: every
// call leases its own pooled connection.
#pragma once

#include <string>

#include "adapters/storage/sqlite/sqlite_database.h"
#include "core/cluster_state.h"

namespace callgate {

class SqliteSecretFingerprintStore final : public SecretFingerprintStore {
 public:
  explicit SqliteSecretFingerprintStore(SqliteDatabase& db) : db_(db) {}

  Result<std::string> claim(const std::string& name, const std::string& fingerprint) override;
  Result<int64_t> forgetAll() override;

 private:
  SqliteDatabase& db_;
};

}  // namespace callgate
