// Hours of operation for the flow action CheckHoursOfOperation: weekly opening ranges in a time
// zone, with dated overrides (holidays closed, a short day open less), as configured in
// [hours.<name>]. CheckHoursOfOperation (the reserved function connect:check-hours-of-operation)
// answers "in hours?" for the clock's now; time stays out of the flow engine. Local time comes
// from the TimeZones port (core/time_zones.h).
// Thread-safety: the values are plain; the function is immutable after construction.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "core/ports.h"
#include "core/time_zones.h"
#include "functions/function.h"

namespace callgate {

// Minutes after local midnight: [start, end). end <= start wraps past midnight ("22:00-02:00");
// an end of 24:00 (or 00:00) is the end of the day.
struct OpenRange {
  int startMinute = 0;
  int endMinute = 0;
  bool operator==(const OpenRange&) const = default;
};

// A civil date as days since 1970-01-01 (std::chrono::sys_days' count).
using CivilDay = int;

// From `from` to `to` inclusive, the day's ranges are `open` instead of the weekly ones (none =
// closed all day).
struct HoursOverride {
  CivilDay from = 0;
  CivilDay to = 0;
  std::vector<OpenRange> open;
};

struct HoursOfOperation {
  std::string name;      // the table name, [hours.<name>]
  std::string id;        // Connect's hours id, optional: flows name hours by id or ARN
  std::string timeZone;  // IANA name, e.g. "America/New_York"
  std::array<std::vector<OpenRange>, 7> weekly;  // [0] = Sunday ... [6] = Saturday
  std::vector<HoursOverride> overrides;          // the first that covers a day wins
};

// "09:00-17:00" (also "9:00-17:30", "22:00-02:00", "00:00-24:00").
Result<OpenRange> parseOpenRange(std::string_view text);
// "2026-12-25".
Result<CivilDay> parseCivilDay(std::string_view text);
// "monday" .. "sunday" (any case) -> 1 .. 6, 0.
Result<int> parseWeekday(std::string_view text);

// In hours at local day `day` (weekday `weekday`, 0 = Sunday), `minute` after local midnight?
// Ranges wrapping past midnight count on the next day too. Pure; the unit of the rules.
bool isOpenAt(const HoursOfOperation& hours, CivilDay day, int weekday, int minute);

// connect:check-hours-of-operation (core/flow/internal_functions.h). HoursOfOperationId names
// the hours (table name, id, or an ARN ending in either); empty = the hours of the Queue
// parameter's queue ([queues.<name>] hours). Unknown hours or queue: kNotFound (the block's
// error branch).
class CheckHoursOfOperation : public Function {
 public:
  // queues: queue name or id -> hours name. Fails (kInvalidArgument) if a time zone is unknown.
  static Result<std::unique_ptr<CheckHoursOfOperation>> create(
      std::vector<HoursOfOperation> hours, std::vector<std::pair<std::string, std::string>> queues,
      const TimeZones& zones, const Clock& clock);

  std::string_view name() const override;
  Result<StringMap> invoke(const FunctionRequest& request) override;
  // In hours at `now`? For tests and `callgate` diagnostics.
  Result<bool> isOpen(std::string_view hoursId, std::string_view queue, TimePoint now) const;

 private:
  CheckHoursOfOperation(const TimeZones& zones, const Clock& clock)
      : zones_(zones), clock_(clock) {}
  const HoursOfOperation* find(std::string_view hoursId, std::string_view queue) const;

  const TimeZones& zones_;
  const Clock& clock_;
  std::vector<HoursOfOperation> hours_;
  std::vector<std::pair<std::string, std::string>> queues_;
};

}  // namespace callgate
