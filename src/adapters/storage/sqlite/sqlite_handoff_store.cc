#include "adapters/storage/sqlite/sqlite_handoff_store.h"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <algorithm>

#include "adapters/storage/sqlite/sqlite_connection.h"

namespace callgate {
namespace {

constexpr const char* kNextSeq =
    "UPDATE handoff_counter SET value = value + 1 WHERE name = 'seq' RETURNING value";
constexpr const char* kInsert =
    "INSERT INTO handoffs (seq, at_ms, channel, call_id, contact_id, queue, acr, amr, "
    "attestation, user_id, display_name, level, language, caller_last4, jti, token_check, "
    "time_to_verdict_ms, link, link_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
    "?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)";
#define CALLGATE_HANDOFF_COLUMNS                                                                 \
  "SELECT id, seq, at_ms, channel, call_id, contact_id, queue, acr, amr, attestation, user_id, " \
  "display_name, level, language, caller_last4, jti, token_check, time_to_verdict_ms, link, "    \
  "link_at_ms FROM handoffs "
constexpr const char* kSince =
    CALLGATE_HANDOFF_COLUMNS "WHERE seq > ?1 AND (?3 = '' OR queue = ?3) ORDER BY seq LIMIT ?2";
// The newest by seq inside the window; the caller puts them back in ascending order.
constexpr const char* kLatest = CALLGATE_HANDOFF_COLUMNS
    "WHERE at_ms >= ?1 AND (?3 = '' OR queue = ?3) ORDER BY seq DESC LIMIT ?2";
#undef CALLGATE_HANDOFF_COLUMNS
constexpr const char* kLastSeq = "SELECT value FROM handoff_counter WHERE name = 'seq'";
constexpr const char* kNewestOfUser =
    "SELECT id, link FROM handoffs WHERE user_id = ?1 AND at_ms >= ?2 ORDER BY id DESC LIMIT 1";
constexpr const char* kSetLink =
    "UPDATE handoffs SET link = ?1, link_at_ms = ?2, seq = ?3 WHERE id = ?4";
constexpr const char* kPurge =
    "DELETE FROM handoffs WHERE id IN (SELECT id FROM handoffs WHERE at_ms < ?1 ORDER BY at_ms "
    "LIMIT ?2)";

std::string joinAmr(const std::vector<std::string>& amr) {
  std::string out;
  for (const std::string& m : amr) {
    if (!out.empty()) out.push_back(' ');
    out += m;
  }
  return out;
}

std::vector<std::string> splitAmr(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

Result<int64_t> nextSeq(SqliteConnection& connection) {
  auto stmt = connection.prepare(kNextSeq);
  if (!stmt) return stmt.error();
  auto row = stmt->step();
  if (!row) return row.error();
  if (!*row) return Error::internal("sqlite: handoff_counter has no seq row");
  return stmt->columnInt64(0);
}

}  // namespace

Status SqliteHandoffStore::append(Handoff& h, TimePoint purgeBefore) {
  {
    auto lease = db_.acquire();
    if (!lease) return lease.error();
    SqliteConnection& connection = **lease;
    SqliteTransaction tx(connection);
    if (Status s = tx.begin(); !s.ok()) return s.error();
    auto seq = nextSeq(connection);
    if (!seq) return seq.error();
    auto stmt = connection.prepare(kInsert);
    if (!stmt) return stmt.error();
    stmt->bind(1, *seq)
        .bind(2, toUnixMillis(h.at))
        .bind(3, h.channel)
        .bind(4, h.callId)
        .bind(5, h.contactId)
        .bind(6, h.queue)
        .bind(7, h.acr)
        .bind(8, joinAmr(h.amr))
        .bind(9, h.attestation)
        .bind(10, h.userId)
        .bind(11, h.displayName)
        .bind(12, h.level)
        .bind(13, h.language)
        .bind(14, h.callerLast4)
        .bind(15, h.jti)
        .bind(16, h.tokenCheck)
        .bind(17, h.timeToVerdictMs)
        .bind(18, std::string_view(linkActivityName(h.link)))
        .bind(19, toUnixMillis(h.linkAt));
    if (Status s = stmt->run(); !s.ok()) return s.error();
    const int64_t id = sqlite3_last_insert_rowid(connection.handle());
    if (Status s = tx.commit(); !s.ok()) return s.error();
    h.id = id;
    h.seq = *seq;
  }
  auto lease = db_.acquire();
  if (!lease) return okStatus();  // the handoff is stored; the purge waits for the next one
  auto purge = (*lease)->prepare(kPurge);
  if (purge) {
    purge->bind(1, toUnixMillis(purgeBefore)).bind(2, static_cast<int64_t>(kHandoffPurgeBatch));
    if (Status s = purge->run(); !s.ok()) {
      spdlog::warn("event=handoff_purge_failed error=\"{}\"", s.error().message());
    }
  }
  return okStatus();
}

Result<std::vector<Handoff>> SqliteHandoffStore::select(const char* sql, int64_t key, int limit,
                                                        std::string_view queue) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto stmt = (*lease)->prepare(sql);
  if (!stmt) return stmt.error();
  stmt->bind(1, key)
      .bind(2, static_cast<int64_t>(std::clamp(limit, 1, kHandoffMaxRead)))
      .bind(3, queue);
  std::vector<Handoff> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return row.error();
    if (!*row) break;
    Handoff h;
    h.id = stmt->columnInt64(0);
    h.seq = stmt->columnInt64(1);
    h.at = fromUnixMillis(stmt->columnInt64(2));
    h.channel = stmt->columnText(3);
    h.callId = stmt->columnText(4);
    h.contactId = stmt->columnText(5);
    h.queue = stmt->columnText(6);
    h.acr = stmt->columnText(7);
    h.amr = splitAmr(stmt->columnText(8));
    h.attestation = stmt->columnText(9);
    h.userId = stmt->columnText(10);
    h.displayName = stmt->columnText(11);
    h.level = stmt->columnText(12);
    h.language = stmt->columnText(13);
    h.callerLast4 = stmt->columnText(14);
    h.jti = stmt->columnText(15);
    h.tokenCheck = stmt->columnText(16);
    h.timeToVerdictMs = stmt->columnInt64(17);
    h.link = parseLinkActivity(stmt->columnText(18));
    h.linkAt = fromUnixMillis(stmt->columnInt64(19));
    out.push_back(std::move(h));
  }
  return out;
}

