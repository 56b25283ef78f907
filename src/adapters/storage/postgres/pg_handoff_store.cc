#include "adapters/storage/postgres/pg_handoff_store.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace callgate {
namespace {

// Every writer of handoffs holds this until it commits (see the header).
constexpr const char* kLock = "SELECT pg_advisory_xact_lock(hashtext('callgate:handoffs'))";
constexpr const char* kInsert =
    "INSERT INTO handoffs (seq, at_ms, channel, call_id, contact_id, queue, acr, amr, "
    "attestation, user_id, display_name, level, language, caller_last4, jti, token_check, "
    "time_to_verdict_ms, link, link_at_ms) VALUES (nextval('handoff_seq'), $1, $2, $3, $4, $5, "
    "$6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id, seq";
#define CALLGATE_HANDOFF_COLUMNS                                                                 \
  "SELECT id, seq, at_ms, channel, call_id, contact_id, queue, acr, amr, attestation, user_id, " \
  "display_name, level, language, caller_last4, jti, token_check, time_to_verdict_ms, link, "    \
  "link_at_ms FROM handoffs "
constexpr const char* kSince =
    CALLGATE_HANDOFF_COLUMNS "WHERE seq > $1 AND ($3 = '' OR queue = $3) ORDER BY seq LIMIT $2";
constexpr const char* kLatest = CALLGATE_HANDOFF_COLUMNS
    "WHERE at_ms >= $1 AND ($3 = '' OR queue = $3) ORDER BY seq DESC LIMIT $2";
#undef CALLGATE_HANDOFF_COLUMNS
// The sequence's last value, or 0 before its first nextval (is_called false).
constexpr const char* kLastSeq =
    "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM handoff_seq";
constexpr const char* kNewestOfUser =
    "SELECT id, link FROM handoffs WHERE user_id = $1 AND at_ms >= $2 ORDER BY id DESC LIMIT 1";
constexpr const char* kSetLink =
    "UPDATE handoffs SET link = $1, link_at_ms = $2, seq = nextval('handoff_seq') WHERE id = $3";
// Two nodes purging at once may pick the same rows; the loser deletes fewer, which is harmless.
constexpr const char* kPurge =
    "DELETE FROM handoffs WHERE id IN (SELECT id FROM handoffs WHERE at_ms < $1 ORDER BY at_ms "
    "LIMIT $2)";

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

}  // namespace

Status PgHandoffStore::append(Handoff& h, TimePoint purgeBefore) {
  int64_t id = 0, seq = 0;
  const std::string amr = joinAmr(h.amr);
  Status s = db_.transaction([&](PgConnection& c) -> Status {
    if (auto lock = c.query(kLock); !lock) return lock.error();
    auto r = c.query(kInsert, {toUnixMillis(h.at), h.channel, h.callId, h.contactId, h.queue, h.acr,
                               amr, h.attestation, h.userId, h.displayName, h.level, h.language,
                               h.callerLast4, h.jti, h.tokenCheck, h.timeToVerdictMs,
                               linkActivityName(h.link), toUnixMillis(h.linkAt)});
    if (!r) return r.error();
    id = r->integer(0, 0);
    seq = r->integer(0, 1);
    return okStatus();
  });
  if (!s.ok()) return s.error();
  h.id = id;
  h.seq = seq;
  auto lease = db_.acquire();
  if (!lease) return okStatus();  // the handoff is stored; the purge waits for the next one
  auto purged = (*lease)->query(
      kPurge, {toUnixMillis(purgeBefore), static_cast<int64_t>(kHandoffPurgeBatch)});
  if (!purged) {
    spdlog::warn("event=handoff_purge_failed error=\"{}\"", purged.error().message());
  }
  return okStatus();
}

Result<std::vector<Handoff>> PgHandoffStore::select(const char* sql, int64_t key, int limit,
                                                    std::string_view queue) {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto r = (*lease)->query(
      sql, {key, static_cast<int64_t>(std::clamp(limit, 1, kHandoffMaxRead)), queue});
  if (!r) return r.error();
  std::vector<Handoff> out;
  out.reserve(static_cast<size_t>(r->rows()));
  for (int row = 0; row < r->rows(); ++row) {
    Handoff h;
    h.id = r->integer(row, 0);
    h.seq = r->integer(row, 1);
    h.at = fromUnixMillis(r->integer(row, 2));
    h.channel = r->text(row, 3);
    h.callId = r->text(row, 4);
    h.contactId = r->text(row, 5);
    h.queue = r->text(row, 6);
    h.acr = r->text(row, 7);
    h.amr = splitAmr(r->text(row, 8));
    h.attestation = r->text(row, 9);
    h.userId = r->text(row, 10);
    h.displayName = r->text(row, 11);
    h.level = r->text(row, 12);
    h.language = r->text(row, 13);
    h.callerLast4 = r->text(row, 14);
    h.jti = r->text(row, 15);
    h.tokenCheck = r->text(row, 16);
    h.timeToVerdictMs = r->integer(row, 17);
    h.link = parseLinkActivity(r->text(row, 18));
    h.linkAt = fromUnixMillis(r->integer(row, 19));
    out.push_back(std::move(h));
  }
  return out;
}

Result<std::vector<Handoff>> PgHandoffStore::since(int64_t afterSeq, int limit,
                                                   std::string_view queue) {
  return select(kSince, afterSeq, limit, queue);
}

Result<std::vector<Handoff>> PgHandoffStore::latest(TimePoint notBefore, int limit,
                                                    std::string_view queue) {
  auto rows = select(kLatest, toUnixMillis(notBefore), limit, queue);
  if (rows) std::reverse(rows->begin(), rows->end());
  return rows;
}

Result<int64_t> PgHandoffStore::lastSeq() {
  auto lease = db_.acquire();
  if (!lease) return lease.error();
  auto r = (*lease)->query(kLastSeq);
  if (!r) return r.error();
  return r->rows() > 0 ? r->integer(0, 0) : 0;
}

Result<std::optional<int64_t>> PgHandoffStore::noteLink(const std::string& userId,
                                                        LinkActivity link, TimePoint at,
                                                        TimePoint notBefore) {
  if (userId.empty() || link == LinkActivity::kNone) return std::optional<int64_t>();
  std::optional<int64_t> changed;
  Status s = db_.transaction([&](PgConnection& c) -> Status {
    changed.reset();
    if (auto lock = c.query(kLock); !lock) return lock.error();
    auto newest = c.query(kNewestOfUser, {userId, toUnixMillis(notBefore)});
    if (!newest) return newest.error();
    if (newest->rows() == 0) return okStatus();
    if (static_cast<int>(parseLinkActivity(newest->text(0, 1))) >= static_cast<int>(link)) {
      return okStatus();
    }
    const int64_t id = newest->integer(0, 0);
    auto updated = c.query(kSetLink, {linkActivityName(link), toUnixMillis(at), id});
    if (!updated) return updated.error();
    changed = id;
    return okStatus();
  });
  if (!s.ok()) return s.error();
  return changed;
}

}  // namespace callgate
