#include "adapters/sms/failover/failover_sms_sender.h"

#include <spdlog/spdlog.h>

#include "common/metrics_catalog.h"
#include "core/phone.h"

namespace callgate {

namespace {

int gaugeValue(CircuitState state) {
  switch (state) {
    case CircuitState::kClosed:
      return 0;
    case CircuitState::kHalfOpen:
      return 1;
    case CircuitState::kOpen:
      return 2;
  }
  return 0;
}

// Failures the next provider may take over, if the provider certainly did not take the message.
bool providerFailed(ErrorCode code) {
  return code == ErrorCode::kUnavailable || code == ErrorCode::kFailedPrecondition;
}

}  // namespace

FailoverSmsSender::FailoverSmsSender(std::vector<std::unique_ptr<TrackedSmsSender>> providers,
                                     CircuitBreakerOptions breaker, const Clock& clock) {
  for (auto& sender : providers) {
    Provider p{std::move(sender), std::make_unique<CircuitBreaker>(breaker, clock)};
    metrics::setSmsProviderState(p.sender->provider(), gaugeValue(CircuitState::kClosed));
    providers_.push_back(std::move(p));
  }
}

void FailoverSmsSender::publish(const Provider& p, const CircuitTransition& t,
                                std::string_view why) const {
  if (!t.changed) return;
  metrics::setSmsProviderState(p.sender->provider(), gaugeValue(t.state));
  const auto level = t.state == CircuitState::kOpen ? spdlog::level::warn : spdlog::level::info;
  spdlog::log(level, "event=sms_provider_state provider={} state={} reason={}",
              p.sender->provider(), circuitStateName(t.state), why);
}

Status FailoverSmsSender::send(const SmsMessage& message) {
  const std::string masked = maskPhone(message.to);
  Status last = Error::unavailable("no SMS provider is available (every circuit is open)");
  const std::string* from = nullptr;  // the provider that failed or was skipped last
  std::string_view why;
  for (Provider& p : providers_) {
    CircuitTransition opened;
    if (!p.breaker->allow(&opened)) {
      from = &p.sender->provider();
      why = "circuit_open";
      continue;
    }
    publish(p, opened, "cooldown_over");
    if (from != nullptr) {
      metrics::recordSmsFailover(*from, p.sender->provider());
      spdlog::warn("event=sms_failover from={} to={} reason={} to_number={}", *from,
                   p.sender->provider(), why, masked);
    }
    const SmsSendResult result = p.sender->sendTracked(message);
    if (result.outcome.ok()) {
      publish(p, p.breaker->recordSuccess(), "sent");
      return result.outcome;
    }
    const ErrorCode code = result.outcome.error().code();
    if (code == ErrorCode::kInvalidArgument) {
      // The provider is up and refused this message or number: final, and not its failure.
      publish(p, p.breaker->recordSuccess(), "answered");
      return result.outcome;
    }
    publish(p, p.breaker->recordFailure(), "failures");
    if (!providerFailed(code)) return result.outcome;
    if (result.mayHaveBeenAccepted) {
      if (&p != &providers_.back()) {
        spdlog::warn(
            "event=sms_failover_withheld provider={} to_number={} code={} reason=may_have_been_"
            "accepted",
            p.sender->provider(), masked, errorCodeName(code));
      }
      return result.outcome;
    }
    last = result.outcome;
    from = &p.sender->provider();
    why = "failed";
  }
  if (why == "circuit_open") {
    spdlog::warn("event=sms_not_sent reason=circuit_open to_number={}", masked);
  }
  return last;
}

}  // namespace callgate
