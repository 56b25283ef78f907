// PostgreSQL for the tests of the PostgreSQL adapter: servers started with
// tests/support/pg_server.py, and fresh empty databases on them.
//
// - sharedPgAdminUrl(): the server every test of this process uses. Under ctest, which runs each
//   test as its own process, one server is shared by all of them: the first process to need it
//   starts it in CALLGATE_PG_SHARED_DIR (under a file lock) with a watcher that stops it when
//   ctest exits; later processes find it running. Run directly (./contracts_postgres_tests), the
//   binary starts a private server in a temporary directory and stops it at exit.
// - PgTestDatabase: a new, uniquely named, empty database on the shared server, dropped when the
//   object goes. Each test gets its own, so tests never see each other's rows, even when ctest
//   runs several at once.
// - PgTestServer: a private server for tests that stop and restart it.
//
// A server that cannot start is a failed test, never a skipped one: these helpers print why and
// abort.
#pragma once

#include <fcntl.h>
#include <libpq-fe.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>

#ifndef CALLGATE_PG_SERVER
#error "CALLGATE_PG_SERVER (path of tests/support/pg_server.py) must be defined"
#endif
#ifndef CALLGATE_PYTHON
#define CALLGATE_PYTHON "python3"
#endif

namespace callgate::testing {

[[noreturn]] inline void pgTestAbort(const std::string& why) {
  std::fprintf(stderr, "PostgreSQL for tests: %s\n", why.c_str());
  std::fflush(stderr);
  std::abort();
}

// Runs `pg_server.py <args>`; its first line of output, or nullopt (its stderr shows why).
inline std::optional<std::string> runPgServer(const std::string& args) {
  const std::string command =
      std::string(CALLGATE_PYTHON) + " " + CALLGATE_PG_SERVER + " " + args + " </dev/null";
  FILE* out = ::popen(command.c_str(), "r");
  if (out == nullptr) return std::nullopt;
  std::string line;
  char buffer[512];
  if (std::fgets(buffer, sizeof buffer, out) != nullptr) line = buffer;
  while (std::fgets(buffer, sizeof buffer, out) != nullptr) {
  }
  const int status = ::pclose(out);
  if (status != 0) return std::nullopt;
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return line;
}

// postgresql://postgres@127.0.0.1:PORT/callgate -> the same URL for database `name`.
inline std::string pgUrlFor(const std::string& url, const std::string& name) {
  return url.substr(0, url.rfind('/') + 1) + name;
}

// Runs one SQL command on `url`; aborts on failure.
inline void pgTestExec(const std::string& url, const std::string& sql) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string why = PQerrorMessage(conn);
    PQfinish(conn);
    pgTestAbort("cannot connect to " + url + ": " + why);
  }
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);  // "does not exist, skipping"
  PGresult* r = PQexec(conn, sql.c_str());
  const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;
  std::string why = ok ? "" : PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(conn);
  if (!ok) pgTestAbort(sql + ": " + why);
}

// A server of its own, in a temporary directory: start()ed by create(), stopped and removed by
// the destructor; stop() and start() in between keep its data and (if free) its port.
class PgTestServer {
 public:
  static std::unique_ptr<PgTestServer> create() {
    std::string pattern = (std::filesystem::temp_directory_path() / "callgate-pg-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) pgTestAbort("mkdtemp failed");
    std::unique_ptr<PgTestServer> server(new PgTestServer(pattern));
    if (!server->start()) pgTestAbort("cannot start a server in " + pattern + " (see above)");
    return server;
  }
  ~PgTestServer() {
    (void)runPgServer("stop " + dir_);
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  PgTestServer(const PgTestServer&) = delete;
  PgTestServer& operator=(const PgTestServer&) = delete;

  bool start() {
    auto url = runPgServer("start " + dir_ + " --watch-pid " + std::to_string(::getpid()));
    if (!url) return false;
    url_ = *url;
    return true;
  }
  bool stop() { return runPgServer("stop " + dir_).has_value(); }

  // The `callgate` database, and the maintenance database for CREATE DATABASE.
  const std::string& url() const { return url_; }
  std::string adminUrl() const { return pgUrlFor(url_, "postgres"); }
  const std::string& dir() const { return dir_; }

 private:
  explicit PgTestServer(std::string dir) : dir_(std::move(dir)) {}
  std::string dir_;
  std::string url_;
};

inline bool runningUnderCtest() {
  std::ifstream comm("/proc/" + std::to_string(::getppid()) + "/comm");
  std::string name;
  std::getline(comm, name);
  return name == "ctest";
}

inline const std::string& sharedPgAdminUrl() {
  static const std::string url = [] {
#ifdef CALLGATE_PG_SHARED_DIR
    if (runningUnderCtest()) {
      const std::string dir = CALLGATE_PG_SHARED_DIR;
      std::filesystem::create_directories(std::filesystem::path(dir).parent_path());
      const std::string lockPath = dir + ".lock";
      const int fd = ::open(lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
      if (fd < 0 || ::flock(fd, LOCK_EX) != 0) pgTestAbort("cannot lock " + lockPath);
      // `start` returns at once when the server is already running, and otherwise starts it to
      // live as long as ctest does.
      auto started = runPgServer("start " + dir + " --watch-pid " + std::to_string(::getppid()));
      ::close(fd);
      if (!started) pgTestAbort("cannot start the shared server in " + dir + " (see above)");
      return pgUrlFor(*started, "postgres");
    }
#endif
    static std::unique_ptr<PgTestServer> own = PgTestServer::create();
    return own->adminUrl();
  }();
  return url;
}

// A fresh empty database on the shared server, dropped by the destructor.
class PgTestDatabase {
 public:
  PgTestDatabase() : PgTestDatabase(sharedPgAdminUrl()) {}
  explicit PgTestDatabase(std::string adminUrl) : adminUrl_(std::move(adminUrl)) {
    static std::atomic<int> counter{0};
    name_ = "callgate_test_" + std::to_string(::getpid()) + "_" + std::to_string(++counter);
    pgTestExec(adminUrl_, "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    pgTestExec(adminUrl_, "CREATE DATABASE " + name_);
  }
  ~PgTestDatabase() {
    // FORCE: a test that failed half way may have left a connection behind.
    PGconn* conn = PQconnectdb(adminUrl_.c_str());
    if (PQstatus(conn) == CONNECTION_OK) {
      PQclear(PQexec(conn, ("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)").c_str()));
    }
    PQfinish(conn);
  }
  PgTestDatabase(const PgTestDatabase&) = delete;
  PgTestDatabase& operator=(const PgTestDatabase&) = delete;

  std::string url() const { return pgUrlFor(adminUrl_, name_); }
  const std::string& name() const { return name_; }
  // Ends every session on this database from the server side, as a server restart would.
  void terminateConnections() const {
    pgTestExec(adminUrl_,
               "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name_ +
                   "' AND pid <> pg_backend_pid()");
  }

 private:
  std::string adminUrl_;
  std::string name_;
};

}  // namespace callgate::testing
