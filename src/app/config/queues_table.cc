// [queues.<name>] and [callbacks]: the queues CheckMetricData and CheckHoursOfOperation know, and
// the limit on CreateCallbackContact (functions/connect_data.h).
//
//   [queues.support]
//   id = "7f3e..."            # Connect's queue id, if flows name the queue by it (or its ARN)
//   hours = "office"          # [hours.office]: the queue's hours of operation
//   agents_staffed = 4        # what CheckMetricData answers (configured, not measured)
//   agents_available = 2
//   agents_online = 3
//
//   [callbacks]
//   per_number = 3            # callback requests per number ...
//   window_seconds = 3600     # ... in this window

#include "app/config/config_tables.h"

namespace callgate::app::detail {

Status readQueuesTable(TableReader& t, RoutingConfig& routing) {
  constexpr int kMaxAgents = 100000;
  for (const std::string& name : t.keys()) {
    TableReader q = t.sub(name.c_str());
    QueueInfo info;
    info.name = name;
    q.str("id", info.id);
    q.str("hours", info.hours);
    q.integer("agents_staffed", info.agentsStaffed, 0, kMaxAgents);
    q.integer("agents_available", info.agentsAvailable, 0, kMaxAgents);
    q.integer("agents_online", info.agentsOnline, 0, kMaxAgents);
    if (Status s = q.finish(); !s.ok()) return s;
    if (!info.hours.empty()) {
      bool known = false;
      for (const HoursOfOperation& h : routing.hours) known = known || h.name == info.hours;
      if (!known) return q.invalid("hours", "names no [hours." + info.hours + "] table");
    }
    routing.queues.push_back(std::move(info));
  }
  return t.finish();
}

Status readCallbacksTable(TableReader& t, CallbackLimits& limits) {
  t.integer("per_number", limits.perNumber, 1, 1000);
  t.seconds("window_seconds", limits.window, 60, 7 * 24 * 3600);
  return t.finish();
}

}  // namespace callgate::app::detail
