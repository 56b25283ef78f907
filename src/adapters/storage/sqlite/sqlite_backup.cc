#include "adapters/storage/sqlite/sqlite_backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <thread>

#include "adapters/platform/file/unique_fd.h"

namespace callgate {
namespace {

namespace fs = std::filesystem;

// Closes the destination handle on every path.
struct DestinationDb {
  sqlite3* db = nullptr;
  ~DestinationDb() { sqlite3_close_v2(db); }
};

Error unavailable(const std::string& what, const std::string& why) {
  return Error::unavailable("backup: " + what + ": " + why);
}

// fsync of a file or directory, so the rename below publishes data that is on disk.
Status syncPath(const std::string& path, int flags) {
  const UniqueFd fd(::open(path.c_str(), flags | O_CLOEXEC));
  if (fd.get() < 0 || ::fsync(fd.get()) != 0) return unavailable(path, std::strerror(errno));
  return okStatus();
}

bool sameFile(const fs::path& a, const fs::path& b) {
  std::error_code ec;
  return fs::exists(a, ec) && fs::exists(b, ec) && fs::equivalent(a, b, ec);
}

// Copies every page of `source` into `dest` in one step: one read transaction, so one snapshot.
// Stepping in chunks would let the server's writes between chunks restart the copy (SQLite
// restarts a backup whose source another connection changed), which a busy server could do for
// ever. SQLITE_BUSY/LOCKED only happen while another connection recovers the WAL: retry briefly.
Result<int64_t> copyPages(sqlite3* source, sqlite3* dest, const std::string& label) {
  sqlite3_backup* backup = sqlite3_backup_init(dest, "main", source, "main");
  if (backup == nullptr) return unavailable(label, sqlite3_errmsg(dest));
  int rc = SQLITE_OK;
  for (int attempt = 0; attempt < 50; ++attempt) {
    rc = sqlite3_backup_step(backup, -1);
    if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const int64_t pages = sqlite3_backup_pagecount(backup);
  const int finish = sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) return unavailable(label, sqlite3_errstr(rc));
  if (finish != SQLITE_OK) return unavailable(label, sqlite3_errmsg(dest));
  return pages;
}

Status exec(sqlite3* db, const char* sql, const std::string& label) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string why = message != nullptr ? message : sqlite3_errmsg(db);
    sqlite3_free(message);
    return unavailable(label, why);
  }
  return okStatus();
}

// "ok" from PRAGMA quick_check, or the first problem it names.
Status quickCheck(sqlite3* db, const std::string& label) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &stmt, nullptr) != SQLITE_OK)
    return unavailable(label, sqlite3_errmsg(db));
  std::string result;
  if (sqlite3_step(stmt) == SQLITE_ROW) {
    const unsigned char* text = sqlite3_column_text(stmt, 0);
    result = text != nullptr ? reinterpret_cast<const char*>(text) : "";
  }
  sqlite3_finalize(stmt);
  if (result != "ok") return Error::internal("backup: " + label + " fails its check: " + result);
  return okStatus();
}

// The copy into `temp`, made self-contained and checked; `temp` exists (empty, 0600).
Result<int64_t> writeCopy(SqliteDatabase& source, const std::string& temp) {
  DestinationDb dest;
  if (sqlite3_open_v2(temp.c_str(), &dest.db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK)
    return unavailable(temp, dest.db != nullptr ? sqlite3_errmsg(dest.db) : "out of memory");
  int64_t pages = 0;
  {
    auto lease = source.acquire();
    if (!lease) return lease.error();
    auto copied = copyPages((*lease)->handle(), dest.db, temp);
    if (!copied) return copied.error();
    pages = *copied;
  }
  // The source is in WAL mode and so is the copied header; a backup is one file to carry
  // around, so switch it to a rollback journal (callgate switches a restored file back).
  if (Status s = exec(dest.db, "PRAGMA journal_mode=DELETE", temp); !s.ok()) return s.error();
  if (Status s = quickCheck(dest.db, temp); !s.ok()) return s.error();
  return pages;
}

}  // namespace

Result<SqliteBackupInfo> backupSqliteDatabase(SqliteDatabase& source,
                                              const std::string& destination) {
  if (destination.empty()) return Error::invalidArgument("backup: no destination file");
  const fs::path dest(destination);
  for (const char* suffix : {"", "-wal", "-shm"}) {
    if (sameFile(dest, source.path() + suffix)) {
      return Error::invalidArgument("backup: " + destination + " is the database itself (" +
                                    source.path() + suffix + ")");
    }
  }
  std::error_code ec;
  if (fs::is_directory(dest, ec)) {
    return Error::invalidArgument("backup: " + destination +
                                  " is a directory; name the file to write");
  }
  const fs::path parent = dest.has_parent_path() ? dest.parent_path() : fs::path(".");
  const std::string temp =
      (parent / ("." + dest.filename().string() + ".tmp-" + std::to_string(::getpid()))).string();
  {
    const UniqueFd created(
        ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (created.get() < 0) return unavailable(temp, std::strerror(errno));
  }
  auto pages = writeCopy(source, temp);
  Status published = pages.ok() ? syncPath(temp, O_RDONLY) : Status(pages.error());
  if (published.ok() && std::rename(temp.c_str(), destination.c_str()) != 0)
    published = unavailable(destination, std::strerror(errno));
  if (!published.ok()) {
    fs::remove(temp, ec);
    fs::remove(temp + "-journal", ec);
    return published.error();
  }
  if (Status s = syncPath(parent.string(), O_RDONLY | O_DIRECTORY); !s.ok()) return s.error();
  SqliteBackupInfo info;
  info.pages = *pages;
  info.bytes = static_cast<int64_t>(fs::file_size(dest, ec));
  return info;
}

}  // namespace callgate
