// SqliteCredentialStore: the CredentialStore port over the pin_credentials and pin_failures
// tables of a SqliteDatabase (schema: kCredentials in sqlite_schema.cc). Borrows the database,
// which must outlive it. Thread-safe: every call leases its own pooled connection, and each
// read-modify-write is one BEGIN IMMEDIATE transaction, so concurrent PIN attempts for one user
// id (threads or processes) are counted one after the other and never past a lock.
#pragma once

#include <optional>
#include <string>

#include "adapters/storage/sqlite/sqlite_database.h"
#include "core/ports.h"

namespace callgate {

class SqliteCredentialStore final : public CredentialStore {
 public:
  explicit SqliteCredentialStore(SqliteDatabase& db) : db_(db) {}

  Result<std::optional<std::string>> pinHash(const std::string& userId) override;
  Status setPinHash(const std::string& userId, const std::string& pinHash, TimePoint now) override;
  Result<PinAttempt> beginPinAttempt(const std::string& userId, const PinLockoutPolicy& policy,
                                     TimePoint now) override;
  Status resetPinFailures(const std::string& userId) override;
  Result<bool> refundPinAttempt(const std::string& userId, const PinAttempt& attempt) override;
  Result<PinFailureState> pinFailures(const std::string& userId) override;
  Result<bool> unlock(const std::string& userId) override;

 private:
  SqliteDatabase& db_;
};

}  // namespace callgate
