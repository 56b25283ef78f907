// callgate's metrics: every family GET /metrics exposes, with its name, labels and help, in one
// place so the names stay the ones docs/OPERATIONS.md and deploy/grafana/callgate.json use. Each
// accessor registers its family in defaultRegistry() on first use (a function-local static) and
// returns it; instrumentation is one line at the point where the thing happens, e.g.
//
//   metrics::otpVerifies().with({"verified"}).inc();
//
// Label values are the closed sets documented beside each family; the helpers below map anything
// else to "other" (and metrics.h's boundedLabel() catches whatever slips through), so a label
// never holds a phone number, user id, code or any other unbounded value. Thread-safe.
#pragma once

#include <string_view>

#include "common/metrics.h"

namespace callgate::metrics {

// {channel: sip|twilio|simulator, outcome: transferred|hangup|abandoned|error|rejected}
CounterFamily& calls();
// {method: CallerId|SmsOtp|Pin|None|other, result: verified|unverified}
CounterFamily& verdicts();
// {outcome: sent|rate_limited|send_failed|refused|invalid_request|error}
CounterFamily& otpSends();
// {outcome: verified|invalid|locked|expired|no_challenge|invalid_request|error}
CounterFamily& otpVerifies();
// {outcome: authenticated|denied|locked|unavailable|error} (unavailable: a directory could not
// answer)
CounterFamily& pinVerifies();
// {kind: temporary|permanent}
CounterFamily& pinLockouts();
// {outcome: sent|not_sent} (not_sent: unknown or unlocked id, a send limit, a failed send)
CounterFamily& pinUnlockCodes();
CounterFamily& pinSelfServiceUnlocks();
// {outcome: signed_in|refused|unavailable}: console staff sign-in attempts
CounterFamily& staffSignIns();
// console staff accounts locked by wrong tries
CounterFamily& staffLockouts();
// {event: issued|redeemed|refused}
CounterFamily& links();
// {channel: sip|twilio|connect, acr: none|callerid|1fa|2fa}
CounterFamily& signedVerdicts();
// {outcome: written|failed}: handoff records for the agent console (core/handoff.h)
CounterFamily& handoffWrites();
// {provider: outbox|twilio|sns|kannel|other, outcome: sent|failed}
CounterFamily& sms();
// {status: the provider's delivery status, one of smsStatusRank's words, else other}
CounterFamily& smsDeliveryReports();
// {provider}: 0 closed (sending), 1 half-open (one trial send), 2 open (skipped); only with
// [sms] providers listing two or more
GaugeFamily& smsProviderState();
// {from, to: providers}: messages passed on to the next provider
CounterFamily& smsFailovers();
// SMS prefixes throttled by send-otp's conversion watch (no label: a prefix is unbounded)
CounterFamily& smsPrefixThrottles();
// {code: 100..699}
CounterFamily& sipResponses();
// {channel}
GaugeFamily& activeCalls();
GaugeFamily& rtpPortsInUse();
// {route: the router's pattern or "unmatched", status}
CounterFamily& httpRequests();
HistogramFamily& httpRequestDuration();  // {route}
HistogramFamily& functionDuration();     // {function: a built-in name, else external}
HistogramFamily& verdictSeconds();       // {channel}: answer to verdict
HistogramFamily& speechRecognitionSeconds();
GaugeFamily& workerQueueDepth();
GaugeFamily& dbPoolInUse();
GaugeFamily& buildInfo();  // {version}, always 1

// The verdict a call was handed over with (the flow's authMethod and authenticated attributes);
// secondsSinceAnswer < 0: unknown, not observed.
void recordVerdict(std::string_view channel, std::string_view method, bool authenticated,
                   double secondsSinceAnswer);
// An SMS handed to (or refused by) a provider.
void recordSms(std::string_view provider, bool sent);
// An SMS provider's circuit state: 0 closed, 1 half-open, 2 open.
void setSmsProviderState(std::string_view provider, int state);
// A message passed on from one SMS provider to the next.
void recordSmsFailover(std::string_view from, std::string_view to);
// A delivery report's status (a provider's word).
void recordDeliveryReport(std::string_view status);
// A SIP response sent by our SIP stack.
void recordSipResponse(int code);
// An HTTP request answered; `route` is the router's registered path (nullptr when none matched).
void recordHttpRequest(const std::string* route, int status, double seconds);

// Registers every family above, so a scrape shows them all (with zeros) from the start.
void registerAll(std::string_view version);

}  // namespace callgate::metrics
