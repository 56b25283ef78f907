// SqliteVoiceSessionStore: the VoiceSessionStore port over the voice_sessions table of a
// SqliteDatabase. Every update is a single `UPDATE ... WHERE id = ? AND version = ?`, which SQLite
// applies atomically, so concurrent writers (threads, or processes sharing the file) cannot both
// win one version. Borrows the database, which must outlive it. Thread-safe: every call leases
// its own pooled connection.
#pragma once

#include <optional>
#include <string>

#include "adapters/storage/sqlite/sqlite_database.h"
#include "core/ports.h"

namespace callgate {

class SqliteVoiceSessionStore final : public VoiceSessionStore {
 public:
  explicit SqliteVoiceSessionStore(SqliteDatabase& db) : db_(db) {}

  Status insert(const VoiceSessionRecord& record) override;
  Result<std::optional<VoiceSessionRecord>> find(const std::string& id, TimePoint now) override;
  Result<std::optional<VoiceSessionRecord>> findByCallSid(const std::string& callSid,
                                                          TimePoint now) override;
  Result<bool> update(const VoiceSessionRecord& record, int64_t expectedVersion) override;
  Status remove(const std::string& id) override;
  Result<int64_t> removeExpired(TimePoint now) override;

 private:
  Result<std::optional<VoiceSessionRecord>> findOne(const char* sql, const std::string& key,
                                                    TimePoint now);
  SqliteDatabase& db_;
};

}  // namespace callgate
