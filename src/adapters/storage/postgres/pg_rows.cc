#include "adapters/storage/postgres/pg_rows.h"

#include <string>

namespace callgate::pg_rows {

Customer readCustomer(const PgResult& r, int row) {
  Customer c;
  c.phone = r.text(row, 0);
  c.firstName = r.text(row, 1);
  c.lastName = r.text(row, 2);
  c.level = r.text(row, 3);
  c.language = r.text(row, 4);
  c.createdAt = fromUnixMillis(r.integer(row, 5));
  c.userId = r.text(row, 6);  // NULL reads as ""
  return c;
}

Result<Challenge> readChallenge(const PgResult& r, int row) {
  Challenge c;
  c.id = r.integer(row, 0);
  c.phone = r.text(row, 1);
  c.codeHash = r.text(row, 2);
  c.language = r.text(row, 3);
  c.createdAt = fromUnixMillis(r.integer(row, 4));
  c.expiresAt = fromUnixMillis(r.integer(row, 5));
  c.attempts = static_cast<int>(r.integer(row, 6));
  c.maxAttempts = static_cast<int>(r.integer(row, 7));
  const std::string state = r.text(row, 8);
  if (!parseChallengeState(state, &c.state)) {
    return Error::internal("postgres: challenge " + std::to_string(c.id) + " has unknown state '" +
                           state + "'");
  }
  return c;
}

}  // namespace callgate::pg_rows
