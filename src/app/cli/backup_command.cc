#include <filesystem>
#include <iostream>

#include "adapters/storage/sqlite/sqlite_backup.h"
#include "adapters/storage/sqlite/sqlite_database.h"
#include "app/cli/commands.h"

namespace callgate::app {

int backupCommand(const Config& config, const std::string& destination) {
  if (config.storage.isPostgres()) {
    // Its own tools do it better than a copy through one connection could: consistent dumps
    // without locking writers, and point-in-time recovery.
    std::cerr << "callgate: backup copies the SQLite store only; this config uses PostgreSQL: "
                 "back it up with pg_dump, or base backups with WAL archiving "
                 "(docs/OPERATIONS.md, Backups)\n";
    return 2;
  }
  const std::string& path = config.storage.location;
  std::error_code ec;
  // Opening would create an empty database; a backup of nothing is a mistake to report.
  if (!std::filesystem::is_regular_file(path, ec)) {
    std::cerr << "callgate: backup: no database at " << path << " (--db or [storage] db)\n";
    return 1;
  }
  auto db = SqliteDatabase::open(path, SqliteOptions{.maxConnections = 1});
  if (!db.ok()) {
    std::cerr << "callgate: " << db.error().message() << "\n";
    return 1;
  }
  auto info = backupSqliteDatabase(**db, destination);
  if (!info.ok()) {
    std::cerr << "callgate: " << info.error().message() << "\n";
    return info.error().code() == ErrorCode::kInvalidArgument ? 2 : 1;
  }
  std::cout << "backed up " << path << " to " << destination << " (" << info->bytes
            << " bytes, checked)\n";
  return 0;
}

}  // namespace callgate::app
