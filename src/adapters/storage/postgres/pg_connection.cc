#include "adapters/storage/postgres/pg_connection.h"

#include <libpq-fe.h>

#include <array>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace callgate {
namespace {

// pg_type OIDs of the two parameter types we send (server/catalog/pg_type_d.h).
constexpr Oid kInt8Oid = 20;
constexpr Oid kTextOid = 25;
constexpr size_t kMaxParams = 24;

std::string trimmed(const char* message) {
  std::string s = message != nullptr ? message : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  // libpq messages can span lines ("server closed the connection unexpectedly\n\tThis ...").
  for (char& c : s) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  return s;
}

bool isConnectionClass(std::string_view sqlstate) {
  // 08: connection exception; 57P01..57P03: admin/crash shutdown, cannot connect now.
  // 25006 (read-only transaction): the server is a standby, e.g. the old primary after a
  // failover; a new connection (with a multi-host URL and target_session_attrs=read-write)
  // finds the new primary.
  return sqlstate.substr(0, 2) == "08" || sqlstate == "57P01" || sqlstate == "57P02" ||
         sqlstate == "57P03" || sqlstate == "25006";
}

}  // namespace

std::string redactSecret(std::string text, const std::string& secret) {
  if (secret.empty()) return text;
  for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
    text.replace(at, secret.size(), "***");
    at += 3;
  }
  return text;
}

// ---- PgResult ----

void PgResult::clear(pg_result* result) {
  if (result != nullptr) PQclear(result);
}

int PgResult::rows() const { return result_ ? PQntuples(result_.get()) : 0; }

int64_t PgResult::affected() const {
  if (!result_) return 0;
  const char* n = PQcmdTuples(result_.get());
  return n != nullptr && *n != '\0' ? std::strtoll(n, nullptr, 10) : 0;
}

bool PgResult::isNull(int row, int column) const {
  return PQgetisnull(result_.get(), row, column) != 0;
}

std::string PgResult::text(int row, int column) const {
  return std::string(PQgetvalue(result_.get(), row, column),
                     static_cast<size_t>(PQgetlength(result_.get(), row, column)));
}

int64_t PgResult::integer(int row, int column) const {
  if (isNull(row, column)) return 0;
  return std::strtoll(PQgetvalue(result_.get(), row, column), nullptr, 10);
}

bool PgResult::boolean(int row, int column) const {
  return !isNull(row, column) && PQgetvalue(result_.get(), row, column)[0] == 't';
}

// ---- PgConnection ----

Result<std::unique_ptr<PgConnection>> PgConnection::connect(const char* const* keywords,
                                                            const char* const* values,
                                                            const std::string& redact) {
  PGconn* conn = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (conn == nullptr) return Error::unavailable("postgres: out of memory creating a connection");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = redactSecret(trimmed(PQerrorMessage(conn)), redact);
    PQfinish(conn);
    return Error::unavailable("postgres: cannot connect: " + message);
  }
  // Notices (CREATE TABLE IF NOT EXISTS on an existing table, ...) would go to stderr.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<PgConnection>(new PgConnection(conn, redact));
}

PgConnection::~PgConnection() { PQfinish(conn_); }

bool PgConnection::broken() const { return broken_ || PQstatus(conn_) != CONNECTION_OK; }

bool PgConnection::inTransaction() const {
  const PGTransactionStatusType t = PQtransactionStatus(conn_);
  return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

Error PgConnection::failure(pg_result* result, std::string_view what) {
  std::string message = "postgres: ";
  message.append(what);
  message += ": ";
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = state != nullptr ? state : "";
  const char* text = result != nullptr ? PQresultErrorMessage(result) : nullptr;
  std::string detail = trimmed(text != nullptr && *text != '\0' ? text : PQerrorMessage(conn_));
  message += redactSecret(std::move(detail), redact_);
  if (!sqlstate.empty()) message += " (SQLSTATE " + sqlstate + ")";
  const char* constraint =
      result != nullptr ? PQresultErrorField(result, PG_DIAG_CONSTRAINT_NAME) : nullptr;
  lastConstraint_ = constraint != nullptr ? constraint : "";
  lastSqlstate_ = sqlstate;

  // No SQLSTATE means libpq itself failed (the socket died); a bad status means the same.
  if (sqlstate.empty() || isConnectionClass(sqlstate) || PQstatus(conn_) != CONNECTION_OK) {
    broken_ = true;
    return Error::unavailable(std::move(message));
  }
  if (sqlstate == "23505") return Error::alreadyExists(std::move(message));
  if (sqlstate == "23503") return Error::notFound(std::move(message));
  const std::string_view cls = std::string_view(sqlstate).substr(0, 2);
  // 57014: statement timeout (or cancel); 40: serialization failure / deadlock (the caller may
  // retry); 53: out of resources (too many connections, disk full); 55P03: lock not available.
  if (sqlstate == "57014" || cls == "40" || cls == "53" || sqlstate == "55P03") {
    return Error::unavailable(std::move(message));
  }
  if (cls == "22" || sqlstate == "23514" || sqlstate == "23502") {
    return Error::invalidArgument(std::move(message));
  }
  return Error::internal(std::move(message));
}

Result<PgResult> PgConnection::query(std::string_view sql, std::initializer_list<PgParam> params) {
  lastConstraint_.clear();
  lastSqlstate_.clear();
  if (params.size() > kMaxParams) return Error::internal("postgres: too many parameters");
  std::array<const char*, kMaxParams> values{};
  std::array<int, kMaxParams> lengths{};
  std::array<int, kMaxParams> formats{};
  std::array<Oid, kMaxParams> types{};
  std::array<std::array<char, 8>, kMaxParams> ints{};
  size_t i = 0;
  for (const PgParam& p : params) {
    formats[i] = 1;  // binary
    if (p.isInt()) {
      const auto v = static_cast<uint64_t>(p.integer());
      for (int b = 0; b < 8; ++b)
        ints[i][static_cast<size_t>(b)] = static_cast<char>(v >> (56 - 8 * b));
      values[i] = ints[i].data();
      lengths[i] = 8;
      types[i] = kInt8Oid;
    } else {
      // A non-null pointer even for "": a null one would send SQL NULL.
      values[i] = p.text().data() != nullptr ? p.text().data() : "";
      lengths[i] = static_cast<int>(p.text().size());
      types[i] = kTextOid;
    }
    ++i;
  }
  const int n = static_cast<int>(params.size());

  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    std::string name = "s" + std::to_string(prepared_.size() + 1);
    PGresult* prepared = PQprepare(conn_, name.c_str(), std::string(sql).c_str(), n, types.data());
    if (prepared == nullptr || PQresultStatus(prepared) != PGRES_COMMAND_OK) {
      Error e = failure(prepared, "preparing a statement");
      PQclear(prepared);
      return e;
    }
    PQclear(prepared);
    it = prepared_.emplace(std::string(sql), std::move(name)).first;
  }
  PGresult* result = PQexecPrepared(conn_, it->second.c_str(), n, values.data(), lengths.data(),
                                    formats.data(), /*resultFormat=*/0);
  const ExecStatusType status = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return PgResult(result);
  Error e = failure(result, "statement failed");
  PQclear(result);
  return e;
}

Status PgConnection::exec(const std::string& sql) {
  lastConstraint_.clear();
  lastSqlstate_.clear();
  PGresult* result = PQexec(conn_, sql.c_str());
  const ExecStatusType status = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
    PQclear(result);
    return okStatus();
  }
  Error e = failure(result, "statement failed");
  PQclear(result);
  return e;
}

}  // namespace callgate
