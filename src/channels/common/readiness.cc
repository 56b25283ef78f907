#include "channels/common/readiness.h"

#include <utility>
#include <vector>

#include "common/json_writer.h"

namespace callgate {

namespace {

const char* reloadName(Readiness::Reload r) {
  switch (r) {
    case Readiness::Reload::kOk:
      return "ok";
    case Readiness::Reload::kFailed:
      return "failed";
    case Readiness::Reload::kNone:
      break;
  }
  return "none";
}

}  // namespace

Readiness::Readiness(std::shared_ptr<HealthCheck> database) : database_(std::move(database)) {}

void Readiness::expectListener(const std::string& name) {
  std::lock_guard lock(mu_);
  listeners_.emplace(name, false);
}

void Readiness::setListenerOpen(const std::string& name, bool open) {
  std::lock_guard lock(mu_);
  listeners_[name] = open;
}

void Readiness::probe() {
  if (!database_) return;
  HealthReport db = database_->report();
  std::lock_guard lock(mu_);
  databaseState_ = db.database;
  databaseOk_.store(db.status == 200);
}

void Readiness::refresh() { probe(); }

bool Readiness::ready() const {
  if (draining_.load() || !databaseOk_.load() || flows_.load() == Flows::kLoading) return false;
  std::lock_guard lock(mu_);
  for (const auto& [name, open] : listeners_) {
    if (!open) return false;
  }
  return true;
}

HealthReport Readiness::report() {
  probe();
  std::vector<std::string> failing;
  std::string listeners = "{";
  std::string database;
  {
    std::lock_guard lock(mu_);
    for (const auto& [name, open] : listeners_) {
      if (listeners.size() > 1) listeners += ',';
      json::appendString(listeners, name);
      listeners += open ? R"(:"open")" : R"(:"closed")";
      if (!open) failing.push_back("listeners." + name);
    }
    database = databaseState_;
  }
  listeners += '}';
  if (!databaseOk_.load()) failing.emplace_back("database");
  const Flows flows = flows_.load();
  if (flows == Flows::kLoading) failing.emplace_back("flows");
  const bool draining = draining_.load();
  if (draining) failing.emplace_back("draining");

  std::string notReady = "[";
  for (const std::string& name : failing) {
    if (notReady.size() > 1) notReady += ',';
    json::appendString(notReady, name);
  }
  notReady += ']';
  HealthReport report;
  report.status = failing.empty() ? 200 : 503;
  report.database = database;
  report.body = std::string(R"({"status":)") + (failing.empty() ? R"("ready")" : R"("not_ready")") +
                R"(,"not_ready":)" + notReady + R"(,"listeners":)" + listeners + R"(,"database":)";
  json::appendString(report.body, database);
  report.body += R"(,"flows":)";
  report.body += flows == Flows::kLoaded    ? R"("loaded")"
                 : flows == Flows::kLoading ? R"("loading")"
                                            : R"("none")";
  report.body += R"(,"last_reload":")";
  report.body += reloadName(reload_.load());
  report.body += R"(","draining":)";
  report.body += draining ? "true}" : "false}";
  return report;
}

}  // namespace callgate
