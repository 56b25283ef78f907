// [metrics]: where GET /metrics is served. On the main HTTP listener by default; `listen` adds an
// admin listener of its own (typically loopback, for a local Prometheus or agent), and
// `on_main_listener = false` then keeps the metrics off the public port.

#include "app/config/config_tables.h"

namespace callgate::app::detail {

Status readMetricsTable(TableReader& t, MetricsConfig& metrics) {
  t.str("listen", metrics.listen);
  t.boolean("on_main_listener", metrics.onMainListener);
  if (Status s = t.finish(); !s.ok()) return s;
  if (!metrics.listen.empty()) {
    if (auto hp = parseHostPort(metrics.listen); !hp.ok()) {
      return Error::invalidArgument("metrics.listen: " + hp.error().message());
    }
  }
  if (!metrics.onMainListener && metrics.listen.empty()) {
    return Error::invalidArgument(
        "metrics.on_main_listener = false needs metrics.listen, or nothing serves /metrics");
  }
  return okStatus();
}

}  // namespace callgate::app::detail
