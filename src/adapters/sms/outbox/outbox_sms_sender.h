// OutboxSmsSender: an SmsSender that "sends" by appending each message to a local file, one JSON
// object per line: {"to": "+E164", "body": "...", "at": "<RFC 3339 UTC>"}. It is the default for
// development and tests (the outbox web page and the test harness read the file back) and for
// sites whose SMS gateway picks messages up from a spool.
//
// Lines go through AppendFile: one write() per line on O_APPEND, reopened per message, so
// concurrent writers never interleave and the file can be rotated at any time; thread-safe
// without a lock. No fsync: a message lost in a power cut is resent by the caller asking again.
// Borrows the Clock, which must outlive it.
#pragma once

#include <string>

#include "adapters/platform/file/append_file.h"
#include "core/ports.h"

namespace callgate {

class OutboxSmsSender final : public SmsSender {
 public:
  OutboxSmsSender(std::string path, const Clock& clock);

  // Creates the file (0600, it holds live codes) and its directory if missing.
  // kUnavailable naming the path if the file cannot be created or written.
  Status send(const SmsMessage& message) override;

  const std::string& path() const { return file_.path(); }

 private:
  const AppendFile file_;
  const Clock& clock_;
};

}  // namespace callgate
