// SqliteConnection: one open sqlite3 handle with its own cache of prepared statements, plus the
// two small RAII helpers every SQLite store uses: SqliteStatement (bind, step, read columns;
// resets itself when it goes out of scope so the cached statement is ready for the next caller)
// and SqliteTransaction (BEGIN IMMEDIATE ... COMMIT, rolled back unless committed).
//
// Ownership and threads: a connection is opened NOMUTEX and must be used by one thread at a time;
// SqliteDatabase hands connections out through leases, which is what guarantees that. A
// SqliteStatement borrows the connection's cached sqlite3_stmt and must not outlive the lease,
// and at most one SqliteStatement per SQL text may be alive on a connection at once.
// Nothing here throws; SQLite failures become Error values (see sqliteError).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/result.h"
#include "core/time.h"

struct sqlite3;
struct sqlite3_stmt;

namespace callgate {

// Maps a SQLite result code to callgate's error style: busy/locked/I/O/full/can't-open become
// kUnavailable (retrying may help), a unique or primary-key violation kAlreadyExists, and
// anything else kInternal. The message carries `what` and SQLite's own text, never bound values.
Error sqliteError(sqlite3* db, int rc, std::string_view what);

class SqliteStatement {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  SqliteStatement& operator=(SqliteStatement&&) = delete;
  ~SqliteStatement();

  // Parameters are 1-based, as in SQL's ?1. Text is copied, so temporaries are fine. A failed
  // bind is remembered and reported by the next step()/run().
  SqliteStatement& bind(int index, int64_t value);
  SqliteStatement& bind(int index, std::string_view value);

  // true when a row is ready to read, false when the statement has finished.
  Result<bool> step();
  // Steps to the end, for statements whose rows (if any) are not needed.
  Status run();

  int64_t columnInt64(int column) const;
  std::string columnText(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  int bindRc_ = 0;  // SQLITE_OK
};

class SqliteConnection {
 public:
  // Opens (creating if allowed by `flags`) the database at `path` and applies the per-connection
  // settings: extended result codes, busy timeout, foreign_keys=ON, synchronous=NORMAL.
  static Result<std::unique_ptr<SqliteConnection>> open(const std::string& path, int flags,
                                                        Millis busyTimeout);
  ~SqliteConnection();
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  sqlite3* handle() const { return db_; }

  // A prepared statement for `sql`, compiled once per connection and then reused: preparing is
  // far costlier than running the hot lookups. `sql` must hold exactly one statement.
  Result<SqliteStatement> prepare(std::string_view sql);
  // Runs one statement through the cache, ignoring any rows.
  Status run(std::string_view sql);
  // Runs a script of several statements, uncached (migrations, pragmas at open).
  Status execScript(const std::string& sql);

  // True while a transaction is open; used to repair a connection before it is reused.
  bool inTransaction() const;

 private:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}

  // Heterogeneous lookup, so the hot path looks statements up without allocating a string.
  struct SqlHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*, SqlHash, std::equal_to<>> statements_;
};

// BEGIN IMMEDIATE takes the write lock up front, so a read-then-write transaction cannot fail
// half way with SQLITE_BUSY when another connection wrote in between (WAL cannot upgrade a stale
// read snapshot); the busy timeout makes writers queue instead.
class SqliteTransaction {
 public:
  explicit SqliteTransaction(SqliteConnection& connection) : connection_(connection) {}
  SqliteTransaction(const SqliteTransaction&) = delete;
  SqliteTransaction& operator=(const SqliteTransaction&) = delete;
  ~SqliteTransaction();

  Status begin();
  Status commit();

 private:
  SqliteConnection& connection_;
  bool open_ = false;
};

}  // namespace callgate
