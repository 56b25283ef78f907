// [hours.<name>]: hours of operation for CheckHoursOfOperation (functions/connect_hours.h).
//
//   [hours.office]
//   time_zone = "America/New_York"       # IANA name, required
//   id = "0b1c..."                       # Connect's hours id, if flows name the hours by it
//   monday = ["09:00-17:00"]             # each day a list of HH:MM-HH:MM; absent = closed
//   closed = ["2026-12-25", "2026-12-31..2027-01-01"]   # whole days (or ranges) closed
//   [hours.office.special]
//   "2026-12-24" = ["09:00-13:00"]       # a day (or range) with other hours; [] = closed

#include "app/config/config_tables.h"

namespace callgate::app::detail {
namespace {

constexpr const char* kDays[] = {"sunday",   "monday", "tuesday", "wednesday",
                                 "thursday", "friday", "saturday"};
constexpr std::size_t kMaxRangesPerDay = 16;
constexpr std::size_t kMaxOverrides = 500;

// "2026-12-25" or "2026-12-31..2027-01-01".
Result<std::pair<CivilDay, CivilDay>> dayRange(const std::string& text) {
  std::size_t dots = text.find("..");
  auto from = parseCivilDay(text.substr(0, dots));
  if (!from.ok()) return from.error();
  if (dots == std::string::npos) return std::pair{*from, *from};
  auto to = parseCivilDay(text.substr(dots + 2));
  if (!to.ok()) return to.error();
  if (*to < *from) return Error::invalidArgument("'" + text + "' ends before it starts");
  return std::pair{*from, *to};
}

Result<std::vector<OpenRange>> ranges(const std::vector<std::string>& texts) {
  if (texts.size() > kMaxRangesPerDay)
    return Error::invalidArgument("has more than " + std::to_string(kMaxRangesPerDay) + " ranges");
  std::vector<OpenRange> out;
  for (const std::string& t : texts) {
    auto r = parseOpenRange(t);
    if (!r.ok()) return r.error();
    out.push_back(*r);
  }
  return out;
}

Status readOne(TableReader& t, const std::string& name, HoursOfOperation& h) {
  h.name = name;
  t.str("time_zone", h.timeZone);
  t.str("id", h.id);
  for (std::size_t d = 0; d < 7; ++d) {
    std::vector<std::string> texts;
    t.stringList(kDays[d], texts);
    auto r = ranges(texts);
    if (!r.ok()) return t.invalid(kDays[d], r.error().message());
    h.weekly[d] = std::move(*r);
  }
  // Special days first: a day both special and closed keeps its special hours.
  TableReader special = t.sub("special");
  for (const std::string& key : special.keys()) {
    std::vector<std::string> texts;
    special.stringList(key.c_str(), texts);
    auto days = dayRange(key);
    if (!days.ok()) return special.invalid(key.c_str(), days.error().message());
    auto r = ranges(texts);
    if (!r.ok()) return special.invalid(key.c_str(), r.error().message());
    h.overrides.push_back(HoursOverride{days->first, days->second, std::move(*r)});
  }
  if (Status s = special.finish(); !s.ok()) return s;
  std::vector<std::string> closed;
  t.stringList("closed", closed);
  for (const std::string& c : closed) {
    auto days = dayRange(c);
    if (!days.ok()) return t.invalid("closed", days.error().message());
    h.overrides.push_back(HoursOverride{days->first, days->second, {}});
  }
  if (h.overrides.size() > kMaxOverrides)
    return t.invalid("closed", "and special hold more than 500 entries");
  if (Status s = t.finish(); !s.ok()) return s;
  if (h.timeZone.empty()) return t.invalid("time_zone", "is required (an IANA name)");
  return okStatus();
}

}  // namespace

Status readHoursTable(TableReader& t, std::vector<HoursOfOperation>& hours) {
  for (const std::string& name : t.keys()) {
    TableReader one = t.sub(name.c_str());
    HoursOfOperation h;
    if (Status s = readOne(one, name, h); !s.ok()) return s;
    hours.push_back(std::move(h));
  }
  return t.finish();
}

}  // namespace callgate::app::detail
