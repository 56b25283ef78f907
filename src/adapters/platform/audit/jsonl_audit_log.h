// AuditLog that appends one JSON object per event to a file, hash-chained and signed every so
// often (the format: audit_chain.h; docs/OPERATIONS.md, "Audit log"):
// {"at":"<RFC 3339>","event":"otp_locked","seq":42,"prev":"<sha-256 hex>","phone":"+1415*****00"}.
//
// Each record's seq and prev come from the file's actual last complete line, read under the
// same flock as the append (AppendFile::appendAfterTail), so the server and CLI commands
// appending to one file form one chain; nothing about the chain is kept in memory. After every
// record whose seq is a multiple of `checkpointEvery`, and on checkpoint() (clean shutdown), a
// signed audit_checkpoint record follows, written in the same write(2). Without signing keys (CLI
// commands) no checkpoint is written; the chain still is.
//
// Thread-safe (every append takes the file's lock). Borrows the Clock; the keys function must
// stay callable for the log's lifetime.
#pragma once

#include <functional>
#include <memory>

#include "adapters/platform/file/append_file.h"
#include "adapters/security/token/key_set.h"
#include "core/ports.h"

namespace callgate {

// The keys checkpoints are signed with (the newest signs): the JWT key ring's current().
using AuditSigningKeys = std::function<std::shared_ptr<const token::KeySet>()>;

class JsonlAuditLog : public AuditLog {
 public:
  static constexpr int kDefaultCheckpointEvery = 100;

  JsonlAuditLog(std::string path, const Clock& clock, AuditSigningKeys keys = nullptr,
                int checkpointEvery = kDefaultCheckpointEvery)
      : file_(std::move(path), "audit log", 0600),
        clock_(clock),
        keys_(std::move(keys)),
        checkpointEvery_(checkpointEvery) {}
  void record(std::string_view event,
              const std::vector<std::pair<std::string, std::string>>& fields) override;

  // Appends a signed checkpoint unless the file holds no record or already ends with one; what
  // a clean shutdown does. kFailedPrecondition without signing keys; write errors as AppendFile.
  Status checkpoint();

 private:
  // A signed checkpoint record numbered `seq`, vouching for the chain up to the line whose hash is
  // `chain`. kFailedPrecondition without keys.
  Result<std::string> checkpointLine(int64_t seq, const std::string& chain) const;

  const AppendFile file_;
  const Clock& clock_;
  const AuditSigningKeys keys_;
  const int checkpointEvery_;
};

}  // namespace callgate
