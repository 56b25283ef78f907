// Operational logging: spdlog to standard error, one logfmt-style line per event
// ("2026-11-21T13:48:31.123Z level=info event=http ..."), UTC timestamps. The server logs
// asynchronously and buffered (written at least every second, at once for warnings and errors)
// so logging never stalls a request; when the queue is full the oldest lines are dropped rather
// than blocking. Call once at start-up, before other threads start.
#pragma once

#include <string>

#include "core/result.h"

namespace callgate {

Status setupLogging(const std::string& level, bool async);

}  // namespace callgate
