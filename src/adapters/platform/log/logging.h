// Operational logging: spdlog to standard error (or a file), one logfmt-style line per event
// ("2026-11-21T13:48:31.123Z level=info event=http ..."), UTC timestamps. The server's lines are
// formatted on the thread that logs and collected in a buffer that is written when 32 KiB have
// gathered, every second, and at once for warnings and errors (nginx's buffered access log does
// the same). Measured against spdlog's async logger, this costs a third as much per request:
// the async queue wakes its thread for almost every line. Call setupLogging once at start-up.
//
// A log file ([log] file) is opened O_APPEND (created 0640) and reopened by reopenLogFile(),
// which serve calls on SIGHUP: logrotate renames the file, signals, and the next lines go to a
// new file at the configured path (no copytruncate needed, no line lost or split).
// Thread-safety: reopenLogFile() may run while other threads log.
#pragma once

#include <string>

#include "common/result.h"

namespace callgate {

// `buffered`: the server's mode above; otherwise every line is written at once (CLI commands).
// `file`: "" = standard error.
Status setupLogging(const std::string& level, bool buffered, const std::string& file = "");

// Writes out what is buffered and reopens the log file at its path; does nothing when logging to
// standard error. On failure the old file stays in use and the error says why.
Status reopenLogFile();

}  // namespace callgate
