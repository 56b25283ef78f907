// SqliteSigningKeyStore: the SigningKeyStore port (core/cluster_state.h) over the signing_keys and
// key_ring_version tables of a SqliteDatabase. replace() is one BEGIN IMMEDIATE transaction that
// bumps the version only if it still equals the expected one and then rewrites the keys, so two
// writers (threads, or processes sharing the file) cannot both win one version; load() reads the
// version and the keys in one transaction, so they always belong together. The sealed seeds are
// opaque text here. Borrows the database, which must outlive it. Thread-safe: every call leases
// its own pooled connection.
#pragma once

#include <vector>

#include "adapters/storage/sqlite/sqlite_database.h"
#include "core/cluster_state.h"

namespace callgate {

class SqliteSigningKeyStore final : public SigningKeyStore {
 public:
  explicit SqliteSigningKeyStore(SqliteDatabase& db) : db_(db) {}

  Result<SigningKeyRing> load() override;
  Result<int64_t> version() override;
  Result<bool> replace(const std::vector<SealedSigningKey>& keys, int64_t expectedVersion) override;

 private:
  SqliteDatabase& db_;
};

}  // namespace callgate
