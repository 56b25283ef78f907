#include "adapters/storage/postgres/pg_secret_fingerprint_store.h"

namespace callgate {
namespace {

constexpr const char* kClaim =
    "INSERT INTO secret_fingerprints (name, fingerprint, recorded_at_ms) VALUES ($1, $2, "
    "(extract(epoch FROM clock_timestamp()) * 1000)::bigint) "
    "ON CONFLICT (name) DO NOTHING RETURNING fingerprint";
// After ON CONFLICT DO NOTHING the winner's row is committed (the insert waited for it), so a new
// statement sees it.
constexpr const char* kRecorded = "SELECT fingerprint FROM secret_fingerprints WHERE name = $1";
constexpr const char* kForgetAll = "DELETE FROM secret_fingerprints";

}  // namespace

Result<std::string> PgSecretFingerprintStore::claim(const std::string& name,
                                                    const std::string& fingerprint) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  // Twice at most: the row can vanish between the two statements only if forgetAll() ran in
  // between, and then nothing is recorded and the second round claims afresh.
  for (int round = 0; round < 2; ++round) {
    auto r = (*lease)->query(kClaim, {name, fingerprint});
    if (!r) return r.error();
    if (r->rows() > 0) return r->text(0, 0);
    auto recorded = (*lease)->query(kRecorded, {name});
    if (!recorded) return recorded.error();
    if (recorded->rows() > 0) return recorded->text(0, 0);
  }
  return Error::unavailable("postgres: secret fingerprint " + name +
                            " kept being forgotten while claimed");
}

Result<int64_t> PgSecretFingerprintStore::forgetAll() {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto r = (*lease)->query(kForgetAll);
  if (!r) return r.error();
  return r->affected();
}

}  // namespace callgate
