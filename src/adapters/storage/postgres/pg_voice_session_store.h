// PgVoiceSessionStore: the VoiceSessionStore port over the voice_sessions table of a PgDatabase.
// update() is one UPDATE ... WHERE version = expected: under READ COMMITTED a concurrent writer's
// change makes the waiting UPDATE re-check the version and match nothing, so of two nodes
// advancing one call exactly one wins. Borrows the database, which must outlive it. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "adapters/storage/postgres/pg_database.h"
#include "core/ports.h"

namespace callgate {

class PgVoiceSessionStore final : public VoiceSessionStore {
 public:
  explicit PgVoiceSessionStore(PgDatabase& db) : db_(db) {}

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

  PgDatabase& db_;
};

}  // namespace callgate
