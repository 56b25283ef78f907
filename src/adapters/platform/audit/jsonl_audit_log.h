// AuditLog that appends one JSON object per event to a file:
// {"at":"<RFC 3339>","event":"otp_locked","phone":"+1415*****00",...}.
// Thread-safe (AppendFile writes each line atomically).
#pragma once

#include "adapters/platform/file/append_file.h"
#include "core/ports.h"

namespace callgate {

class JsonlAuditLog : public AuditLog {
 public:
  JsonlAuditLog(std::string path, const Clock& clock)
      : file_(std::move(path), "audit log", 0600), clock_(clock) {}
  void record(std::string_view event,
              const std::vector<std::pair<std::string, std::string>>& fields) override;

 private:
  const AppendFile file_;
  const Clock& clock_;
};

}  // namespace callgate
