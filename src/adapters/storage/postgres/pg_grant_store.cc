#include "adapters/storage/postgres/pg_grant_store.h"

namespace callgate {
namespace {

constexpr const char* kInsert =
    "INSERT INTO action_grants (code_hash, user_id, action, phone, created_at_ms, expires_at_ms, "
    "state, redeemed_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL) RETURNING id";
constexpr const char* kFind =
    "SELECT id, code_hash, user_id, action, phone, created_at_ms, expires_at_ms, state, "
    "COALESCE(redeemed_at_ms, 0) FROM action_grants WHERE code_hash = $1";
// One statement, so the check and the change cannot be separated by another redeem.
constexpr const char* kRedeem =
    "UPDATE action_grants SET state = 'redeemed', redeemed_at_ms = $2 "
    "WHERE id = $1 AND state = 'issued' AND expires_at_ms > $2";
constexpr const char* kCount =
    "SELECT COUNT(*) FROM action_grants WHERE user_id = $1 AND created_at_ms >= $2";

}  // namespace

Result<int64_t> PgGrantStore::insert(const Grant& grant) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto r = (*lease)->query(kInsert, {grant.codeHash, grant.userId, grant.action, grant.phone,
                                     toUnixMillis(grant.createdAt), toUnixMillis(grant.expiresAt),
                                     grantStateName(grant.state)});
  if (!r) {
    if (r.error().code() == ErrorCode::kNotFound)
      return Error::notFound("no account with user id " + grant.userId);
    return r.error();
  }
  return r->integer(0, 0);
}

Result<std::optional<Grant>> PgGrantStore::findByCodeHash(const std::string& codeHash) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto r = (*lease)->query(kFind, {codeHash});
  if (!r) return r.error();
  if (r->rows() == 0) return std::optional<Grant>();
  Grant g;
  g.id = r->integer(0, 0);
  g.codeHash = r->text(0, 1);
  g.userId = r->text(0, 2);
  g.action = r->text(0, 3);
  g.phone = r->text(0, 4);
  g.createdAt = fromUnixMillis(r->integer(0, 5));
  g.expiresAt = fromUnixMillis(r->integer(0, 6));
  const std::string state = r->text(0, 7);
  if (!parseGrantState(state, &g.state)) {
    return Error::internal("postgres: grant " + std::to_string(g.id) + " has unknown state '" +
                           state + "'");
  }
  g.redeemedAt = fromUnixMillis(r->integer(0, 8));
  return std::optional<Grant>(std::move(g));
}

Result<bool> PgGrantStore::redeem(int64_t id, TimePoint now) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto r = (*lease)->query(kRedeem, {id, toUnixMillis(now)});
  if (!r) return r.error();
  return r->affected() == 1;
}

Result<int64_t> PgGrantStore::countIssuedSince(const std::string& userId, TimePoint since) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto r = (*lease)->query(kCount, {userId, toUnixMillis(since)});
  if (!r) return r.error();
  return r->integer(0, 0);
}

}  // namespace callgate
