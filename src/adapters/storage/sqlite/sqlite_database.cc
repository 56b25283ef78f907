#include "adapters/storage/sqlite/sqlite_database.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <algorithm>
#include <cassert>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

#include "adapters/platform/file/private_file.h"
#include "adapters/platform/file/unique_fd.h"
#include "adapters/storage/sqlite/sqlite_schema.h"
#include "common/metrics_catalog.h"

namespace callgate {
namespace {

constexpr const char* kMemoryPath = ":memory:";

Result<int> readSchemaVersion(SqliteConnection& connection) {
  auto stmt = connection.prepare("PRAGMA user_version");
  if (!stmt) return stmt.error();
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) return Error::internal("sqlite: PRAGMA user_version returned no row");
  return static_cast<int>(stmt->columnInt64(0));
}

Error newerSchemaError(const std::string& path, int found) {
  return Error::failedPrecondition(
      "database " + path + " has schema version " + std::to_string(found) +
      ", newer than this callgate supports (" +
      std::to_string(SqliteDatabase::latestSchemaVersion()) +
      "); it was written by a newer release: upgrade callgate, or point it at another database");
}

// Applies the missing migrations one transaction each. The version is re-read under the write
// lock because another process (the server and a CLI started together) may be migrating the same
// file at the same moment; whoever comes second finds the work done.
Result<int> migrate(SqliteConnection& connection, const std::string& path) {
  const auto migrations = sqliteMigrations();
  const int latest = static_cast<int>(migrations.size());
  for (;;) {
    auto version = readSchemaVersion(connection);
    if (!version) return version.error();
    if (*version > latest) return newerSchemaError(path, *version);
    if (*version == latest) return latest;

    SqliteTransaction tx(connection);
    if (Status s = tx.begin(); !s.ok()) return s.error();
    version = readSchemaVersion(connection);
    if (!version) return version.error();
    if (*version >= latest) continue;  // migrated meanwhile; the next pass checks and returns
    const int next = *version + 1;
    Status s = connection.execScript(migrations[static_cast<size_t>(*version)]);
    if (s.ok()) s = connection.execScript("PRAGMA user_version = " + std::to_string(next));
    if (s.ok()) s = tx.commit();
    if (!s.ok()) {
      return Error(s.error().code(), "migrating " + path + " to schema version " +
                                         std::to_string(next) + ": " + s.error().message());
    }
  }
}

Status enableWal(SqliteConnection& connection, const std::string& path) {
  // WAL is a property of the file, so setting it once at open covers every later connection and
  // process. Readers then never block the writer, nor the writer the readers.
  auto stmt = connection.prepare("PRAGMA journal_mode = WAL");
  if (!stmt) return stmt.error();
  auto row = stmt->step();
  if (!row) return row.error();
  const std::string mode = *row ? stmt->columnText(0) : "";
  if (mode != "wal") {
    return Error::unavailable("sqlite: could not switch " + path + " to WAL journal mode (got '" +
                              mode + "'); is it on a filesystem without shared memory support?");
  }
  return okStatus();
}

// True when the file `connection` has open is no longer the one at its path: deleted, renamed,
// or replaced (a restore done while the server runs). In WAL mode SQLite goes on writing to such
// a file as if nothing happened, so every later commit would be lost with it.
bool fileHasMoved(SqliteConnection& connection) {
  int moved = 0;
  const int rc = sqlite3_file_control(connection.handle(), "main", SQLITE_FCNTL_HAS_MOVED, &moved);
  return rc == SQLITE_OK && moved != 0;  // ":memory:" answers SQLITE_NOTFOUND
}

// This thread's parking slot: threads are numbered as they first ask, modulo `slots`.
size_t threadSlot(size_t slots) {
  static std::atomic<size_t> next{0};
  thread_local const size_t mine = next.fetch_add(1, std::memory_order_relaxed);
  return mine % slots;
}

}  // namespace

// ---- Lease ----

SqliteDatabase::Lease::Lease(SqliteDatabase* owner, std::unique_ptr<SqliteConnection> connection)
    : owner_(owner), connection_(std::move(connection)) {
  if (connection_) metrics::dbPoolInUse().with().add();
}

SqliteDatabase::Lease::Lease(Lease&& other) noexcept
    : owner_(other.owner_), connection_(std::move(other.connection_)) {}

SqliteDatabase::Lease::~Lease() {
  if (!connection_) return;  // moved from
  metrics::dbPoolInUse().with().sub();
  owner_->release(std::move(connection_));
}

// ---- SqliteDatabase ----

int SqliteDatabase::latestSchemaVersion() { return static_cast<int>(sqliteMigrations().size()); }

SqliteDatabase::SqliteDatabase(std::string path, int maxConnections, Millis busyTimeout)
    : path_(std::move(path)), maxConnections_(maxConnections), busyTimeout_(busyTimeout) {}

SqliteDatabase::~SqliteDatabase() {
  // Every lease must be back by now (the stores borrow this object); closing the idle connections
  // finalizes their statements.
  for (auto& slot : parked_) {
    if (SqliteConnection* parked = slot.exchange(nullptr)) idle_.emplace_back(parked);
  }
  assert(static_cast<int>(idle_.size()) == opened_);
}

Result<std::unique_ptr<SqliteDatabase>> SqliteDatabase::open(const std::string& path) {
  return open(path, SqliteOptions{});
}

