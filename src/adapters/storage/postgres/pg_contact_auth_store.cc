#include "adapters/storage/postgres/pg_contact_auth_store.h"

#include <spdlog/spdlog.h>

namespace callgate {
namespace {

constexpr const char* kUpsert =
    "INSERT INTO contact_auth (contact_id, method, user_id, phone, expires_at_ms) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (contact_id, method) DO UPDATE SET "
    "user_id = EXCLUDED.user_id, phone = EXCLUDED.phone, expires_at_ms = EXCLUDED.expires_at_ms";
constexpr const char* kFind =
    "SELECT contact_id, method, user_id, phone, expires_at_ms FROM contact_auth "
    "WHERE contact_id = $1 AND expires_at_ms > $2 ORDER BY method";
// The oldest expired rows first, through the expiry index; LIMIT bounds the work of one call.
// Two nodes purging at once may pick the same rows; the loser deletes fewer, which is harmless.
constexpr const char* kPurge =
    "DELETE FROM contact_auth WHERE (contact_id, method) IN (SELECT contact_id, method FROM "
    "contact_auth WHERE expires_at_ms <= $1 ORDER BY expires_at_ms LIMIT $2)";

}  // namespace

Status PgContactAuthStore::record(const ContactAuthRecord& r, TimePoint now) {
  if (r.contactId.empty()) return Error::invalidArgument("empty contact id");
  {
    auto lease = db_.acquire();
    if (!lease) return lease.error();
    auto result = (*lease)->query(
        kUpsert, {r.contactId, r.method, r.userId, r.phone, toUnixMillis(r.expiresAt)});
    if (!result) return result.error();
  }
  auto purged = removeExpired(now, kContactAuthPurgeBatch);
  if (!purged) {
    spdlog::warn("event=contact_auth_purge_failed error=\"{}\"", purged.error().message());
  }
  return okStatus();
}

Result<std::vector<ContactAuthRecord>> PgContactAuthStore::find(const std::string& contactId,
                                                                TimePoint now) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto r = (*lease)->query(kFind, {contactId, toUnixMillis(now)});
  if (!r) return r.error();
  std::vector<ContactAuthRecord> out;
  for (int row = 0; row < r->rows(); ++row) {
    out.push_back({r->text(row, 0), r->text(row, 1), r->text(row, 2), r->text(row, 3),
                   fromUnixMillis(r->integer(row, 4))});
  }
  return out;
}

Result<int64_t> PgContactAuthStore::removeExpired(TimePoint now, int limit) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto r = (*lease)->query(kPurge, {toUnixMillis(now), static_cast<int64_t>(limit)});
  if (!r) return r.error();
  return r->affected();
}

}  // namespace callgate
