// PgDatabase: one PostgreSQL database shared by the PostgreSQL stores, and by every callgate node
// pointed at it. open() checks the URL, connects once, and applies the schema migrations this
// binary knows (versioned in a schema_migrations table, under a session advisory lock, so several
// nodes starting together migrate once); it refuses a schema newer than the binary.
//
// Connections: a bounded pool, opened lazily up to PgOptions::maxConnections and used by one
// thread at a time through a Lease, each with its own prepared statements. Every connection has
// a connect timeout, a statement timeout and TCP keepalives, so no call waits forever on a dead
// server; acquire() waits at most acquireTimeout for a free connection. A connection that fails
// in a connection-class way (lost socket, server shutdown) is discarded when its lease ends, and
// so are the idle connections opened before it (after a server restart they are all dead); the
// next acquire() connects afresh. The node so recovers by itself when the database returns: the
// calls made meanwhile fail with kUnavailable.
//
// Atomicity across nodes: each store operation is one statement where possible (UPDATE ... WHERE
// state = 'active' RETURNING, INSERT ... ON CONFLICT), which READ COMMITTED makes atomic against
// every other session; the few multi-statement operations use transaction(), which retries
// serialization failures and deadlocks.
//
// Errors: unreachable database, lost connection, statement timeout, pool exhausted, a standby
// refusing a write -> kUnavailable. Messages never contain the password. The URL may name
// several hosts (postgresql://h1,h2/db?target_session_attrs=read-write): libpq then connects to
// whichever is the primary, so a fresh connection after a failover finds the new one.
//
// Ownership: the stores borrow the PgDatabase, which must outlive them and every Lease.
// All methods are thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "adapters/storage/postgres/pg_connection.h"
#include "common/result.h"
#include "core/time.h"

namespace callgate {

struct PgOptions {
  // postgresql://user@host:port/dbname (or postgres://...). A password in the URL works but
  // belongs in `password` (or libpq's PGPASSWORD / ~/.pgpass), which never reaches a log.
  std::string url;
  std::string password;
  // Upper bound on open connections (per node). At least the number of threads that call the
  // stores (the HTTP worker pool): a thread without a connection waits for one. Every call
  // blocks its thread for a network round trip, so PostgreSQL wants more worker threads than
  // SQLite does for the same throughput.
  int maxConnections = 8;
  Millis connectTimeout{3000};
  // Every statement is cancelled by the server after this long (kUnavailable).
  Millis statementTimeout{5000};
  // How long acquire() waits for a connection when all are leased (kUnavailable after).
  Millis acquireTimeout{5000};
};

class PgDatabase {
 public:
  // Exclusive use of one pooled connection; returns it to the pool (or discards it, if broken)
  // when destroyed.
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease& operator=(Lease&&) = delete;
    ~Lease();

    PgConnection& operator*() const { return *connection_; }
    PgConnection* operator->() const { return connection_.get(); }

   private:
    friend class PgDatabase;
    Lease(PgDatabase* owner, std::unique_ptr<PgConnection> connection);

    PgDatabase* owner_;
    std::unique_ptr<PgConnection> connection_;
  };

  // kInvalidArgument for a malformed URL, kUnavailable if it cannot connect, kFailedPrecondition
  // for a schema newer than this binary.
  static Result<std::unique_ptr<PgDatabase>> open(const PgOptions& options);
  ~PgDatabase();
  PgDatabase(const PgDatabase&) = delete;
  PgDatabase& operator=(const PgDatabase&) = delete;

  // Borrows a connection: an idle one, else a new one if the pool is not full, else waits up to
  // acquireTimeout. Do not hold a lease while acquiring another.
  Result<Lease> acquire();

  // Runs `body` in a READ COMMITTED transaction on one leased connection and commits if it
  // returns ok; rolls back otherwise. A serialization failure or deadlock (SQLSTATE 40001,
  // 40P01) anywhere reruns the whole body, a few times. `body` may return a value through its
  // captures; it is called once per attempt.
  Status transaction(const std::function<Status(PgConnection&)>& body);

  // SELECT 1 on a pooled connection: ok, or kUnavailable.
  Status ping();
  // The URL without its password: safe to log.
  std::string redactedUrl() const { return redactedUrl_; }
  // The schema version after open(); equal to latestSchemaVersion().
  int schemaVersion() const { return schemaVersion_; }
  static int latestSchemaVersion();

 private:
  explicit PgDatabase(const PgOptions& options);

  Result<std::unique_ptr<PgConnection>> connect() const;
  void release(std::unique_ptr<PgConnection> connection);

  std::vector<std::string> keywords_;
  std::vector<std::string> values_;
  std::string secret_;  // the password, to scrub from libpq's messages
  std::string redactedUrl_;
  const int maxConnections_;
  const Millis acquireTimeout_;
  int schemaVersion_ = 0;

  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<PgConnection>> idle_;  // guarded by mutex_
  int opened_ = 0;                                   // guarded by mutex_; idle + leased
  uint64_t generation_ = 0;  // guarded by mutex_; bumped when a broken connection comes back
};

// The URL with any password (user:password@ or ?password=) replaced by "***".
std::string redactPgUrl(const std::string& url);

}  // namespace callgate
