// PgContactAuthStore: the ContactAuthStore port over the contact_auth table of a PgDatabase (one
// row per contact id and method), shared by every node of a cluster, so a contact verified on
// one node is honoured on another. record() is one INSERT ... ON CONFLICT DO UPDATE (concurrent
// writers of one (contact, method) leave one row); it then deletes at most
// kContactAuthPurgeBatch expired rows (an index range on expires_at_ms).
//
// Borrows the database, which must outlive it. Thread-safe: every call leases its own pooled
// connection.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "adapters/storage/postgres/pg_database.h"
#include "core/ports.h"

namespace callgate {

class PgContactAuthStore final : public ContactAuthStore {
 public:
  explicit PgContactAuthStore(PgDatabase& db) : db_(db) {}

  Status record(const ContactAuthRecord& record, TimePoint now) override;
  Result<std::vector<ContactAuthRecord>> find(const std::string& contactId, TimePoint now) override;
  Result<int64_t> removeExpired(TimePoint now, int limit) override;

 private:
  PgDatabase& db_;
};

}  // namespace callgate
