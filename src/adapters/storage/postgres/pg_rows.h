// Internal to the PostgreSQL adapter: the column lists and row -> struct conversions shared by
// the customer and challenge stores (redeem() enrols a customer from the challenge store).
#pragma once

#include "adapters/storage/postgres/pg_connection.h"
#include "common/result.h"
#include "core/challenge.h"
#include "core/customer.h"

namespace callgate::pg_rows {

// Column orders (each SELECT lists them so):
//   customer:  phone, first_name, last_name, level, language, created_at_ms, user_id
//   challenge: id, phone, code_hash, language, created_at_ms, expires_at_ms, attempts,
//              max_attempts, state
// An empty user id is stored as NULL (NULLIF), so customers without one never collide in the
// unique index.
Customer readCustomer(const PgResult& r, int row);
// kInternal if the stored state is not one we know (a newer binary's value, or corruption).
Result<Challenge> readChallenge(const PgResult& r, int row);

}  // namespace callgate::pg_rows
