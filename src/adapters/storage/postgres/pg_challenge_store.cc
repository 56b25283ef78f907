#include "adapters/storage/postgres/pg_challenge_store.h"

#include "adapters/storage/postgres/pg_rows.h"
#include "core/phone.h"

namespace callgate {
namespace {

// The INSERT reads the CTE's count, which makes the UPDATE run to completion first (an
// unreferenced data-modifying CTE would run after the main statement, and the insert would then
// collide with the still-active row in challenges_one_active_per_phone).
constexpr const char* kReplace =
    "WITH voided AS (UPDATE challenges SET state = 'voided' WHERE phone = $1 AND state = 'active' "
    "RETURNING 1) "
    "INSERT INTO challenges (phone, code_hash, language, created_at_ms, expires_at_ms, attempts, "
    "max_attempts, state) SELECT $1, $2, $3, $4, $5, $6, $7, $8 FROM (SELECT COUNT(*) FROM voided) "
    "AS done RETURNING id";
constexpr const char* kLatest =
    "SELECT id, phone, code_hash, language, created_at_ms, expires_at_ms, attempts, max_attempts, "
    "state FROM challenges WHERE phone = $1 ORDER BY id DESC LIMIT 1";
// The row as this failure left it, or, when the challenge was not active (nothing to count), as
// it is.
constexpr const char* kRecordFailure =
    "WITH counted AS (UPDATE challenges SET attempts = attempts + 1, "
    "state = CASE WHEN attempts + 1 >= max_attempts THEN 'locked' ELSE state END "
    "WHERE id = $1 AND state = 'active' RETURNING id, phone, code_hash, language, created_at_ms, "
    "expires_at_ms, attempts, max_attempts, state) "
    "SELECT * FROM counted UNION ALL "
    "SELECT id, phone, code_hash, language, created_at_ms, expires_at_ms, attempts, max_attempts, "
    "state FROM challenges WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM counted)";
constexpr const char* kVerify =
    "UPDATE challenges SET state = 'verified' "
    "WHERE id = $1 AND state = 'active' AND attempts < max_attempts AND expires_at_ms > $2";
// DO NOTHING: a number enrolled meanwhile (or imported) keeps its existing record.
constexpr const char* kVerifyAndEnrol =
    "WITH verified AS (UPDATE challenges SET state = 'verified' "
    "WHERE id = $1 AND state = 'active' AND attempts < max_attempts AND expires_at_ms > $2 "
    "RETURNING id), "
    "enrolled AS (INSERT INTO customers (phone, first_name, last_name, level, language, "
    "created_at_ms, user_id, region) SELECT $3, $4, $5, $6, $7, $8, NULLIF($9, ''), $10 "
    "FROM verified "
    "ON CONFLICT (phone) DO NOTHING) "
    "SELECT COUNT(*) FROM verified";
constexpr const char* kCountRange =
    "SELECT COUNT(*) FROM challenges WHERE phone >= $1 AND phone < $2 AND created_at_ms >= $3";
constexpr const char* kCountPrefix =
    "SELECT COUNT(*) FROM challenges WHERE left(phone, char_length($1)) = $1 AND "
    "created_at_ms >= $2";
constexpr const char* kCountFailures =
    "SELECT COALESCE(SUM(CASE WHEN created_at_ms >= $2 THEN attempts ELSE 0 END), 0)::bigint, "
    "COALESCE(SUM(CASE WHEN id > COALESCE((SELECT MAX(id) FROM challenges WHERE phone = $1 AND "
    "state = 'verified'), 0) THEN attempts ELSE 0 END), 0)::bigint FROM challenges "
    "WHERE phone = $1";
constexpr int kReplaceAttempts = 5;

// The smallest string above every string starting with `prefix` ("+1" -> "+2"), so the prefix
// match is the index range [prefix, bound); nullopt when the last byte is not plain ASCII below
// 0x7F (the bumped byte would not be valid UTF-8, which PostgreSQL refuses).
std::optional<std::string> asciiUpperBound(const std::string& prefix) {
  if (prefix.empty()) return std::nullopt;
  const auto last = static_cast<unsigned char>(prefix.back());
  if (last >= 0x7F) return std::nullopt;
  std::string bound = prefix;
  bound.back() = static_cast<char>(last + 1);
  return bound;
}

}  // namespace

Result<int64_t> PgChallengeStore::replace(const Challenge& challenge) {
  Error last = Error::internal("unset");
  for (int attempt = 0; attempt < kReplaceAttempts; ++attempt) {
    auto lease = db_.acquire();
    if (!lease) return lease.error();
    auto r = (*lease)->query(
        kReplace,
        {challenge.phone, challenge.codeHash, challenge.language, toUnixMillis(challenge.createdAt),
         toUnixMillis(challenge.expiresAt), int64_t{challenge.attempts},
         int64_t{challenge.maxAttempts}, challengeStateName(challenge.state)});
    if (r) return r->integer(0, 0);
    // Another session inserted an active challenge for this number after our statement began:
    // run again, now seeing (and voiding) it.
    if (r.error().code() != ErrorCode::kAlreadyExists ||
        (*lease)->lastConstraint() != "challenges_one_active_per_phone") {
      return r.error();
    }
    last = r.error();
  }
  return Error::unavailable("postgres: replacing a challenge kept colliding: " + last.message());
}

Result<std::optional<Challenge>> PgChallengeStore::latest(const std::string& e164) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto r = (*lease)->query(kLatest, {e164});
  if (!r) return r.error();
  if (r->rows() == 0) return std::optional<Challenge>();
  auto challenge = pg_rows::readChallenge(*r, 0);
  if (!challenge) return challenge.error();
  return std::optional<Challenge>(std::move(*challenge));
}

Result<Challenge> PgChallengeStore::recordFailure(int64_t id) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto r = (*lease)->query(kRecordFailure, {id});
  if (!r) return r.error();
  if (r->rows() == 0) return Error::notFound("challenge " + std::to_string(id) + " not found");
  return pg_rows::readChallenge(*r, 0);
}

Result<bool> PgChallengeStore::redeem(int64_t id, TimePoint now,
                                      const std::optional<Customer>& enroll) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  if (!enroll) {
    auto r = (*lease)->query(kVerify, {id, toUnixMillis(now)});
    if (!r) return r.error();
    return r->affected() == 1;
  }
  auto r = (*lease)->query(
      kVerifyAndEnrol,
      {id, toUnixMillis(now), enroll->phone, enroll->firstName, enroll->lastName, enroll->level,
       enroll->language, toUnixMillis(enroll->createdAt), enroll->userId, regionOf(enroll->phone)});
  if (!r) return r.error();
  return r->integer(0, 0) == 1;
}

Result<int64_t> PgChallengeStore::countCreatedSince(const std::string& prefix, TimePoint since) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  const std::optional<std::string> bound = asciiUpperBound(prefix);
  auto r = bound ? (*lease)->query(kCountRange, {prefix, *bound, toUnixMillis(since)})
                 : (*lease)->query(kCountPrefix, {prefix, toUnixMillis(since)});
  if (!r) return r.error();
  return r->integer(0, 0);
}

Result<OtpFailures> PgChallengeStore::countFailures(const std::string& e164, TimePoint since) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto r = (*lease)->query(kCountFailures, {e164, toUnixMillis(since)});
  if (!r) return r.error();
  return OtpFailures{r->integer(0, 0), r->integer(0, 1)};
}

}  // namespace callgate
