// Readiness: whether this node should be sent work, for GET /readyz (a load balancer's probe) and
// SIP OPTIONS (a dispatcher's probe). Ready means every configured listener is open, the database
// answers, the flows are loaded, and the node is not draining (DESIGN §5: readiness is honest,
// and stops as soon as a drain starts). GET /livez is not this: a draining node is still alive.
//
//   200 {"status":"ready","not_ready":[],"listeners":{"http":"open","sip":"open"},
//        "database":"ok","flows":"loaded","last_reload":"none","draining":false}
//   503 {"status":"not_ready","not_ready":["listeners.sip","draining"],...}
//
// `not_ready` names each failing check by its key ("listeners.<name>", "database", "flows",
// "draining"). `flows` is "loaded", "loading" (not ready: a voice channel's flows are not in
// place yet) or "none" when no voice channel runs a flow (nothing to load, which is ready).
// `last_reload` ("none", "ok", "failed") is for the operator only: a failed reload keeps the old
// flows in force, so the node stays ready. The database check is the HealthCheck's (cached for a
// second, one probe at a time, its error only in the log).
//
// report() may block on the database probe: call it from a worker thread. ready() never blocks:
// it answers from the last probe (refresh() runs one; serve calls it every second), for the SIP
// thread. Thread-safety: every method may be called from any thread.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "channels/common/health_check.h"

namespace callgate {

class Readiness {
 public:
  enum class Flows { kNone, kLoading, kLoaded };
  enum class Reload { kNone, kOk, kFailed };

  // `database`: the database check (serve gives readiness one of its own, not /healthz's).
  explicit Readiness(std::shared_ptr<HealthCheck> database);

  // A listener the config asks for; not ready until setListenerOpen(name, true).
  void expectListener(const std::string& name);
  void setListenerOpen(const std::string& name, bool open);
  void setFlows(Flows flows) { flows_.store(flows); }
  void setLastReload(Reload reload) { reload_.store(reload); }
  // Irreversible: a draining node never becomes ready again.
  void startDraining() { draining_.store(true); }
  bool draining() const { return draining_.load(); }

  // Probes the database (cached) and renders the answer above.
  HealthReport report();
  // Probes the database (cached); for serve's once-a-second tick.
  void refresh();
  // The verdict from the last probe; no I/O.
  bool ready() const;

 private:
  void probe();  // database_ -> databaseOk_, databaseState_

  std::shared_ptr<HealthCheck> database_;
  std::atomic<Flows> flows_{Flows::kNone};
  std::atomic<Reload> reload_{Reload::kNone};
  std::atomic<bool> draining_{false};
  std::atomic<bool> databaseOk_{true};  // until the first probe says otherwise
  mutable std::mutex mu_;
  std::map<std::string, bool> listeners_;  // name -> open
  std::string databaseState_ = "unchecked";
};

}  // namespace callgate
