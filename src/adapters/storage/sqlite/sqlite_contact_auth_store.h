// SqliteContactAuthStore: the ContactAuthStore port over the contact_auth table of a
// SqliteDatabase (one row per contact id and method). record() is one INSERT ... ON CONFLICT DO
// UPDATE, so concurrent writers of one (contact, method) leave exactly one row, the last write's;
// it then deletes at most kContactAuthPurgeBatch expired rows (an index range on expires_at_ms).
//
// Borrows the database, which must outlive it. Thread-safe: every call leases its own pooled
// connection.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "adapters/storage/sqlite/sqlite_database.h"
#include "core/ports.h"

namespace callgate {

class SqliteContactAuthStore final : public ContactAuthStore {
 public:
  explicit SqliteContactAuthStore(SqliteDatabase& db) : db_(db) {}

  Status record(const ContactAuthRecord& record, TimePoint now) override;
  Result<std::vector<ContactAuthRecord>> find(const std::string& contactId, TimePoint now) override;
  Result<int64_t> removeExpired(TimePoint now, int limit) override;

 private:
  SqliteDatabase& db_;
};

}  // namespace callgate
