// What GET /healthz answers: whether this node can serve, which today means whether its database
// answers. The app passes the probe (a ping of the SQLite or PostgreSQL database); the answer is
// cached for `maxAge` (1 s), so a storm of load-balancer probes reaches the database about once a
// second, and only one probe runs at a time: while it runs, other requests get the previous answer
// (the very first one waits for it). A probe may block (a connect timeout): call report() from a
// worker thread, not an I/O thread.
//
//   200 {"status":"ok","database":"ok"}
//   503 {"status":"unavailable","database":"unreachable"}   the probe answered kUnavailable
//   503 {"status":"unavailable","database":"error"}         any other error
//   200 {"status":"ok","database":"unchecked"}              no probe was given
//
// The error's message goes to the log (one warn line when the database goes away, one info line
// when it is back), never into the body, which anyone who can reach the port may read.
// Thread-safety: report() may be called from any number of threads at once.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <string>

#include "common/result.h"

namespace callgate {

struct HealthReport {
  int status = 200;
  std::string body;
  std::string database;  // "ok", "unreachable", "error" or "unchecked", as in the body
};

class HealthCheck {
 public:
  using Probe = std::function<Status()>;
  using SteadyNow = std::function<std::chrono::steady_clock::time_point()>;

  explicit HealthCheck(Probe database,
                       std::chrono::milliseconds maxAge = std::chrono::milliseconds(1000),
                       SteadyNow now = &std::chrono::steady_clock::now);

  HealthReport report();

 private:
  enum class State { kUnknown, kOk, kUnreachable, kError };
  static HealthReport render(State state);
  bool fresh(std::chrono::steady_clock::time_point now) const;  // mu_ held

  const Probe probe_;
  const std::chrono::milliseconds maxAge_;
  const SteadyNow now_;
  std::mutex probing_;  // held by the one thread running the probe
  std::mutex mu_;       // guards the two fields below
  State state_ = State::kUnknown;
  std::chrono::steady_clock::time_point checkedAt_{};
};

}  // namespace callgate