Result<std::unique_ptr<SqliteDatabase>> SqliteDatabase::open(const std::string& path,
                                                             const SqliteOptions& options) {
  if (path.empty()) return Error::invalidArgument("sqlite: empty database path");
  if (sqlite3_threadsafe() == 0) {
    return Error::internal("sqlite: the linked SQLite library was built without thread support");
  }
  const bool inMemory = path == kMemoryPath;
  if (!inMemory) {
    // A missing state directory is created 0700 whatever the umask.
    if (Status dir = ensureParentDirectory(path, "sqlite: database"); !dir.ok()) {
      return dir.error();
    }
    // A new database holds customer data: create it private (0600). SQLite gives its -wal and
    // -shm files the database file's permissions. An existing file keeps the mode it has.
    const UniqueFd created(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (created.get() < 0 && errno != EEXIST) {
      return Error::unavailable("sqlite: cannot create " + path + ": " + std::strerror(errno));
    }
  }
  const int maxConnections = inMemory ? 1 : std::max(1, options.maxConnections);
  std::unique_ptr<SqliteDatabase> db(new SqliteDatabase(path, maxConnections, options.busyTimeout));

  auto first = db->openConnection();
  if (!first) return first.error();
  if (!inMemory) {
    if (Status s = enableWal(**first, path); !s.ok()) return s.error();
  }
  auto version = migrate(**first, path);
  if (!version) return version.error();
  db->schemaVersion_ = *version;
  db->idle_.push_back(std::move(*first));
  db->opened_ = 1;
  return {std::move(db)};
}

Result<std::unique_ptr<SqliteConnection>> SqliteDatabase::openConnection() const {
  // NOMUTEX: a lease gives one thread at a time a connection, so SQLite's own per-connection
  // mutex would only add cost on the hot path. No CREATE: open() has created the file, and a file
  // that went away must not come back empty under a later connection (it has no schema).
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  return SqliteConnection::open(path_, flags, busyTimeout_);
}

Result<SqliteDatabase::Lease> SqliteDatabase::acquire() {
  // This thread's parked connection first: no mutex, no other thread met. With 2 io threads
  // answering lookup-caller, the shared pool's mutex was their main futex contention: CPU per
  // request 17.3 → 16.2 µs (1 io thread: 13.2 → 12.5; docs/PERFORMANCE.md, 2026-12-06).
  if (SqliteConnection* mine = parked_[threadSlot(kSlots)].exchange(nullptr)) {
    std::unique_ptr<SqliteConnection> connection(mine);
    if (!fileHasMoved(*connection)) return Lease(this, std::move(connection));
    std::lock_guard lock(mutex_);
    dropMoved(std::move(connection));
  }
  std::unique_lock lock(mutex_);
  for (;;) {
    // One parked by another thread before opening another: a pooled connection is never left
    // unused (and unchecked) while the pool grows.
    if (idle_.empty()) unparkOne();
    if (!idle_.empty()) {
      // Last in, first out: the most recently used connection has the warmest page cache.
      std::unique_ptr<SqliteConnection> connection = std::move(idle_.back());
      idle_.pop_back();
      if (!fileHasMoved(*connection)) return Lease(this, std::move(connection));
      dropMoved(std::move(connection));
      continue;
    }
    if (opened_ < maxConnections_) {
      ++opened_;  // reserve the slot, then open without holding the lock
      lock.unlock();
      auto connection = openConnection();
      if (!connection) {
        lock.lock();
        --opened_;
        available_.notify_one();
        return connection.error();
      }
      return Lease(this, std::move(*connection));
    }
    // All opened, none idle: take one parked by another thread, else wait for a release. Counted
    // as waiting before looking at the slots, so a release that parks after the look sees us and
    // hands its connection over through idle_ (release()).
    waiting_.fetch_add(1);
    if (!unparkOne()) available_.wait(lock);
    waiting_.fetch_sub(1);
  }
}

void SqliteDatabase::dropMoved(std::unique_ptr<SqliteConnection> connection) {
  // Drop it and open the path again: a file put back (restored) is used from now on, and a
  // missing one is kUnavailable until it is back. Closing does not checkpoint into, or delete
  // the -wal of, a file that has moved (SQLite checks), so a new file is safe.
  spdlog::warn(
      "event=sqlite_file_moved path={} reason=\"the database file was deleted, renamed "
      "or replaced while open; reopening it\"",
      path_);
  --opened_;
  connection.reset();
}

bool SqliteDatabase::unparkOne() {
  for (auto& slot : parked_) {
    if (SqliteConnection* parked = slot.exchange(nullptr)) {
      idle_.emplace_back(parked);
      return true;
    }
  }
  return false;
}

Status SqliteDatabase::ping() {
  auto lease = acquire();
  if (!lease.ok()) return Error::unavailable(lease.error().message());
  // Reads the schema page, so a file that went away or became unreadable is noticed; SELECT 1
  // would be answered without touching the file.
  auto statement = (*lease)->prepare("SELECT count(*) FROM sqlite_master");
  if (!statement.ok()) return Error::unavailable(statement.error().message());
  auto row = statement->step();
  if (!row.ok()) return Error::unavailable(row.error().message());
  return okStatus();  // the statement is reset (its read lock let go) when it goes out of scope
}

void SqliteDatabase::release(std::unique_ptr<SqliteConnection> connection) {
  // A transaction left open by a bug would hold the write lock for every later user of this
  // connection; roll it back before anyone else gets it.
  if (connection->inTransaction()) (void)connection->run("ROLLBACK");
  std::atomic<SqliteConnection*>& slot = parked_[threadSlot(kSlots)];
  SqliteConnection* empty = nullptr;
  if (waiting_.load() == 0 && slot.compare_exchange_strong(empty, connection.get())) {
    connection.release();  // the slot owns it now
    if (waiting_.load() == 0) return;
    // A thread began waiting meanwhile, and may have looked at the slots before we parked.
    connection.reset(slot.exchange(nullptr));
    if (!connection) return;  // it took the parked one
  }
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(connection));
  }
  available_.notify_one();
}

}  // namespace callgate
