// SqliteDatabase: one SQLite database file shared by the SQLite stores (customers, challenges),
// opened once per process. open() creates the file (and its directory) on first run, switches it
// to WAL and applies the schema migrations this binary knows, each in its own transaction; it
// refuses a database whose schema is newer than the binary.
//
// Concurrency: a small pool of connections, each opened NOMUTEX and used by one thread at a time
// through a Lease, each with its own prepared-statement cache. WAL lets the pooled readers run in
// parallel with each other and with one writer, in this process or another one (the CLI writing
// while the server reads); writers queue on the busy timeout. Connections are opened lazily up to
// SqliteOptions::maxConnections; when all are leased, acquire() waits for one to come back.
// A released connection is parked in a slot of the releasing thread (a lock-free pointer swap),
// and that thread's next acquire() takes it back from there: a thread that reads again and again
// (an io thread answering lookups) neither takes the pool's mutex nor meets another thread on it,
// and keeps its warm page cache. A thread that finds the pool exhausted takes parked connections
// from the other slots before it waits, and a release goes to the shared list while anyone waits.
// ":memory:" uses a single connection, since every in-memory connection is a separate database.
// A pooled connection whose file was deleted, renamed or replaced since it was opened is dropped
// by acquire() and the path opened again, never created: WAL mode would otherwise go on writing
// into the lost file. So a missing file is kUnavailable until it is back, and a file put back
// is used without a restart.
//
// Ownership: the stores borrow the SqliteDatabase, which must outlive them and every Lease.
// All methods are thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "adapters/storage/sqlite/sqlite_connection.h"
#include "common/result.h"
#include "core/time.h"

namespace callgate {

struct SqliteOptions {
  // Upper bound on open connections, i.e. on statements running in parallel. A few more than the
  // worker pool is plenty; each connection costs a page cache of its own.
  int maxConnections = 8;
  // How long a statement waits for a lock held by another connection or process.
  Millis busyTimeout{5000};
};

class SqliteDatabase {
 public:
  // Exclusive use of one pooled connection; returns it to the pool when destroyed.
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;
    ~Lease();

    SqliteConnection& operator*() const { return *connection_; }
    SqliteConnection* operator->() const { return connection_.get(); }

   private:
    friend class SqliteDatabase;
    Lease(SqliteDatabase* owner, std::unique_ptr<SqliteConnection> connection);

    SqliteDatabase* owner_;
    std::unique_ptr<SqliteConnection> connection_;
  };

  static Result<std::unique_ptr<SqliteDatabase>> open(const std::string& path);
  static Result<std::unique_ptr<SqliteDatabase>> open(const std::string& path,
                                                      const SqliteOptions& options);
  ~SqliteDatabase();
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  // Borrows a connection, opening a new one if none is idle and the pool is not full, else
  // waiting for one. Do not hold a lease while acquiring another: with a full pool that waits
  // forever.
  Result<Lease> acquire();

  // Whether the database answers (for /healthz): a read of the schema on a pooled connection.
  // ok, or kUnavailable with SQLite's reason. Waits for a connection like acquire().
  Status ping();

  const std::string& path() const { return path_; }
  // The schema version after open(); equal to latestSchemaVersion().
  int schemaVersion() const { return schemaVersion_; }
  static int latestSchemaVersion();

 private:
  SqliteDatabase(std::string path, int maxConnections, Millis busyTimeout);

  Result<std::unique_ptr<SqliteConnection>> openConnection() const;
  void release(std::unique_ptr<SqliteConnection> connection);
  // A connection parked in another thread's slot, moved to idle_ (caller holds mutex_); false
  // when every slot is empty.
  bool unparkOne();
  // Logs and closes a connection whose file has moved (caller holds mutex_).
  void dropMoved(std::unique_ptr<SqliteConnection> connection);

  // Per-thread parking slots, indexed by a per-thread number modulo kSlots (threads beyond that
  // share a slot, which only costs the affinity). Each holds an idle connection owned by the
  // pool, or null.
  static constexpr size_t kSlots = 16;
  std::array<std::atomic<SqliteConnection*>, kSlots> parked_{};
  std::atomic<int> waiting_{0};  // threads in acquire() waiting for a connection

  const std::string path_;
  const int maxConnections_;
  const Millis busyTimeout_;
  int schemaVersion_ = 0;

  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<SqliteConnection>> idle_;  // guarded by mutex_
  int opened_ = 0;                                       // guarded by mutex_; idle + leased
};

}  // namespace callgate
