#include "adapters/storage/sqlite/sqlite_member_store.h"

#include <sqlite3.h>

namespace callgate {
namespace {

constexpr const char* kAccountExists = "SELECT 1 FROM customers WHERE user_id = ?1";
constexpr const char* kInsert =
    "INSERT INTO members (account_user_id, name, relationship, date_of_birth, phone, "
    "created_at_ms) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
constexpr const char* kList =
    "SELECT id, account_user_id, name, relationship, date_of_birth, phone, created_at_ms "
    "FROM members WHERE account_user_id = ?1 ORDER BY id";

}  // namespace

Result<int64_t> SqliteMemberStore::add(const Member& member) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  SqliteConnection& connection = **lease;
  SqliteTransaction tx(connection);
  if (Status s = tx.begin(); !s.ok()) return s.error();
  {
    auto stmt = connection.prepare(kAccountExists);
    if (!stmt) return stmt.error();
    stmt->bind(1, member.accountUserId);
    auto row = stmt->step();
    if (!row) return row.error();
    if (!*row) return Error::notFound("no account with user id " + member.accountUserId);
  }
  int64_t id = 0;
  {
    auto stmt = connection.prepare(kInsert);
    if (!stmt) return stmt.error();
    stmt->bind(1, member.accountUserId)
        .bind(2, member.name)
        .bind(3, member.relationship)
        .bind(4, member.dateOfBirth)
        .bind(5, member.phone)
        .bind(6, toUnixMillis(member.createdAt));
    if (Status s = stmt->run(); !s.ok()) return s.error();
    id = static_cast<int64_t>(sqlite3_last_insert_rowid(connection.handle()));
  }
  if (Status s = tx.commit(); !s.ok()) return s.error();
  return id;
}

Result<std::vector<Member>> SqliteMemberStore::listByAccount(const std::string& accountUserId) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto stmt = (*lease)->prepare(kList);
  if (!stmt) return stmt.error();
  stmt->bind(1, accountUserId);
  std::vector<Member> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return row.error();
    if (!*row) break;
    Member m;
    m.id = stmt->columnInt64(0);
    m.accountUserId = stmt->columnText(1);
    m.name = stmt->columnText(2);
    m.relationship = stmt->columnText(3);
    m.dateOfBirth = stmt->columnText(4);
    m.phone = stmt->columnText(5);
    m.createdAt = fromUnixMillis(stmt->columnInt64(6));
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace callgate
