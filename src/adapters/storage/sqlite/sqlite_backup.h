// An online backup of the SQLite store with SQLite's backup API (`callgate backup --to FILE`):
// a consistent copy of the whole database taken while the server keeps serving, in this process
// or another one. The copy is one transaction's snapshot: in WAL mode that read transaction does
// not block writers, so the server is never held up; the copy reflects the database as of the
// moment the backup started.
//
// The copy is written beside `destination` under a temporary name, made self-contained (rollback
// journal mode, no -wal file), checked (PRAGMA quick_check), flushed to disk and then renamed over
// `destination`, so a crash leaves either the previous file or the complete new one, never half a
// backup. It is created 0600: it holds the same customer data as the database.
//
// Thread-safety: leases one connection of `source` for the duration; safe beside any other use.
#pragma once

#include <cstdint>
#include <string>

#include "adapters/storage/sqlite/sqlite_database.h"
#include "common/result.h"

namespace callgate {

struct SqliteBackupInfo {
  int64_t pages = 0;
  int64_t bytes = 0;  // size of the finished copy
};

// kInvalidArgument when `destination` is the database itself (or its -wal/-shm), kUnavailable
// naming the file on any I/O or SQLite failure (the temporary file is removed), kInternal when
// the copy fails its check.
Result<SqliteBackupInfo> backupSqliteDatabase(SqliteDatabase& source,
                                              const std::string& destination);

}  // namespace callgate
