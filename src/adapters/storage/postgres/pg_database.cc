#include "adapters/storage/postgres/pg_database.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cassert>
#include <chrono>
#include <utility>

#include "adapters/storage/postgres/pg_schema.h"
#include "common/metrics_catalog.h"

namespace callgate {
namespace {

// Key of the session advisory lock held while migrating ("callgate" in ASCII). Every node takes
// the same lock, so one migrates and the others then find the work done.
constexpr const char* kMigrationLock = "SELECT pg_advisory_lock(7161691095445189733)";
constexpr const char* kMigrationUnlock = "SELECT pg_advisory_unlock(7161691095445189733)";
constexpr const char* kCreateMigrations =
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
    "applied_at_ms BIGINT NOT NULL)";
constexpr const char* kCurrentVersion = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
constexpr const char* kRecordVersion =
    "INSERT INTO schema_migrations (version, applied_at_ms) VALUES ($1, "
    "(extract(epoch FROM clock_timestamp()) * 1000)::bigint)";
constexpr int kTransactionAttempts = 4;

bool startsWith(const std::string& s, std::string_view prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

Error newerSchemaError(const std::string& url, int found) {
  return Error::failedPrecondition(
      "database " + url + " has schema version " + std::to_string(found) +
      ", newer than this callgate supports (" + std::to_string(PgDatabase::latestSchemaVersion()) +
      "); it was written by a newer release: upgrade callgate, or point it at another database");
}

Result<int> currentVersion(PgConnection& c) {
  auto r = c.query(kCurrentVersion);
  if (!r) return r.error();
  return static_cast<int>(r->integer(0, 0));
}

// Applies the missing migrations, each in its own transaction, while holding the advisory lock.
Result<int> migrate(PgConnection& c, const std::string& url) {
  const auto migrations = pgMigrations();
  const int latest = static_cast<int>(migrations.size());
  if (auto r = c.query(kMigrationLock); !r) return r.error();
  auto unlockAfter = [&c](Result<int> result) -> Result<int> {
    // A session lock: released explicitly, or by the server when the connection ends.
    if (!c.broken()) (void)c.query(kMigrationUnlock);
    return result;
  };
  if (Status s = c.exec(kCreateMigrations); !s.ok()) return unlockAfter(s.error());
  auto version = currentVersion(c);
  if (!version) return unlockAfter(version.error());
  if (*version > latest) return unlockAfter(newerSchemaError(url, *version));
  for (int v = *version; v < latest; ++v) {
    Status s = c.exec("BEGIN");
    if (s.ok()) s = c.exec(migrations[static_cast<size_t>(v)]);
    if (s.ok()) {
      auto r = c.query(kRecordVersion, {int64_t{v + 1}});
      if (!r) s = r.error();
    }
    if (s.ok()) s = c.exec("COMMIT");
    if (!s.ok()) {
      if (!c.broken()) (void)c.exec("ROLLBACK");
      return unlockAfter(Error(s.error().code(), "migrating " + url + " to schema version " +
                                                     std::to_string(v + 1) + ": " +
                                                     s.error().message()));
    }
  }
  return unlockAfter(latest);
}

// Serialization failure and deadlock: the transaction lost a race and is worth a rerun.
bool retryable(const PgConnection& c) {
  return c.lastSqlstate() == "40001" || c.lastSqlstate() == "40P01";
}

}  // namespace

std::string redactPgUrl(const std::string& url) {
  std::string out = url;
  const size_t scheme = out.find("://");
  if (scheme != std::string::npos) {
    const size_t hostStart = scheme + 3;
    const size_t hostEnd = std::min(out.find('/', hostStart), out.find('?', hostStart));
    const size_t at = out.rfind('@', hostEnd == std::string::npos ? out.size() : hostEnd);
    if (at != std::string::npos && at >= hostStart) {
      const size_t colon = out.find(':', hostStart);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  // password=... as a URL query parameter.
  for (size_t p = out.find("password="); p != std::string::npos; p = out.find("password=", p + 1)) {
    if (p > 0 && out[p - 1] != '?' && out[p - 1] != '&') continue;
    const size_t start = p + 9;
    const size_t end = out.find('&', start);
    out.replace(start, (end == std::string::npos ? out.size() : end) - start, "***");
  }
  return out;
}

// ---- Lease ----

PgDatabase::Lease::Lease(PgDatabase* owner, std::unique_ptr<PgConnection> connection)
    : owner_(owner), connection_(std::move(connection)) {
  if (connection_) metrics::dbPoolInUse().with().add();
}

PgDatabase::Lease::Lease(Lease&& other) noexcept
    : owner_(other.owner_), connection_(std::move(other.connection_)) {}

PgDatabase::Lease::~Lease() {
  if (!connection_) return;  // moved from
  metrics::dbPoolInUse().with().sub();
  owner_->release(std::move(connection_));
}

// ---- PgDatabase ----

int PgDatabase::latestSchemaVersion() { return static_cast<int>(pgMigrations().size()); }

PgDatabase::PgDatabase(const PgOptions& options)
    : maxConnections_(std::max(1, options.maxConnections)),
      acquireTimeout_(options.acquireTimeout) {}

PgDatabase::~PgDatabase() {
  // Every lease must be back by now (the stores borrow this object).
  assert(static_cast<int>(idle_.size()) == opened_);
}

Result<std::unique_ptr<PgDatabase>> PgDatabase::open(const PgOptions& options) {
  const std::string redacted = redactPgUrl(options.url);
  if (!startsWith(options.url, "postgresql://") && !startsWith(options.url, "postgres://")) {
    return Error::invalidArgument(
        "postgres: the database URL must start with postgresql:// (got '" + redacted + "')");
  }
  char* parseError = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(options.url.c_str(), &parseError);
  std::string urlPassword;
  std::string urlOptions;  // server settings the URL asks for (?options=-c...), kept with ours
  if (parsed == nullptr) {
    std::string why = parseError != nullptr ? parseError : "out of memory";
    PQfreemem(parseError);
    while (!why.empty() && why.back() == '\n') why.pop_back();
    // libpq quotes the offending part, which may be the password: scrub it from its text.
    return Error::invalidArgument("postgres: malformed database URL " + redacted + ": " +
                                  redactSecret(why, options.password));
  }
  for (PQconninfoOption* o = parsed; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    if (std::string_view(o->keyword) == "password") urlPassword = o->val;
    if (std::string_view(o->keyword) == "options") urlOptions = o->val;
  }
  PQconninfoFree(parsed);

  std::unique_ptr<PgDatabase> db(new PgDatabase(options));
  db->redactedUrl_ = redacted;
  db->secret_ = !options.password.empty() ? options.password : urlPassword;
  const auto seconds = [](Millis ms) {
    return std::to_string(std::max<int64_t>(1, (ms.count() + 999) / 1000));
  };
  // libpq: later keywords override what the URL (expanded from dbname) says.
  db->keywords_ = {
      "dbname",           "connect_timeout", "fallback_application_name", "client_encoding",
      "options",          "keepalives",      "keepalives_idle",           "keepalives_interval",
      "keepalives_count", "tcp_user_timeout"};
  db->values_ = {options.url,
                 seconds(options.connectTimeout),
                 "callgate",
                 "UTF8",
                 (urlOptions.empty() ? "" : urlOptions + " ") +
                     "-c statement_timeout=" + std::to_string(options.statementTimeout.count()) +
                     " -c idle_in_transaction_session_timeout=" +
                     std::to_string(std::max<int64_t>(60'000, options.statementTimeout.count())),
                 "1",
                 "10",
                 "5",
                 "3",
                 std::to_string(options.connectTimeout.count() + options.statementTimeout.count())};
  if (!options.password.empty()) {
    db->keywords_.push_back("password");
    db->values_.push_back(options.password);
  }

  auto first = db->connect();
  if (!first) return first.error();
  auto version = migrate(**first, redacted);
  if (!version) return version.error();
  db->schemaVersion_ = *version;
  db->idle_.push_back(std::move(*first));
  db->opened_ = 1;
  return {std::move(db)};
}

Result<std::unique_ptr<PgConnection>> PgDatabase::connect() const {
  std::vector<const char*> keywords;
  std::vector<const char*> values;
  for (size_t i = 0; i < keywords_.size(); ++i) {
    keywords.push_back(keywords_[i].c_str());
    values.push_back(values_[i].c_str());
  }
  keywords.push_back(nullptr);
  values.push_back(nullptr);
  auto connection = PgConnection::connect(keywords.data(), values.data(), secret_);
  if (!connection) {
    return Error(connection.error().code(),
                 redactSecret(connection.error().message(), secret_) + " (" + redactedUrl_ + ")");
  }
  return connection;
}

Result<PgDatabase::Lease> PgDatabase::acquire() {
  std::unique_lock lock(mutex_);
  const auto deadline = std::chrono::steady_clock::now() + acquireTimeout_;
  for (;;) {
    if (!idle_.empty()) {
      std::unique_ptr<PgConnection> connection = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(connection));
    }
    if (opened_ < maxConnections_) {
      ++opened_;  // reserve the slot, then connect without holding the lock
      const uint64_t generation = generation_;
      lock.unlock();
      auto connection = connect();
      if (!connection) {
        lock.lock();
        --opened_;
        available_.notify_one();
        return connection.error();
      }
      (*connection)->generation = generation;
      return Lease(this, std::move(*connection));
    }
    if (available_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
        opened_ >= maxConnections_) {
      return Error::unavailable("postgres: all " + std::to_string(maxConnections_) +
                                " connections busy for " + std::to_string(acquireTimeout_.count()) +
                                " ms");
    }
  }
}

void PgDatabase::release(std::unique_ptr<PgConnection> connection) {
  // A transaction left open by an early return would hold its locks for every later user of this
  // connection: roll it back first. If even that fails, the connection is no good.
  if (!connection->broken() && connection->inTransaction()) (void)connection->exec("ROLLBACK");
  std::vector<std::unique_ptr<PgConnection>> discard;
  {
    std::lock_guard lock(mutex_);
    if (connection->broken()) {
      // Lost connections rarely come alone (a server restart kills them all): drop the idle ones
      // opened before too, so the next callers connect afresh instead of each failing once.
      if (connection->generation == generation_) ++generation_;
      discard.swap(idle_);
      discard.push_back(std::move(connection));
      opened_ -= static_cast<int>(discard.size());
    } else if (connection->generation != generation_) {
      // Opened before a failure was seen: it may well be dead too; reconnecting is cheap.
      discard.push_back(std::move(connection));
      --opened_;
    } else {
      idle_.push_back(std::move(connection));
    }
  }
  available_.notify_all();
  // `discard` closes its connections here, outside the lock.
}

Status PgDatabase::transaction(const std::function<Status(PgConnection&)>& body) {
  Status last = okStatus();
  for (int attempt = 0; attempt < kTransactionAttempts; ++attempt) {
    auto lease = acquire();
    if (!lease) return lease.error();
    PgConnection& c = **lease;
    Status s = c.exec("BEGIN");
    if (s.ok()) s = body(c);
    if (s.ok()) s = c.exec("COMMIT");
    if (s.ok()) return s;
    const bool retry = retryable(c);  // before ROLLBACK resets what the connection remembers
    if (!c.broken() && c.inTransaction()) (void)c.exec("ROLLBACK");
    if (!retry) return s;
    last = s;
  }
  return last;
}

Status PgDatabase::ping() {
  auto lease = acquire();
  if (!lease) return lease.error();
  auto r = (*lease)->query("SELECT 1");
  if (!r) return r.error();
  return okStatus();
}

}  // namespace callgate
