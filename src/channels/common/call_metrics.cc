#include "channels/common/call_metrics.h"

#include "common/metrics_catalog.h"

namespace callgate {

void countVerdict(std::string_view channel, const VerdictAttributes& attributes,
                  double secondsSinceAnswer) {
  metrics::recordVerdict(channel, verdictValue(attributes, kAuthMethodKey, "None"),
                         isAuthenticated(attributes), secondsSinceAnswer);
}

void countCallEnd(std::string_view channel, std::string_view outcome) {
  metrics::calls().with({channel, outcome}).inc();
}

CallMetrics::CallMetrics(std::string_view channel) : channel_(channel) {
  metrics::activeCalls().with({channel_}).add();
}

CallMetrics::~CallMetrics() {
  ended("error");
  metrics::activeCalls().with({channel_}).sub();
}

void CallMetrics::answered() {
  if (answered_) return;
  answered_ = true;
  answeredAt_ = std::chrono::steady_clock::now();
}

void CallMetrics::verdict(const VerdictAttributes& attributes) {
  if (verdictCounted_) return;
  verdictCounted_ = true;
  const double seconds =
      answered_
          ? std::chrono::duration<double>(std::chrono::steady_clock::now() - answeredAt_).count()
          : -1;
  countVerdict(channel_, attributes, seconds);
}

void CallMetrics::ended(std::string_view outcome) {
  if (ended_) return;
  ended_ = true;
  countCallEnd(channel_, transferred_ ? "transferred" : failed_ ? "error" : outcome);
}

}  // namespace callgate
