// Internal to the SQLite adapter: the column lists and row <-> struct conversions shared by the
// customer and challenge stores (redeem() enrols a customer from the challenge store). Not part
// of the adapter's public surface.
#pragma once

#include "adapters/storage/sqlite/sqlite_connection.h"
#include "common/result.h"
#include "core/challenge.h"
#include "core/customer.h"

namespace callgate::sqlite_rows {

// Column orders (each SELECT must list them so, and the customer INSERT binds ?1..?6 so):
//   customer:  phone, first_name, last_name, level, language, created_at_ms, user_id
//   challenge: id, phone, code_hash, language, created_at_ms, expires_at_ms, attempts,
//              max_attempts, state
// They are spelled out in each statement rather than concatenated so every SQL text is a literal,
// the key of the per-connection statement cache. An empty user id is stored as NULL (NULLIF), so
// that customers without one never collide in the unique index.
// region is regionOf(phone), worked out on insert (?8).
inline constexpr const char* kInsertCustomer =
    "INSERT INTO customers (phone, first_name, last_name, level, language, created_at_ms, user_id, "
    "region) VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULLIF(?7, ''), ?8)";

// Binds ?1..?7 in the customer column order, and ?8 the number's region.
void bindCustomer(SqliteStatement& stmt, const Customer& customer);
Customer readCustomer(const SqliteStatement& stmt);
// kInternal if the stored state is not one we know (a newer binary's value, or corruption).
Result<Challenge> readChallenge(const SqliteStatement& stmt);

}  // namespace callgate::sqlite_rows
