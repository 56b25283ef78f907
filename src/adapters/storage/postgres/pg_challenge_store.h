// PgChallengeStore: the ChallengeStore port over the challenges table of a PgDatabase, the same
// database as PgCustomerStore's so redeem() can verify a code and enrol the caller atomically.
// Each operation is a single statement (data-modifying CTEs where it needs two steps), atomic
// against every other session under READ COMMITTED: UPDATE ... WHERE state = 'active' re-checks
// the row after waiting for a concurrent writer, and a partial unique index keeps one active
// challenge per number even when two nodes replace it at once (the loser retries).
// Borrows the database, which must outlive it. Thread-safe: every call leases its own pooled
// connection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "adapters/storage/postgres/pg_database.h"
#include "core/ports.h"

namespace callgate {

class PgChallengeStore final : public ChallengeStore {
 public:
  explicit PgChallengeStore(PgDatabase& db) : db_(db) {}

  Result<int64_t> replace(const Challenge& challenge) override;
  Result<std::optional<Challenge>> latest(const std::string& e164) override;
  Result<Challenge> recordFailure(int64_t id) override;
  Result<bool> redeem(int64_t id, TimePoint now, const std::optional<Customer>& enroll) override;
  Result<int64_t> countCreatedSince(const std::string& prefix, TimePoint since) override;
  Result<OtpFailures> countFailures(const std::string& e164, TimePoint since) override;

 private:
  PgDatabase& db_;
};

}  // namespace callgate
