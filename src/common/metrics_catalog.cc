#include "common/metrics_catalog.h"

#include <array>
#include <charconv>
#include <string>

namespace callgate::metrics {

namespace {

// `value` when it is one of `known`, else "other".
template <size_t N>
std::string_view oneOf(std::string_view value, const std::array<std::string_view, N>& known) {
  for (std::string_view k : known) {
    if (k == value) return k;
  }
  return kOtherLabel;
}

constexpr std::array<std::string_view, 4> kMethods{"CallerId", "SmsOtp", "Pin", "None"};
constexpr std::array<std::string_view, 4> kProviders{"outbox", "twilio", "sns", "kannel"};
// core/sms_message.cc's smsStatusRank words (a provider's other words count as "other").
constexpr std::array<std::string_view, 11> kDeliveryStatuses{
    "queued", "accepted", "scheduled", "sent",    "delivered",          "undelivered",
    "failed", "canceled", "read",      "sending", "partially_delivered"};

Registry& r() { return defaultRegistry(); }

}  // namespace

CounterFamily& calls() {
  static CounterFamily& f =
      r().counter("callgate_calls_total", "Calls ended, by channel and how they ended.",
                  {"channel", "outcome"});
  return f;
}

CounterFamily& verdicts() {
  static CounterFamily& f =
      r().counter("callgate_verdicts_total",
                  "Verdicts handed to the agent side, by authentication method and result.",
                  {"method", "result"});
  return f;
}

CounterFamily& otpSends() {
  static CounterFamily& f =
      r().counter("callgate_otp_sends_total", "send-otp calls, by outcome.", {"outcome"});
  return f;
}

CounterFamily& otpVerifies() {
  static CounterFamily& f =
      r().counter("callgate_otp_verifies_total", "verify-otp calls, by outcome.", {"outcome"});
  return f;
}

CounterFamily& pinVerifies() {
  static CounterFamily& f =
      r().counter("callgate_pin_verifies_total", "verify-pin calls, by outcome.", {"outcome"});
  return f;
}

CounterFamily& staffSignIns() {
  static CounterFamily& f = r().counter("callgate_staff_sign_ins_total",
                                        "Console staff sign-in attempts, by outcome.", {"outcome"});
  return f;
}

CounterFamily& staffLockouts() {
  static CounterFamily& f = r().counter("callgate_staff_lockouts_total",
                                        "Console staff accounts locked by wrong tries.", {});
  return f;
}

CounterFamily& pinLockouts() {
  static CounterFamily& f = r().counter(
      "callgate_pin_lockouts_total",
      "PIN failures that locked a user id (the attempt that locks), by lock kind.", {"kind"});
  return f;
}

CounterFamily& pinUnlockCodes() {
  static CounterFamily& f = r().counter(
      "callgate_pin_unlock_codes_total",
      "send-unlock-code requests: a code texted to the number on file, or nothing sent.",
      {"outcome"});
  return f;
}

CounterFamily& pinSelfServiceUnlocks() {
  static CounterFamily& f =
      r().counter("callgate_pin_self_service_unlocks_total",
                  "User ids unlocked by their owner with a code texted to the number on file.");
  return f;
}

CounterFamily& links() {
  static CounterFamily& f =
      r().counter("callgate_links_total",
                  "Action links issued, redeemed, or refused at redemption.", {"event"});
  return f;
}

CounterFamily& signedVerdicts() {
  static CounterFamily& f =
      r().counter("callgate_signed_verdicts_total",
                  "Signed verdicts minted for hand-offs to agents, by channel and assurance level.",
                  {"channel", "acr"});
  return f;
}

CounterFamily& handoffWrites() {
  static CounterFamily& f =
      r().counter("callgate_handoff_writes_total",
                  "Handoff records written for the agent console (screen pops), by outcome; a "
                  "failed write never fails the verdict or the call.",
                  {"outcome"});
  return f;
}

CounterFamily& sms() {
  static CounterFamily& f = r().counter(
      "callgate_sms_total", "Text messages handed to the SMS provider, by provider and outcome.",
      {"provider", "outcome"});
  return f;
}

CounterFamily& smsDeliveryReports() {
  static CounterFamily& f =
      r().counter("callgate_sms_delivery_reports_total",
                  "Delivery reports received from the SMS provider, by status.", {"status"});
  return f;
}

GaugeFamily& smsProviderState() {
  static GaugeFamily& f = r().gauge(
      "callgate_sms_provider_state",
      "SMS provider circuit state: 0 closed, 1 half-open (one trial send), 2 open (skipped).",
      {"provider"});
  return f;
}

CounterFamily& smsFailovers() {
  static CounterFamily& f = r().counter(
      "callgate_sms_failovers_total",
      "Text messages passed on from one SMS provider to the next, by provider.", {"from", "to"});
  return f;
}

CounterFamily& smsPrefixThrottles() {
  static CounterFamily& f =
      r().counter("callgate_sms_prefix_throttled_total",
                  "Number prefixes throttled by send-otp's conversion watch (codes sent there "
                  "were rarely verified).");
  return f;
}

CounterFamily& sipResponses() {
  static CounterFamily& f =
      r().counter("callgate_sip_responses_total", "SIP responses sent, by status code.", {"code"});
  return f;
}

GaugeFamily& activeCalls() {
  static GaugeFamily& f =
      r().gauge("callgate_active_calls", "Calls in progress, by channel.", {"channel"});
  return f;
}

GaugeFamily& rtpPortsInUse() {
  static GaugeFamily& f = r().gauge("callgate_rtp_ports_in_use", "RTP ports held by calls.");
  return f;
}

CounterFamily& httpRequests() {
  static CounterFamily& f =
      r().counter("callgate_http_requests_total",
                  "HTTP requests answered, by route pattern and status.", {"route", "status"});
  return f;
}

HistogramFamily& httpRequestDuration() {
  static HistogramFamily& f =
      r().histogram("callgate_http_request_duration_seconds",
                    "HTTP request latency, from the first byte to the response, by route pattern.",
                    {"route"}, latencyBuckets());
  return f;
}

HistogramFamily& functionDuration() {
  static HistogramFamily& f =
      r().histogram("callgate_function_duration_seconds",
                    "Function (Lambda) run time, by built-in function name or external.",
                    {"function"}, latencyBuckets());
  return f;
}

HistogramFamily& verdictSeconds() {
  static HistogramFamily& f = r().histogram(
      "callgate_verdict_seconds", "Time from answering a call to handing its verdict over.",
      {"channel"}, callBuckets());
  return f;
}

HistogramFamily& speechRecognitionSeconds() {
  static HistogramFamily& f = r().histogram(
      "callgate_speech_recognition_seconds",
      "Time to decode one caller utterance (speech recognition).", {}, speechBuckets());
  return f;
}

GaugeFamily& workerQueueDepth() {
  static GaugeFamily& f = r().gauge("callgate_worker_queue_depth",
                                    "Tasks waiting for a worker thread (HTTP and SIP pools).");
  return f;
}

GaugeFamily& dbPoolInUse() {
  static GaugeFamily& f =
      r().gauge("callgate_db_pool_in_use", "Database connections leased from the pool.");
  return f;
}

GaugeFamily& buildInfo() {
  static GaugeFamily& f =
      r().gauge("callgate_build_info", "Always 1; the version label names the build.", {"version"});
  return f;
}

void recordVerdict(std::string_view channel, std::string_view method, bool authenticated,
                   double secondsSinceAnswer) {
  verdicts().with({oneOf(method, kMethods), authenticated ? "verified" : "unverified"}).inc();
  if (secondsSinceAnswer >= 0) verdictSeconds().with({channel}).observe(secondsSinceAnswer);
}

void recordSms(std::string_view provider, bool sent) {
  sms().with({oneOf(provider, kProviders), sent ? "sent" : "failed"}).inc();
}

void setSmsProviderState(std::string_view provider, int state) {
  smsProviderState().with({oneOf(provider, kProviders)}).set(state);
}

void recordSmsFailover(std::string_view from, std::string_view to) {
  smsFailovers().with({oneOf(from, kProviders), oneOf(to, kProviders)}).inc();
}

void recordDeliveryReport(std::string_view status) {
  smsDeliveryReports().with({oneOf(status, kDeliveryStatuses)}).inc();
}

void recordSipResponse(int code) {
  if (code < 100 || code > 699) code = 0;
  char buf[8];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, code);
  sipResponses().with({std::string_view(buf, ec == std::errc() ? end - buf : 0)}).inc();
}

