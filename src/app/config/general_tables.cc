// The small tables of callgate itself: [server], [storage], [flows], [functions], [log].

#include "app/config/config_tables.h"

namespace callgate::app::detail {

Status readServerTable(TableReader& t, Config& c) {
  t.str("http", c.http);
  t.integer("io_threads", c.ioThreads, 1, 64);
  t.integer("max_connections_per_address", c.httpMaxConnectionsPerAddress, 0, 100000);
  t.integer("idle_timeout_seconds", c.httpIdleTimeoutSeconds, 1, 3600);
  t.integer("worker_threads", c.workerThreads, 1, 256);
  t.integer("slow_threads", c.slowThreads, 1, 64);
  t.integer("max_slow_requests", c.maxSlowRequests, 1, 100000);
  t.integer("drain_seconds", c.lifecycle.drainSeconds, 0, 3600);
  return t.finish();
}

Status readStorageTable(TableReader& t, StorageConfig& storage) {
  std::string db, url;
  t.str("db", db);
  t.str("url", url);
  t.integer("pool_size", storage.poolSize, 1, 256);
  t.integer("connect_timeout_ms", storage.connectTimeoutMs, 100, 60'000);
  t.integer("statement_timeout_ms", storage.statementTimeoutMs, 100, 600'000);
  if (Status s = t.finish(); !s.ok()) return s;
  if (!db.empty() && !url.empty()) {
    return Error::invalidArgument("storage: set db (a SQLite file) or url (PostgreSQL), not both");
  }
  if (!url.empty() && !StorageConfig::isPostgresUrl(url)) {
    return Error::invalidArgument(
        "storage.url must be a postgresql:// or postgres:// URL (for SQLite, use storage.db)");
  }
  if (!db.empty() && StorageConfig::isPostgresUrl(db)) {
    return Error::invalidArgument("storage.db is a SQLite file path; put a PostgreSQL URL in url");
  }
  if (!url.empty()) storage.location = url;
  if (!db.empty()) storage.location = db;
  return okStatus();
}

Status readFlowsTable(TableReader& t, std::string& defaultFlow, std::string& dir) {
  t.str("default", defaultFlow);
  t.str("dir", dir);
  return t.finish();
}

// Lambda ARN or name = "built-in function name", any number of them.
Status readFunctionsTable(TableReader& t, std::map<std::string, std::string>& functionMap) {
  t.allStrings(functionMap);
  return t.finish();
}

Status readLogTable(TableReader& t, LogLevel& level, std::string& file) {
  t.choice("level", level, kLogLevels);
  t.str("file", file);
  return t.finish();
}

}  // namespace callgate::app::detail
