#include "adapters/platform/log/logging.h"

#include <fcntl.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <mutex>
#include <string_view>

namespace callgate {

namespace {

// Standard error or a file. Buffered, for the server: spdlog's stderr sink flushes every line,
// a write(2) per request. This one collects lines and writes them when 32 KiB have gathered, on
// flush() (every second and at every warning, see setupLogging) and at exit. Unbuffered, for the
// CLI commands: every line at once.
class FdSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  // `path` "" = standard error (never closed, never reopened).
  FdSink(int fd, std::string path, bool buffered)
      : fd_(fd), path_(std::move(path)), buffered_(buffered) {}
  ~FdSink() override {
    flush_();
    if (!path_.empty() && fd_ >= 0) ::close(fd_);
  }

  // The file at path_ again (after logrotate moved it away); the old one stays on failure.
  Status reopen() {
    std::lock_guard lock(mutex_);
    if (path_.empty()) return okStatus();
    flush_();
    const int fd = openLogFile(path_);
    if (fd < 0) {
      return Error::unavailable("cannot reopen log file " + path_ + ": " + std::strerror(errno));
    }
    ::close(fd_);
    fd_ = fd;
    return okStatus();
  }

  static int openLogFile(const std::string& path) {
    return ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    appendSafeLine(std::string_view(formatted.data(), formatted.size()));
    if (!buffered_ || buffer_.size() >= kFlushBytes) flush_();
  }
  // The backstop behind logValue() (common/log_value.h), which every value from the wire goes
  // through: whatever a call site forgot, one event stays one line with no control character
  // (\xNN instead) and at most kMaxLineBytes.
  void appendSafeLine(std::string_view line) {
    static constexpr char kHex[] = "0123456789abcdef";
    if (!line.empty() && line.back() == '\n') line.remove_suffix(1);
    const size_t start = buffer_.size();
    size_t i = 0;
    while (i < line.size()) {
      const size_t used = buffer_.size() - start;
      if (used >= kMaxLineBytes) {
        buffer_ += "...[line cut]";
        break;
      }
      // Printable runs are copied whole (an access line has no control byte at all): a byte at a
      // time was half of this sink's cost per line.
      const size_t limit = std::min(line.size(), i + (kMaxLineBytes - used));
      size_t end = i;
      while (end < limit && !isControl(line[end])) ++end;
      if (end > i) {
        buffer_.append(line.data() + i, end - i);
        i = end;
        continue;
      }
      const auto c = static_cast<unsigned char>(line[i++]);
      buffer_ += "\\x";
      buffer_ += kHex[c >> 4];
      buffer_ += kHex[c & 0xf];
    }
    buffer_ += '\n';
  }

  static bool isControl(char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c < 0x20 || c == 0x7f;
  }

  void flush_() override {
    size_t done = 0;
    while (done < buffer_.size()) {
      const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // nowhere to report a failing log; drop the lines
      done += static_cast<size_t>(n);
    }
    buffer_.clear();
  }

 private:
  static constexpr size_t kFlushBytes = 32 * 1024;
  static constexpr size_t kMaxLineBytes = 16 * 1024;
  int fd_;
  const std::string path_;
  const bool buffered_;
  std::string buffer_;
};

// The sink of the default logger, for reopenLogFile().
std::mutex sinkMu;
std::shared_ptr<FdSink> currentSink;

}  // namespace

Status setupLogging(const std::string& level, bool buffered, const std::string& file) {
  const auto lvl = spdlog::level::from_str(level);
  if (lvl == spdlog::level::off && level != "off") {
    return Error::invalidArgument("unknown log level '" + level + "'");
  }
  int fd = STDERR_FILENO;
  if (!file.empty()) {
    fd = FdSink::openLogFile(file);
    if (fd < 0) {
      return Error::unavailable("cannot open log file " + file + ": " + std::strerror(errno));
    }
  }
  auto sink = std::make_shared<FdSink>(fd, file, buffered);
  auto logger = std::make_shared<spdlog::logger>("callgate", sink);
  if (buffered) spdlog::flush_every(std::chrono::seconds(1));
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ level=%l %v", spdlog::pattern_time_type::utc);
  logger->set_level(lvl);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
  std::lock_guard lock(sinkMu);
  currentSink = std::move(sink);
  return okStatus();
}

Status reopenLogFile() {
  std::shared_ptr<FdSink> sink;
  {
    std::lock_guard lock(sinkMu);
    sink = currentSink;
  }
  return sink ? sink->reopen() : okStatus();
}

}  // namespace callgate
