// TimeZones: the port that turns an instant into local civil time in a named (IANA) time zone,
// so hours of operation can be checked without the functions reading the tz database
// themselves. Production: TzTimeZones (adapters/platform/clock, the system tz database).
// Implementations must be thread-safe.
#pragma once

#include <string>

#include "common/result.h"
#include "core/time.h"

namespace callgate {

struct LocalTime {
  int day = 0;      // the local date as days since 1970-01-01 (std::chrono::sys_days' count)
  int weekday = 0;  // 0 = Sunday ... 6 = Saturday
  int minute = 0;   // minutes after local midnight
};

class TimeZones {
 public:
  virtual ~TimeZones() = default;
  // kNotFound when the zone is unknown.
  virtual Result<LocalTime> localTime(const std::string& zone, TimePoint at) const = 0;
};

}  // namespace callgate
