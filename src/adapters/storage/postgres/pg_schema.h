// The PostgreSQL schema, as an append-only list of migrations (internal to the adapter).
// schema_migrations records which a database has applied; PgDatabase::open applies the rest.
#pragma once

#include <span>

namespace callgate {

std::span<const char* const> pgMigrations();

}  // namespace callgate
