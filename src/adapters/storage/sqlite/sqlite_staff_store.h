// SqliteStaffStore: the StaffStore port over the staff and staff_sessions tables of a
// SqliteDatabase. Every operation is one statement, so none needs a transaction: the lock
// counter and the TOTP replay check are conditional UPDATEs, and a reset ends sessions by bumping
// the account's epoch, which findSession() joins on.
//
// Borrows the database, which must outlive it. Thread-safe: every call leases its own pooled
// connection.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "adapters/storage/sqlite/sqlite_database.h"
#include "core/staff.h"

namespace callgate {

class SqliteStaffStore final : public StaffStore {
 public:
  explicit SqliteStaffStore(SqliteDatabase& db) : db_(db) {}

  Status add(const StaffAccount& account) override;
  Result<std::optional<StaffAccount>> find(const std::string& username) override;
  Result<std::vector<StaffAccount>> list() override;
  Status resetCredentials(const std::string& username, StaffRole role,
                          const std::string& passwordHash,
                          const std::string& totpSeedSealed) override;
  Status remove(const std::string& username) override;
  Result<bool> beginSignIn(const std::string& username, TimePoint now, int lockAfter,
                           Seconds lockFor) override;
  Result<bool> completeSignIn(const std::string& username, int64_t step, TimePoint now) override;
  Status createSession(const StaffSession& session) override;
  Result<std::optional<StaffSessionView>> findSession(const std::string& idHash, TimePoint now,
                                                      Seconds idle) override;
  Status touchSession(const std::string& idHash, TimePoint now) override;
  Status deleteSession(const std::string& idHash) override;
  Result<int64_t> removeExpiredSessions(TimePoint now, Seconds idle, int limit) override;

 private:
  // Runs a write and returns how many rows it changed.
  Result<int64_t> change(const char* sql, const std::function<void(SqliteStatement&)>& bind);
  Status existsOrNotFound(const std::string& username);

  SqliteDatabase& db_;
};

}  // namespace callgate
