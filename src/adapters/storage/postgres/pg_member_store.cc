#include "adapters/storage/postgres/pg_member_store.h"

namespace callgate {
namespace {

constexpr const char* kInsert =
    "INSERT INTO members (account_user_id, name, relationship, date_of_birth, phone, "
    "created_at_ms) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
constexpr const char* kList =
    "SELECT id, account_user_id, name, relationship, date_of_birth, phone, created_at_ms "
    "FROM members WHERE account_user_id = $1 ORDER BY id";

}  // namespace

Result<int64_t> PgMemberStore::add(const Member& member) {
  if (member.accountUserId.empty())
    return Error::notFound("no account with user id " + member.accountUserId);
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto r =
      (*lease)->query(kInsert, {member.accountUserId, member.name, member.relationship,
                                member.dateOfBirth, member.phone, toUnixMillis(member.createdAt)});
  if (!r) {
    if (r.error().code() == ErrorCode::kNotFound)
      return Error::notFound("no account with user id " + member.accountUserId);
    return r.error();
  }
  return r->integer(0, 0);
}

Result<std::vector<Member>> PgMemberStore::listByAccount(const std::string& accountUserId) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto r = (*lease)->query(kList, {accountUserId});
  if (!r) return r.error();
  std::vector<Member> out;
  out.reserve(static_cast<size_t>(r->rows()));
  for (int i = 0; i < r->rows(); ++i) {
    Member m;
    m.id = r->integer(i, 0);
    m.accountUserId = r->text(i, 1);
    m.name = r->text(i, 2);
    m.relationship = r->text(i, 3);
    m.dateOfBirth = r->text(i, 4);
    m.phone = r->text(i, 5);
    m.createdAt = fromUnixMillis(r->integer(i, 6));
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace callgate
