#include "adapters/platform/log/logging.h"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <mutex>

namespace callgate {

namespace {

// Standard error, buffered: spdlog's stderr sink flushes every line, a write(2) per request.
// This one collects lines and writes them when 32 KiB have gathered, on flush() (every second
// and at every warning, see setupLogging) and at exit.
class BufferedStderrSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  ~BufferedStderrSink() override { flush_(); }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    buffer_.append(formatted.data(), formatted.size());
    if (buffer_.size() >= kFlushBytes) flush_();
  }
  void flush_() override {
    size_t done = 0;
    while (done < buffer_.size()) {
      const ssize_t n = ::write(STDERR_FILENO, buffer_.data() + done, buffer_.size() - done);
      if (n <= 0) break;  // nowhere to report a failing stderr; drop the lines
      done += static_cast<size_t>(n);
    }
    buffer_.clear();
  }

 private:
  static constexpr size_t kFlushBytes = 32 * 1024;
  std::string buffer_;
};

}  // namespace

Status setupLogging(const std::string& level, bool buffered) {
  const auto lvl = spdlog::level::from_str(level);
  if (lvl == spdlog::level::off && level != "off") {
    return Error::invalidArgument("unknown log level '" + level + "'");
  }
  std::shared_ptr<spdlog::logger> logger;
  if (buffered) {
    logger = std::make_shared<spdlog::logger>("callgate", std::make_shared<BufferedStderrSink>());
    spdlog::flush_every(std::chrono::seconds(1));
  } else {
    logger = spdlog::stderr_logger_mt("callgate");
  }
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ level=%l %v", spdlog::pattern_time_type::utc);
  logger->set_level(lvl);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
  return okStatus();
}

}  // namespace callgate
