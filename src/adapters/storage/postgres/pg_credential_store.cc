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
// beginPinAttempt, in one transaction: make sure the row exists (an insert racing another waits
// for it and then does nothing), lock it, read it, write what decidePinAttempt chose. The row
// lock makes concurrent attempts on every node take their turns.
constexpr const char* kEnsureRow =
    "INSERT INTO pin_failures (user_id, failures, last_attempt_at_ms) VALUES ($1, 0, $2) "
    "ON CONFLICT (user_id) DO NOTHING";
constexpr const char* kLockRow =
    "SELECT failures, COALESCE(locked_at_ms, 0), locked_until_ms FROM pin_failures "
    "WHERE user_id = $1 FOR UPDATE";
constexpr const char* kStoreAttempt =
    "UPDATE pin_failures SET failures = $2, last_attempt_at_ms = $3, "
    "locked_at_ms = NULLIF($4::BIGINT, 0), locked_until_ms = $5 WHERE user_id = $1";
constexpr const char* kFailures =
    "SELECT failures, COALESCE(locked_at_ms, 0), locked_until_ms FROM pin_failures "
    "WHERE user_id = $1";
constexpr const char* kReset =
    "UPDATE pin_failures SET failures = 0, locked_at_ms = NULL, locked_until_ms = 0 "
    "WHERE user_id = $1 AND (failures <> 0 OR locked_at_ms IS NOT NULL OR locked_until_ms <> 0)";
constexpr const char* kUnlock = "DELETE FROM pin_failures WHERE user_id = $1";
constexpr const char* kRefund =
    "UPDATE pin_failures SET failures = $2, locked_at_ms = NULLIF($3::BIGINT, 0), "
    "locked_until_ms = $4 WHERE user_id = $1 AND failures = $5 AND last_attempt_at_ms = $6 "
    "RETURNING user_id";

PinFailureState stateOf(const PgResult& r) {
  PinFailureState state;
  if (r.rows() > 0) {
    state.failures = static_cast<int>(r.integer(0, 0));
    state.lockedAt = fromUnixMillis(r.integer(0, 1));
    state.lockedUntil = fromUnixMillis(r.integer(0, 2));
  }
  return state;
}

Result<PinFailureState> readFailures(PgConnection& c, const std::string& userId) {
  auto r = c.query(kFailures, {userId});
  if (!r) return r.error();
  return stateOf(*r);
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

Result<PinAttempt> PgCredentialStore::beginPinAttempt(const std::string& userId,
                                                      const PinLockoutPolicy& policy,
                                                      TimePoint now) {
  PinAttempt attempt;
  Status s = db_.transaction([&](PgConnection& c) -> Status {
    const int64_t at = toUnixMillis(now);
    if (auto r = c.query(kEnsureRow, {userId, at}); !r) return r.error();
    auto row = c.query(kLockRow, {userId});
    if (!row) return row.error();
    const PinAttemptDecision decision = decidePinAttempt(policy, stateOf(*row), now);
    attempt = decision.attempt;
    if (!decision.attempt.allowed) return okStatus();
    const PinFailureState& next = decision.next;
    auto stored =
        c.query(kStoreAttempt, {userId, int64_t{next.failures}, at, toUnixMillis(next.lockedAt),
                                toUnixMillis(next.lockedUntil)});
    if (!stored) return stored.error();
    return okStatus();
  });
  if (!s.ok()) return s.error();
  return attempt;
}

Status PgCredentialStore::resetPinFailures(const std::string& userId) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto r = (*lease)->query(kReset, {userId});
  if (!r) return r.error();
  return okStatus();
}

Result<bool> PgCredentialStore::refundPinAttempt(const std::string& userId,
                                                 const PinAttempt& attempt) {
  if (!attempt.allowed) return false;
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto r = (*lease)->query(
      kRefund, {userId, int64_t{attempt.before.failures}, toUnixMillis(attempt.before.lockedAt),
                toUnixMillis(attempt.before.lockedUntil), int64_t{attempt.failures},
                toUnixMillis(attempt.at)});
  if (!r) return r.error();
  return r->rows() > 0;
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
