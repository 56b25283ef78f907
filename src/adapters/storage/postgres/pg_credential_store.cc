#include "adapters/storage/postgres/pg_credential_store.h"

namespace callgate {
namespace {

// One query for both answers: no customer row -> no row; a customer without a PIN -> NULL hash.
constexpr const char* kPinHash =
    "SELECT p.pin_hash FROM customers c LEFT JOIN pin_credentials p ON p.user_id = c.user_id "
    "WHERE c.user_id = $1";
// The foreign key refuses a user id no customer has (kNotFound).
constexpr const char* kUpsertPin =
    "INSERT INTO pin_credentials (user_id, pin_hash, updated_at_ms) VALUES ($1, $2, $3) "
    "ON CONFLICT (user_id) DO UPDATE SET pin_hash = excluded.pin_hash, "
    "updated_at_ms = excluded.updated_at_ms";
// Counts the attempt if the limit is not reached, creating the row on the first one; the row
// lock serializes concurrent attempts. `allowed` rows come from the upsert; when it changed
// nothing (limit reached) the current count is read in the same statement.
constexpr const char* kAttempt =
    "WITH counted AS (INSERT INTO pin_failures (user_id, failures, last_attempt_at_ms, "
    "locked_at_ms) VALUES ($1, 1, $3, CASE WHEN 1 >= $2 THEN $3 END) "
    "ON CONFLICT (user_id) DO UPDATE SET failures = pin_failures.failures + 1, "
    "last_attempt_at_ms = $3, locked_at_ms = CASE WHEN pin_failures.failures + 1 >= $2 "
    "THEN COALESCE(pin_failures.locked_at_ms, $3) ELSE pin_failures.locked_at_ms END "
    "WHERE pin_failures.failures < $2 RETURNING failures) "
    "SELECT failures, true FROM counted UNION ALL "
    "SELECT failures, false FROM pin_failures WHERE user_id = $1 "
    "AND NOT EXISTS (SELECT 1 FROM counted)";
constexpr const char* kFailures =
    "SELECT failures, COALESCE(locked_at_ms, 0) FROM pin_failures WHERE user_id = $1";
constexpr const char* kReset =
    "UPDATE pin_failures SET failures = 0, locked_at_ms = NULL WHERE user_id = $1 AND "
    "(failures <> 0 OR locked_at_ms IS NOT NULL)";
constexpr const char* kUnlock = "DELETE FROM pin_failures WHERE user_id = $1";
// Only for a limit below one, where no attempt may ever be counted.
constexpr const char* kEnsureRow =
    "INSERT INTO pin_failures (user_id, failures, last_attempt_at_ms) VALUES ($1, 0, $2) "
    "ON CONFLICT (user_id) DO NOTHING";

Result<PinFailureState> readFailures(PgConnection& c, const std::string& userId) {
  auto r = c.query(kFailures, {userId});
  if (!r) return r.error();
  PinFailureState state;
  if (r->rows() > 0) {
    state.failures = static_cast<int>(r->integer(0, 0));
    state.lockedAt = fromUnixMillis(r->integer(0, 1));
  }
  return state;
}

}  // namespace

Result<std::optional<std::string>> PgCredentialStore::pinHash(const std::string& userId) {
  if (userId.empty()) return std::optional<std::string>();
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto r = (*lease)->query(kPinHash, {userId});
  if (!r) return r.error();
  if (r->rows() == 0) return std::optional<std::string>();
  return std::optional<std::string>(r->text(0, 0));  // NULL (no PIN) reads as ""
}

Status PgCredentialStore::setPinHash(const std::string& userId, const std::string& pinHash,
                                     TimePoint now) {
  if (userId.empty() || pinHash.empty())
    return Error::invalidArgument("user id and PIN hash are required");
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto r = (*lease)->query(kUpsertPin, {userId, pinHash, toUnixMillis(now)});
  if (!r) {
    if (r.error().code() == ErrorCode::kNotFound)
      return Error::notFound("no customer with user id " + userId);
    return r.error();
  }
  return okStatus();
}

Result<PinAttempt> PgCredentialStore::beginPinAttempt(const std::string& userId, int maxFailures,
                                                      TimePoint now) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  PgConnection& c = **lease;
  PinAttempt attempt;
  if (maxFailures < 1) {
    auto r = c.query(kEnsureRow, {userId, toUnixMillis(now)});
    if (!r) return r.error();
  } else {
    auto r = c.query(kAttempt, {userId, int64_t{maxFailures}, toUnixMillis(now)});
    if (!r) return r.error();
    if (r->rows() > 0) {
      attempt.failures = static_cast<int>(r->integer(0, 0));
      attempt.allowed = r->boolean(0, 1);
      return attempt;
    }
    // Refused because a row another session created after this statement began reached the
    // limit: it is invisible to the statement's snapshot, so read it now.
  }
  auto state = readFailures(c, userId);
  if (!state) return state.error();
  attempt.failures = state->failures;
  return attempt;
}

Status PgCredentialStore::resetPinFailures(const std::string& userId) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto r = (*lease)->query(kReset, {userId});
  if (!r) return r.error();
  return okStatus();
}

Result<PinFailureState> PgCredentialStore::pinFailures(const std::string& userId) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  return readFailures(**lease, userId);
}

Result<bool> PgCredentialStore::unlock(const std::string& userId) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto r = (*lease)->query(kUnlock, {userId});
  if (!r) return r.error();
  return r->affected() > 0;
}

}  // namespace callgate
