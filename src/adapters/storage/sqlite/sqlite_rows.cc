#include "adapters/storage/sqlite/sqlite_rows.h"

#include <string>

#include "core/phone.h"

namespace callgate::sqlite_rows {

void bindCustomer(SqliteStatement& stmt, const Customer& customer) {
  stmt.bind(1, customer.phone)
      .bind(2, customer.firstName)
      .bind(3, customer.lastName)
      .bind(4, customer.level)
      .bind(5, customer.language)
      .bind(6, toUnixMillis(customer.createdAt))
      .bind(7, customer.userId)
      .bind(8, regionOf(customer.phone));
}

Customer readCustomer(const SqliteStatement& stmt) {
  Customer c;
  c.phone = stmt.columnText(0);
  c.firstName = stmt.columnText(1);
  c.lastName = stmt.columnText(2);
  c.level = stmt.columnText(3);
  c.language = stmt.columnText(4);
  c.createdAt = fromUnixMillis(stmt.columnInt64(5));
  c.userId = stmt.columnText(6);  // NULL reads as ""
  return c;
}

Result<Challenge> readChallenge(const SqliteStatement& stmt) {
  Challenge c;
  c.id = stmt.columnInt64(0);
  c.phone = stmt.columnText(1);
  c.codeHash = stmt.columnText(2);
  c.language = stmt.columnText(3);
  c.createdAt = fromUnixMillis(stmt.columnInt64(4));
  c.expiresAt = fromUnixMillis(stmt.columnInt64(5));
  c.attempts = static_cast<int>(stmt.columnInt64(6));
  c.maxAttempts = static_cast<int>(stmt.columnInt64(7));
  const std::string state = stmt.columnText(8);
  if (!parseChallengeState(state, &c.state)) {
    return Error::internal("sqlite: challenge " + std::to_string(c.id) + " has unknown state '" +
                           state + "'");
  }
  return c;
}

}  // namespace callgate::sqlite_rows
