// PgCredentialStore: the CredentialStore port over pin_credentials and pin_failures of a
// PgDatabase. beginPinAttempt is one transaction that locks the user id's row (SELECT ... FOR
// UPDATE) before reading it: concurrent attempts on every node count one at a time, so none can
// slip past a lock. Borrows the database, which must outlive it. Thread-safe.
#pragma once

#include <optional>
#include <string>

#include "adapters/storage/postgres/pg_database.h"
#include "core/ports.h"

namespace callgate {

class PgCredentialStore final : public CredentialStore {
 public:
  explicit PgCredentialStore(PgDatabase& db) : db_(db) {}

  Result<std::optional<std::string>> pinHash(const std::string& userId) override;
  Status setPinHash(const std::string& userId, const std::string& pinHash, TimePoint now) override;
  Result<PinAttempt> beginPinAttempt(const std::string& userId, const PinLockoutPolicy& policy,
                                     TimePoint now) override;
  Status resetPinFailures(const std::string& userId) override;
  Result<bool> refundPinAttempt(const std::string& userId, const PinAttempt& attempt) override;
  Result<PinFailureState> pinFailures(const std::string& userId) override;
  Result<bool> unlock(const std::string& userId) override;

 private:
  PgDatabase& db_;
};

}  // namespace callgate
