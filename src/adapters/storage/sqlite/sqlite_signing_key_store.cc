#include "adapters/storage/sqlite/sqlite_signing_key_store.h"

#include <sqlite3.h>

namespace callgate {
namespace {

constexpr const char* kVersion = "SELECT version FROM key_ring_version WHERE id = 1";
constexpr const char* kKeys =
    "SELECT kid, created_at_ms, sealed_seed FROM signing_keys ORDER BY created_at_ms, kid";
constexpr const char* kBump =
    "UPDATE key_ring_version SET version = version + 1 WHERE id = 1 AND version = ?1";
constexpr const char* kDeleteKeys = "DELETE FROM signing_keys";
constexpr const char* kInsertKey =
    "INSERT INTO signing_keys (kid, created_at_ms, sealed_seed) VALUES (?1, ?2, ?3)";

Result<int64_t> readVersion(SqliteConnection& connection) {
  auto stmt = connection.prepare(kVersion);
  if (!stmt) return stmt.error();
  auto row = stmt->step();
  if (!row) return row.error();
  // The migration inserts the row; without it the database was edited by hand.
  if (!*row) return Error::internal("key_ring_version has no row");
  return stmt->columnInt64(0);
}

}  // namespace

Result<SigningKeyRing> SqliteSigningKeyStore::load() {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  SqliteConnection& connection = **lease;
  // One transaction, so the version and the keys come from the same write.
  SqliteTransaction tx(connection);
  if (Status s = tx.begin(); !s.ok()) return s.error();
  SigningKeyRing ring;
  auto version = readVersion(connection);
  if (!version) return version.error();
  ring.version = *version;
  {
    auto stmt = connection.prepare(kKeys);
    if (!stmt) return stmt.error();
    for (;;) {
      auto row = stmt->step();
      if (!row) return row.error();
      if (!*row) break;
      SealedSigningKey key;
      key.kid = stmt->columnText(0);
      key.createdAt = fromUnixMillis(stmt->columnInt64(1));
      key.sealedSeed = stmt->columnText(2);
      ring.keys.push_back(std::move(key));
    }
  }
  if (Status s = tx.commit(); !s.ok()) return s.error();
  return ring;
}

Result<int64_t> SqliteSigningKeyStore::version() {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  return readVersion(**lease);
}

Result<bool> SqliteSigningKeyStore::replace(const std::vector<SealedSigningKey>& keys,
                                            int64_t expectedVersion) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  SqliteConnection& connection = **lease;
  SqliteTransaction tx(connection);
  if (Status s = tx.begin(); !s.ok()) return s.error();
  {
    auto bump = connection.prepare(kBump);
    if (!bump) return bump.error();
    bump->bind(1, expectedVersion);
    if (Status s = bump->run(); !s.ok()) return s.error();
  }
  // Per connection, and this lease is ours alone: the count is the UPDATE's. Zero means another
  // writer replaced the ring first; the transaction rolls back unchanged.
  if (sqlite3_changes(connection.handle()) != 1) return false;
  if (Status s = connection.run(kDeleteKeys); !s.ok()) return s.error();
  for (const SealedSigningKey& key : keys) {
    auto insert = connection.prepare(kInsertKey);
    if (!insert) return insert.error();
    insert->bind(1, key.kid).bind(2, toUnixMillis(key.createdAt)).bind(3, key.sealedSeed);
    if (Status s = insert->run(); !s.ok()) return s.error();
  }
  if (Status s = tx.commit(); !s.ok()) return s.error();
  return true;
}

}  // namespace callgate
