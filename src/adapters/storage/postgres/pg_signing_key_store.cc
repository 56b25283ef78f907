#include "adapters/storage/postgres/pg_signing_key_store.h"

namespace callgate {
namespace {

// The version row first (part 0), then the keys oldest first: one statement, one snapshot.
constexpr const char* kLoad =
    "SELECT 0 AS part, COALESCE((SELECT version FROM signing_key_ring WHERE id = 1), 0), '', "
    "0::bigint AS created, '' AS kid_order, '' "
    "UNION ALL SELECT 1, 0, kid, created_at_ms, kid, sealed_seed FROM signing_keys "
    "ORDER BY 1, 4, 5";
constexpr const char* kVersion =
    "SELECT COALESCE((SELECT version FROM signing_key_ring WHERE id = 1), 0)";
constexpr const char* kBump =
    "UPDATE signing_key_ring SET version = version + 1 WHERE id = 1 AND version = $1";
constexpr const char* kClear = "DELETE FROM signing_keys";
constexpr const char* kInsert =
    "INSERT INTO signing_keys (kid, created_at_ms, sealed_seed) VALUES ($1, $2, $3)";

}  // namespace

Result<SigningKeyRing> PgSigningKeyStore::load() {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto r = (*lease)->query(kLoad);
  if (!r) return r.error();
  SigningKeyRing ring;
  for (int i = 0; i < r->rows(); ++i) {
    if (r->integer(i, 0) == 0) {
      ring.version = r->integer(i, 1);
      continue;
    }
    SealedSigningKey key;
    key.kid = r->text(i, 2);
    key.createdAt = fromUnixMillis(r->integer(i, 3));
    key.sealedSeed = r->text(i, 5);
    ring.keys.push_back(std::move(key));
  }
  return ring;
}

Result<int64_t> PgSigningKeyStore::version() {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto r = (*lease)->query(kVersion);
  if (!r) return r.error();
  return r->integer(0, 0);
}

Result<bool> PgSigningKeyStore::replace(const std::vector<SealedSigningKey>& keys,
                                        int64_t expectedVersion) {
  bool replaced = false;
  Status s = db_.transaction([&](PgConnection& c) -> Status {
    replaced = false;
    auto bumped = c.query(kBump, {expectedVersion});
    if (!bumped) return bumped.error();
    if (bumped->affected() != 1) return okStatus();  // another node replaced it first
    if (auto r = c.query(kClear); !r) return r.error();
    for (const SealedSigningKey& key : keys) {
      auto r = c.query(kInsert, {key.kid, toUnixMillis(key.createdAt), key.sealedSeed});
      if (!r) return r.error();
    }
    replaced = true;
    return okStatus();
  });
  if (!s.ok()) return s.error();
  return replaced;
}

}  // namespace callgate
