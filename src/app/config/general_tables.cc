// The small tables of callgate itself: [server], [storage], [flows], [functions], [log].

#include "app/config/config_tables.h"

namespace callgate::app::detail {

Status readServerTable(TableReader& t, Config& c) {
  t.str("http", c.http);
  t.integer("io_threads", c.ioThreads, 1, 64);
  t.integer("worker_threads", c.workerThreads, 1, 256);
  return t.finish();
}

Status readStorageTable(TableReader& t, std::string& db) {
  t.str("db", db);
  return t.finish();
}

Status readFlowsTable(TableReader& t, std::string& defaultFlow) {
  t.str("default", defaultFlow);
  return t.finish();
}

// Lambda ARN or name = "built-in function name", any number of them.
Status readFunctionsTable(TableReader& t, std::map<std::string, std::string>& functionMap) {
  t.allStrings(functionMap);
  return t.finish();
}

Status readLogTable(TableReader& t, LogLevel& level) {
  t.choice("level", level, kLogLevels);
  return t.finish();
}

}  // namespace callgate::app::detail
