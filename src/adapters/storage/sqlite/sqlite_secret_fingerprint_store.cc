#include "adapters/storage/sqlite/sqlite_secret_fingerprint_store.h"

#include <sqlite3.h>

#include <chrono>

namespace callgate {
namespace {

constexpr const char* kInsert =
    "INSERT INTO secret_fingerprints (name, fingerprint, recorded_at_ms) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (name) DO NOTHING";
constexpr const char* kSelect = "SELECT fingerprint FROM secret_fingerprints WHERE name = ?1";
constexpr const char* kDeleteAll = "DELETE FROM secret_fingerprints";

}  // namespace

Result<std::string> SqliteSecretFingerprintStore::claim(const std::string& name,
                                                        const std::string& fingerprint) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  SqliteConnection& connection = **lease;
  SqliteTransaction tx(connection);
  if (Status s = tx.begin(); !s.ok()) return s.error();
  {
    auto insert = connection.prepare(kInsert);
    if (!insert) return insert.error();
    // Informational only (when the cluster first agreed on the secret), so the wall clock of
    // whichever node records it is good enough.
    const TimePoint now = std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now());
    insert->bind(1, name).bind(2, fingerprint).bind(3, toUnixMillis(now));
    if (Status s = insert->run(); !s.ok()) return s.error();
  }
  std::string recorded;
  {
    auto select = connection.prepare(kSelect);
    if (!select) return select.error();
    select->bind(1, name);
    auto row = select->step();
    if (!row) return row.error();
    if (!*row) return Error::internal("secret fingerprint vanished inside its transaction");
    recorded = select->columnText(0);
  }
  if (Status s = tx.commit(); !s.ok()) return s.error();
  return recorded;
}

Result<int64_t> SqliteSecretFingerprintStore::forgetAll() {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  SqliteConnection& connection = **lease;
  if (Status s = connection.run(kDeleteAll); !s.ok()) return s.error();
  return static_cast<int64_t>(sqlite3_changes(connection.handle()));
}

}  // namespace callgate
