// FailoverSmsSender: the SmsSender for [sms] providers = ["twilio", "sns", ...]: tries the
// providers in order, each behind its own CircuitBreaker, and passes a message on to the next
// provider only when the previous one certainly did not take it.
//
// Passed on (the provider failed, the message is untouched):
//   - kUnavailable: 429 or 5xx after the provider's own retries, a refused connection, DNS or
//     TLS-handshake failure, a timeout before the request went out;
//   - kFailedPrecondition: 401/403 (our credentials or account) or a 3xx;
//   - the provider's circuit is open (it is skipped without a request).
// Final, returned as is (the next provider is never asked):
//   - kInvalidArgument: a 4xx refusing this message or number. The number is bad, not the
//     provider, and a second provider would only be a second chance to pump a bad number.
//   - any failure after which the provider may have taken the message: a timeout after the
//     request was sent, a reset or closed connection without an answer, a 504 from a gateway,
//     on any of its attempts (SmsSendResult::mayHaveBeenAccepted, from HttpSendTrace). None of
//     Twilio's Messages API, SNS Publish or Kannel's sendsms is idempotent (no key that would
//     make a second submission a no-op), so a second provider could deliver a second code;
//     two texts with different codes for one request confuse the caller (only the later code
//     works), cost twice, and are what an SMS-pumping attack wants. The caller is told the
//     send failed (SendFailed) and may ask again; the provider is counted as failing.
//
// Breaker bookkeeping: a success or a kInvalidArgument refusal (the provider answered sensibly)
// closes the circuit; any other failure counts toward opening it. With every circuit open the
// send fails at once with kUnavailable, without a request.
//
// Each provider keeps its own SmsMessageStore row (TrackedSmsSender), naming itself: a message
// passed on leaves a "failed" row for the provider that failed and a row for the one that sent
// it, so its delivery reports (matched on provider and id) land on the right row.
//
// Logs name providers, states and masked numbers only. Owns the providers; borrows the Clock.
// Thread-safe; blocking (each provider's send() is).
#pragma once

#include <memory>
#include <vector>

#include "adapters/sms/failover/circuit_breaker.h"
#include "adapters/sms/tracked_sms_sender.h"
#include "core/ports.h"

namespace callgate {

class FailoverSmsSender final : public SmsSender {
 public:
  // `providers` in the order they are tried; at least one.
  FailoverSmsSender(std::vector<std::unique_ptr<TrackedSmsSender>> providers,
                    CircuitBreakerOptions breaker, const Clock& clock);

  Status send(const SmsMessage& message) override;

  size_t size() const { return providers_.size(); }
  CircuitState state(size_t index) const { return providers_.at(index).breaker->state(); }

 private:
  struct Provider {
    std::unique_ptr<TrackedSmsSender> sender;
    std::unique_ptr<CircuitBreaker> breaker;  // a pointer: CircuitBreaker holds a mutex
  };
  void publish(const Provider& p, const CircuitTransition& t, std::string_view why) const;

  std::vector<Provider> providers_;
};

}  // namespace callgate
