// The SQLite schema as an ordered list of migrations. Migration i (0-based) takes a database from
// schema version i to i + 1 (kept in PRAGMA user_version). Append new migrations; never edit or
// reorder shipped ones, since databases in the field have already applied them.
#pragma once

#include <span>

namespace callgate {

std::span<const char* const> sqliteMigrations();

}  // namespace callgate
