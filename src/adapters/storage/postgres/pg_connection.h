// PgConnection: one libpq connection with its own set of prepared statements, and PgResult, the
// owned result of one statement. Internal to the PostgreSQL adapter (the stores use them through
// PgDatabase leases).
//
// Every statement goes through query(): the first time a connection sees an SQL text it prepares
// it (PQprepare) under a short generated name, later calls only execute it (PQexecPrepared), so
// the hot lookups cost one round trip and no parsing or planning. Parameters are sent in binary
// with explicit types (text as raw bytes with a length, integers as 8-byte big-endian BIGINT), so
// no value is ever spliced into SQL text and no text needs a terminating NUL.
//
// Errors become Error values (pgError): a lost connection, a server shutting down or a statement
// timeout is kUnavailable, a unique violation kAlreadyExists, a foreign-key violation kNotFound,
// malformed data kInvalidArgument, anything else kInternal. After a connection-class failure the
// connection marks itself broken(); PgDatabase then discards it instead of pooling it again.
// Messages carry libpq's text and what was being done, never bound values.
//
// Threads: one thread at a time (PgDatabase's leases guarantee it).
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/result.h"

struct pg_conn;
struct pg_result;

namespace callgate {

// One statement parameter: text or BIGINT.
class PgParam {
 public:
  PgParam(std::string_view text) : text_(text), isInt_(false) {}    // NOLINT(runtime/explicit)
  PgParam(const std::string& text) : text_(text), isInt_(false) {}  // NOLINT(runtime/explicit)
  PgParam(const char* text) : text_(text), isInt_(false) {}         // NOLINT(runtime/explicit)
  PgParam(int64_t value) : int_(value), isInt_(true) {}             // NOLINT(runtime/explicit)
  PgParam(int value) : int_(value), isInt_(true) {}                 // NOLINT(runtime/explicit)

  bool isInt() const { return isInt_; }
  std::string_view text() const { return text_; }
  int64_t integer() const { return int_; }

 private:
  std::string_view text_;
  int64_t int_ = 0;
  bool isInt_;
};

class PgResult {
 public:
  PgResult() = default;
  explicit PgResult(pg_result* result) : result_(result, &clear) {}

  int rows() const;
  // Rows changed by an INSERT/UPDATE/DELETE (PQcmdTuples).
  int64_t affected() const;
  bool isNull(int row, int column) const;
  // NULL reads as "" and 0.
  std::string text(int row, int column) const;
  int64_t integer(int row, int column) const;
  bool boolean(int row, int column) const;

 private:
  static void clear(pg_result* result);
  std::unique_ptr<pg_result, void (*)(pg_result*)> result_{nullptr, &clear};
};

class PgConnection {
 public:
  // Connects with the given libpq keywords/values (already holding the URL, password, timeouts).
  // kUnavailable when the server cannot be reached or refuses; `redact` is removed from messages.
  static Result<std::unique_ptr<PgConnection>> connect(const char* const* keywords,
                                                       const char* const* values,
                                                       const std::string& redact);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs one statement (prepared once per connection, then reused). `sql` must be one statement
  // with $1.. placeholders matching `params`.
  Result<PgResult> query(std::string_view sql, std::initializer_list<PgParam> params = {});
  // Runs SQL text as is (several statements allowed, no parameters): migrations, BEGIN/COMMIT.
  Status exec(const std::string& sql);

  // True once the connection failed in a way that makes it unusable (lost, server shut down).
  bool broken() const;
  // True while a transaction is open or failed; PgDatabase rolls it back before pooling again.
  bool inTransaction() const;
  // The constraint the last failed statement violated ("" if none): tells which key collided.
  const std::string& lastConstraint() const { return lastConstraint_; }
  // The SQLSTATE of the last failed statement ("" if none, or if libpq itself failed).
  const std::string& lastSqlstate() const { return lastSqlstate_; }
  // The generation of the pool this connection was opened in (see PgDatabase).
  uint64_t generation = 0;

 private:
  PgConnection(pg_conn* conn, std::string redact) : conn_(conn), redact_(std::move(redact)) {}
  Error failure(pg_result* result, std::string_view what);

  struct SqlHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  pg_conn* conn_;
  const std::string redact_;
  bool broken_ = false;
  std::string lastConstraint_;
  std::string lastSqlstate_;
  std::unordered_map<std::string, std::string, SqlHash, std::equal_to<>> prepared_;
};

// Removes every occurrence of `secret` from `text` (libpq messages must never leak a password).
std::string redactSecret(std::string text, const std::string& secret);

}  // namespace callgate
