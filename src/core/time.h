// Time types shared by the core and its ports. Wall-clock time with millisecond resolution;
// every "now" comes from the Clock port so tests use a fake clock and never sleep.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace callgate {

using TimePoint = std::chrono::time_point<std::chrono::system_clock, std::chrono::milliseconds>;
using Millis = std::chrono::milliseconds;
using Seconds = std::chrono::seconds;

inline int64_t toUnixMillis(TimePoint t) { return t.time_since_epoch().count(); }
inline TimePoint fromUnixMillis(int64_t ms) { return TimePoint(Millis(ms)); }

// RFC 3339 in UTC with milliseconds, e.g. "2026-11-21T13:48:31.123Z".
std::string formatRfc3339(TimePoint t);

}  // namespace callgate
