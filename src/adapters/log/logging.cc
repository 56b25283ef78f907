#include "adapters/log/logging.h"

#include <spdlog/async.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace callgate {

Status setupLogging(const std::string& level, bool async) {
  const auto lvl = spdlog::level::from_str(level);
  if (lvl == spdlog::level::off && level != "off") {
    return Error::invalidArgument("unknown log level '" + level + "'");
  }
  std::shared_ptr<spdlog::logger> logger;
  if (async) {
    spdlog::init_thread_pool(16384, 1);
    logger = spdlog::create_async_nb<spdlog::sinks::stderr_sink_mt>("callgate");
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
