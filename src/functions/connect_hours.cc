#include "functions/connect_hours.h"

#include <charconv>
#include <chrono>

#include "core/flow/internal_functions.h"

namespace callgate {
namespace {

constexpr int kMinutesPerDay = 24 * 60;

Result<int> parseClock(std::string_view text) {
  std::size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 2 || text.size() - colon != 3)
    return Error::invalidArgument("'" + std::string(text) + "' is not HH:MM");
  int h = 0;
  int m = 0;
  auto hr = std::from_chars(text.data(), text.data() + colon, h);
  auto mr = std::from_chars(text.data() + colon + 1, text.data() + text.size(), m);
  if (hr.ec != std::errc() || hr.ptr != text.data() + colon || mr.ec != std::errc() ||
      mr.ptr != text.data() + text.size() || h > 24 || m > 59 || (h == 24 && m != 0))
    return Error::invalidArgument("'" + std::string(text) + "' is not a time of day (HH:MM)");
  return h * 60 + m;
}

const std::vector<OpenRange>& rangesOn(const HoursOfOperation& hours, CivilDay day, int weekday) {
  for (const HoursOverride& o : hours.overrides) {
    if (day >= o.from && day <= o.to) return o.open;
  }
  return hours.weekly[static_cast<std::size_t>(weekday)];
}

// The part after the last '/' of an ARN ("...:instance/i-1/operating-hours/h-1" -> "h-1").
std::string_view lastSegment(std::string_view idOrArn) {
  if (!idOrArn.starts_with("arn:")) return idOrArn;
  std::size_t slash = idOrArn.rfind('/');
  return slash == std::string_view::npos ? idOrArn : idOrArn.substr(slash + 1);
}

}  // namespace

Result<OpenRange> parseOpenRange(std::string_view text) {
  std::size_t dash = text.find('-');
  if (dash == std::string_view::npos)
    return Error::invalidArgument("'" + std::string(text) + "' is not a range HH:MM-HH:MM");
  auto start = parseClock(text.substr(0, dash));
  if (!start.ok()) return start.error();
  auto end = parseClock(text.substr(dash + 1));
  if (!end.ok()) return end.error();
  if (*start == kMinutesPerDay)
    return Error::invalidArgument("'" + std::string(text) + "' starts at 24:00");
  return OpenRange{*start, *end == 0 ? kMinutesPerDay : *end};
}

Result<CivilDay> parseCivilDay(std::string_view text) {
  int y = 0;
  unsigned m = 0;
  unsigned d = 0;
  const char* p = text.data();
  const char* e = text.data() + text.size();
  auto bad = [&] {
    return Error::invalidArgument("'" + std::string(text) + "' is not YYYY-MM-DD");
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return bad();
  if (std::from_chars(p, p + 4, y).ptr != p + 4 || std::from_chars(p + 5, p + 7, m).ptr != p + 7 ||
      std::from_chars(p + 8, e, d).ptr != e)
    return bad();
  std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
  if (!ymd.ok()) return bad();
  return static_cast<CivilDay>(std::chrono::sys_days(ymd).time_since_epoch().count());
}

Result<int> parseWeekday(std::string_view text) {
  static constexpr std::string_view kDays[] = {"sunday",   "monday", "tuesday", "wednesday",
                                               "thursday", "friday", "saturday"};
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  for (int i = 0; i < 7; ++i) {
    if (lower == kDays[i]) return i;
  }
  return Error::invalidArgument("'" + std::string(text) + "' is not a day of the week");
}

bool isOpenAt(const HoursOfOperation& hours, CivilDay day, int weekday, int minute) {
  for (const OpenRange& r : rangesOn(hours, day, weekday)) {
    if (r.endMinute > r.startMinute) {
      if (minute >= r.startMinute && minute < r.endMinute) return true;
    } else if (minute >= r.startMinute) {
      return true;  // the evening part of a range that wraps past midnight
    }
  }
  // The morning part of yesterday's wrapping ranges (by yesterday's own rules).
  for (const OpenRange& r : rangesOn(hours, day - 1, (weekday + 6) % 7)) {
    if (r.endMinute <= r.startMinute && minute < r.endMinute) return true;
  }
  return false;
}

Result<std::unique_ptr<CheckHoursOfOperation>> CheckHoursOfOperation::create(
    std::vector<HoursOfOperation> hours, std::vector<std::pair<std::string, std::string>> queues,
    const TimeZones& zones, const Clock& clock) {
  for (const HoursOfOperation& h : hours) {
    if (!zones.localTime(h.timeZone, clock.now()).ok()) {
      return Error::invalidArgument("hours." + h.name + ".time_zone: unknown time zone '" +
                                    h.timeZone + "'");
    }
  }
  std::unique_ptr<CheckHoursOfOperation> fn(new CheckHoursOfOperation(zones, clock));
  fn->hours_ = std::move(hours);
  fn->queues_ = std::move(queues);
  return fn;
}

std::string_view CheckHoursOfOperation::name() const { return flow::internal::kCheckHours; }

const HoursOfOperation* CheckHoursOfOperation::find(std::string_view hoursId,
                                                    std::string_view queue) const {
  std::string_view wanted = lastSegment(hoursId);
  if (wanted.empty()) {
    for (const auto& [q, hoursName] : queues_) {
      if (q == queue) {
        wanted = hoursName;
        break;
      }
    }
    if (wanted.empty()) return nullptr;
  }
  for (const HoursOfOperation& h : hours_) {
    if (h.name == wanted || (!h.id.empty() && h.id == wanted)) return &h;
  }
  return nullptr;
}

Result<bool> CheckHoursOfOperation::isOpen(std::string_view hoursId, std::string_view queue,
                                           TimePoint now) const {
  const HoursOfOperation* h = find(hoursId, queue);
  if (h == nullptr) {
    return Error::notFound(hoursId.empty() ? "queue '" + std::string(queue) + "' has no hours"
                                           : "no hours named '" + std::string(hoursId) + "'");
  }
  auto local = zones_.localTime(h->timeZone, now);
  if (!local.ok()) return local.error();
  return isOpenAt(*h, local->day, local->weekday, local->minute);
}

Result<StringMap> CheckHoursOfOperation::invoke(const FunctionRequest& request) {
  auto param = [&](std::string_view key) -> std::string {
    auto it = request.parameters.find(std::string(key));
    return it == request.parameters.end() ? std::string() : it->second;
  };
  auto open = isOpen(param(flow::internal::kHoursId), param(flow::internal::kQueue), clock_.now());
  if (!open.ok()) return open.error();
  return StringMap{{std::string(flow::internal::kInHours), *open ? "True" : "False"}};
}

}  // namespace callgate