Result<std::vector<Handoff>> SqliteHandoffStore::since(int64_t afterSeq, int limit,
                                                       std::string_view queue) {
  return select(kSince, afterSeq, limit, queue);
}

Result<std::vector<Handoff>> SqliteHandoffStore::latest(TimePoint notBefore, int limit,
                                                        std::string_view queue) {
  auto rows = select(kLatest, toUnixMillis(notBefore), limit, queue);
  if (rows) std::reverse(rows->begin(), rows->end());
  return rows;
}

Result<int64_t> SqliteHandoffStore::lastSeq() {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto stmt = (*lease)->prepare(kLastSeq);
  if (!stmt) return stmt.error();
  auto row = stmt->step();
  if (!row) return row.error();
  return *row ? stmt->columnInt64(0) : 0;
}

Result<std::optional<int64_t>> SqliteHandoffStore::noteLink(const std::string& userId,
                                                            LinkActivity link, TimePoint at,
                                                            TimePoint notBefore) {
  if (userId.empty() || link == LinkActivity::kNone) return std::optional<int64_t>();
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  SqliteConnection& connection = **lease;
  SqliteTransaction tx(connection);
  if (Status s = tx.begin(); !s.ok()) return s.error();
  int64_t id = 0;
  {
    auto stmt = connection.prepare(kNewestOfUser);
    if (!stmt) return stmt.error();
    stmt->bind(1, userId).bind(2, toUnixMillis(notBefore));
    auto row = stmt->step();
    if (!row) return row.error();
    if (!*row) return std::optional<int64_t>();
    if (static_cast<int>(parseLinkActivity(stmt->columnText(1))) >= static_cast<int>(link)) {
      return std::optional<int64_t>();
    }
    id = stmt->columnInt64(0);
  }
  auto seq = nextSeq(connection);
  if (!seq) return seq.error();
  auto stmt = connection.prepare(kSetLink);
  if (!stmt) return stmt.error();
  stmt->bind(1, std::string_view(linkActivityName(link)))
      .bind(2, toUnixMillis(at))
      .bind(3, *seq)
      .bind(4, id);
  if (Status s = stmt->run(); !s.ok()) return s.error();
  if (Status s = tx.commit(); !s.ok()) return s.error();
  return std::optional<int64_t>(id);
}

}  // namespace callgate
