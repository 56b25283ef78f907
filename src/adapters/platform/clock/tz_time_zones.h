// TzTimeZones: the TimeZones port (core/time_zones.h) over the system tz database
// (/usr/share/zoneinfo, read through Howard Hinnant's date/tz.h, as C++20's std::chrono tzdb
// will). Zones are looked up by IANA name; the database is loaded once, on first use.
// Thread-safe (date's tzdb is immutable once loaded).
#pragma once

#include <string>

#include "core/time_zones.h"

namespace callgate {

class TzTimeZones final : public TimeZones {
 public:
  Result<LocalTime> localTime(const std::string& zone, TimePoint at) const override;
};

}  // namespace callgate
