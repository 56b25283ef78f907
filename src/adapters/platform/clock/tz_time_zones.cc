#include "adapters/platform/clock/tz_time_zones.h"

#include <date/tz.h>

#include <chrono>
#include <exception>

namespace callgate {

Result<LocalTime> TzTimeZones::localTime(const std::string& zone, TimePoint at) const {
  const date::time_zone* tz = nullptr;
  try {
    tz = date::locate_zone(zone);  // throws std::runtime_error for an unknown name
  } catch (const std::exception&) {
    return Error::notFound("unknown time zone '" + zone + "'");
  }
  using std::chrono::duration_cast;
  const auto local = tz->to_local(std::chrono::time_point_cast<std::chrono::seconds>(at));
  const auto day = date::floor<date::days>(local);
  LocalTime out;
  out.day = static_cast<int>(day.time_since_epoch().count());
  out.weekday = static_cast<int>(date::weekday(day).c_encoding());
  out.minute = static_cast<int>(duration_cast<std::chrono::minutes>(local - day).count());
  return out;
}

}  // namespace callgate
