// SqliteChallengeStore: the ChallengeStore port over the challenges table of a SqliteDatabase,
// the same database as SqliteCustomerStore's so redeem() can verify a code and enrol the caller
// in one transaction. Borrows the database, which must outlive it. Thread-safe: every call leases
// its own pooled connection; each multi-statement operation is one BEGIN IMMEDIATE transaction,
// so concurrent callers (threads or processes) see it whole or not at all.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/storage/sqlite/sqlite_database.h"
#include "core/ports.h"

namespace callgate {

class SqliteChallengeStore final : public ChallengeStore {
 public:
  explicit SqliteChallengeStore(SqliteDatabase& db) : db_(db) {}

  Result<int64_t> replace(const Challenge& challenge) override;
  Result<std::optional<Challenge>> latest(const std::string& e164) override;
  Result<Challenge> recordFailure(int64_t id) override;
  Result<bool> redeem(int64_t id, TimePoint now, const std::optional<Customer>& enroll) override;
  Result<int64_t> countCreatedSince(const std::string& prefix, TimePoint since) override;
  Result<OtpFailures> countFailures(const std::string& e164, TimePoint since) override;

 private:
  SqliteDatabase& db_;
};

// The smallest string greater than every string that starts with `prefix` ("+1" -> "+2",
// "+19" -> "+1:"), so that a prefix match is the index range [prefix, bound). nullopt when no
// such bound exists (empty prefix, or only 0xFF bytes): every string from `prefix` on matches.
std::optional<std::string> prefixUpperBound(std::string_view prefix);

}  // namespace callgate