void recordHttpRequest(const std::string* route, int status, double seconds) {
  const std::string_view label = route != nullptr ? std::string_view(*route) : "unmatched";
  if (status < 100 || status > 599) status = 0;
  char buf[8];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, status);
  httpRequests().with({label, std::string_view(buf, ec == std::errc() ? end - buf : 0)}).inc();
  httpRequestDuration().with({label}).observe(seconds);
}

void registerAll(std::string_view version) {
  calls();
  verdicts();
  otpSends();
  otpVerifies();
  pinVerifies();
  pinLockouts();
  pinUnlockCodes();
  pinSelfServiceUnlocks();
  staffSignIns();
  staffLockouts();
  links();
  signedVerdicts();
  handoffWrites();
  sms();
  smsDeliveryReports();
  smsProviderState();
  smsFailovers();
  smsPrefixThrottles();
  sipResponses();
  activeCalls();
  rtpPortsInUse();
  httpRequests();
  httpRequestDuration();
  functionDuration();
  verdictSeconds();
  speechRecognitionSeconds();
  workerQueueDepth();
  dbPoolInUse();
  buildInfo().with({version}).set(1);
  // The outcomes a dashboard divides by exist from the start (a rate over a missing series is
  // empty, not 0).
  for (std::string_view o : {"sent", "rate_limited", "send_failed"}) otpSends().with({o});
  for (std::string_view o : {"verified", "invalid", "locked", "expired"}) otpVerifies().with({o});
  for (std::string_view o : {"authenticated", "denied", "locked", "unavailable"}) {
    pinVerifies().with({o});
  }
  for (std::string_view k : {"temporary", "permanent"}) pinLockouts().with({k});
  for (std::string_view o : {"sent", "not_sent"}) pinUnlockCodes().with({o});
  for (std::string_view o : {"signed_in", "refused", "unavailable"}) staffSignIns().with({o});
  staffLockouts().with({});
  for (std::string_view e : {"issued", "redeemed", "refused"}) links().with({e});
}

}  // namespace callgate::metrics
