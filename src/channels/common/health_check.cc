#include "channels/common/health_check.h"

#include <spdlog/spdlog.h>

#include <utility>

namespace callgate {

HealthCheck::HealthCheck(Probe database, std::chrono::milliseconds maxAge, SteadyNow now)
    : probe_(std::move(database)), maxAge_(maxAge), now_(std::move(now)) {}

HealthReport HealthCheck::render(State state) {
  switch (state) {
    case State::kOk:
      return {200, R"({"status":"ok","database":"ok"})", "ok"};
    case State::kUnreachable:
      return {503, R"({"status":"unavailable","database":"unreachable"})", "unreachable"};
    case State::kError:
      return {503, R"({"status":"unavailable","database":"error"})", "error"};
    case State::kUnknown:
      break;
  }
  return {200, R"({"status":"ok","database":"unchecked"})", "unchecked"};
}

bool HealthCheck::fresh(std::chrono::steady_clock::time_point now) const {
  return state_ != State::kUnknown && now - checkedAt_ < maxAge_;
}

HealthReport HealthCheck::report() {
  if (!probe_) return render(State::kUnknown);
  {
    std::lock_guard lock(mu_);
    if (fresh(now_())) return render(state_);
  }
  std::unique_lock probing(probing_, std::try_to_lock);
  if (!probing.owns_lock()) {
    {
      // Someone is probing: their predecessor's answer will do, if there is one.
      std::lock_guard lock(mu_);
      if (state_ != State::kUnknown) return render(state_);
    }
    probing.lock();
  }
  {
    std::lock_guard lock(mu_);
    if (fresh(now_())) return render(state_);  // probed while we waited for the lock
  }
  const Status status = probe_();
  const State state = status.ok()                                        ? State::kOk
                      : status.error().code() == ErrorCode::kUnavailable ? State::kUnreachable
                                                                         : State::kError;
  std::lock_guard lock(mu_);
  if (state != State::kOk && state_ != state) {
    spdlog::warn("event=health_database_unavailable code={} error=\"{}\"",
                 errorCodeName(status.error().code()), status.error().message());
  } else if (state == State::kOk && state_ != State::kOk && state_ != State::kUnknown) {
    spdlog::info("event=health_database_ok");
  }
  state_ = state;
  checkedAt_ = now_();
  return render(state_);
}

}  // namespace callgate
