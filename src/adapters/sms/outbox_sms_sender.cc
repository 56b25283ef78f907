#include "adapters/sms/outbox_sms_sender.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <system_error>
#include <utility>

namespace callgate {
namespace {

Error outboxError(const std::string& path, const std::string& what, int err) {
  return Error::unavailable("sms outbox " + path + ": " + what + ": " + std::strerror(err));
}

// Closes the descriptor on every return path.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

OutboxSmsSender::OutboxSmsSender(std::string path, const Clock& clock)
    : path_(std::move(path)), clock_(clock) {}

Status OutboxSmsSender::send(const SmsMessage& message) {
  // ordered_json keeps the documented key order (to, body, at), which is easier to read by eye.
  const nlohmann::ordered_json line = {
      {"to", message.to}, {"body", message.body}, {"at", formatRfc3339(clock_.now())}};
  // replace: a body with invalid UTF-8 still yields valid JSON instead of an exception.
  std::string text = line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  text += '\n';

  const std::filesystem::path parent = std::filesystem::path(path_).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) return outboxError(path_, "cannot create directory " + parent.string(), ec.value());
  }
  // 0600: the file holds one-time codes in clear text until they expire.
  const FileDescriptor fd(::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600));
  if (fd.get() < 0) return outboxError(path_, "cannot open", errno);

  // One write() of the whole line: with O_APPEND the kernel places it atomically at the end, so
  // another thread or process appending at the same time cannot land inside it. A short write
  // (disk full) is reported, not completed, since a second write could be split from the first.
  ssize_t written;
  do {
    written = ::write(fd.get(), text.data(), text.size());
  } while (written < 0 && errno == EINTR);  // interrupted before writing anything
  if (written < 0) return outboxError(path_, "write failed", errno);
  if (static_cast<size_t>(written) != text.size()) {
    return Error::unavailable("sms outbox " + path_ + ": short write (" + std::to_string(written) +
                              " of " + std::to_string(text.size()) + " bytes)");
  }
  return okStatus();
}

}  // namespace callgate
