#include "adapters/sms/tracked_sms_sender.h"

#include <spdlog/spdlog.h>

#include <cstdint>

#include "common/log_value.h"
#include "common/metrics_catalog.h"
#include "core/phone.h"

namespace callgate {

namespace {

std::string newMessageId(Random& random) {
  static constexpr char kHex[] = "0123456789abcdef";
  uint8_t raw[16];
  random.fill(raw);
  std::string id;
  id.reserve(32);
  for (uint8_t b : raw) {
    id.push_back(kHex[b >> 4]);
    id.push_back(kHex[b & 0x0F]);
  }
  return id;
}

}  // namespace

TrackedSmsSender::TrackedSmsSender(std::string provider, SmsTracking tracking)
    : provider_(std::move(provider)), tracking_(tracking) {}

SmsSendResult TrackedSmsSender::sendTracked(const SmsMessage& message) {
  const std::string id = newMessageId(tracking_.random);
  const std::string masked = maskPhone(message.to);
  if (tracking_.store != nullptr) {
    const TimePoint now = tracking_.clock.now();
    SmsMessageRecord record{id, provider_, "", masked, "submitting", "", now, now};
    if (Status s = tracking_.store->insert(record); !s.ok()) {
      spdlog::warn("event=sms_record_failed provider={} message={} error=\"{}\"", provider_, id,
                   s.error().message());
    }
  }

  SmsSubmission result = submit(message, id);
  const bool ok = result.outcome.ok();
  metrics::recordSms(provider_, ok);
  if (tracking_.store != nullptr) {
    auto updated = tracking_.store->updateById(provider_, id, result.providerMessageId,
                                               ok ? result.status : "failed",
                                               ok ? "" : result.errorCode, tracking_.clock.now());
    if (!updated.ok()) {
      spdlog::warn("event=sms_record_failed provider={} message={} error=\"{}\"", provider_, id,
                   updated.error().message());
    }
  }
  if (ok) {
    spdlog::info("event=sms_submitted provider={} message={} provider_message={} to={} status={}",
                 provider_, id, result.providerMessageId, masked, result.status);
  } else {
    spdlog::warn("event=sms_refused provider={} message={} to={} code={} error={}", provider_, id,
                 masked, errorCodeName(result.outcome.error().code()),
                 logValue(result.outcome.error().message()));
  }
  return {result.outcome, !ok && result.mayHaveBeenAccepted};
}

bool isSuccess(const Result<HttpClientResponse>& outcome) {
  return outcome.ok() && outcome->status >= 200 && outcome->status <= 299;
}

std::string safeToken(std::string_view text, size_t maxLength) {
  std::string out;
  for (char c : text) {
    if (out.size() >= maxLength) break;
    const bool safe = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                      c == '_' || c == '-' || c == '.';
    if (safe) out.push_back(c);
  }
  return out;
}

Error providerError(std::string_view provider, const Result<HttpClientResponse>& outcome,
                    std::string_view providerCode) {
  const std::string name(provider);
  if (!outcome.ok()) return Error(outcome.error().code(), name + ": " + outcome.error().message());
  const int status = outcome->status;
  std::string what = name + ": HTTP " + std::to_string(status);
  if (!providerCode.empty()) what += ", provider code " + safeToken(providerCode);
  if (status == 429 || status >= 500) {
    return Error::unavailable(what + " (gave up after retries)");
  }
  if (status == 401 || status == 403) {
    return Error::failedPrecondition(what +
                                     " (credentials or account refused; check the configuration)");
  }
  if (status >= 400) return Error::invalidArgument(what + " (message refused; not retried)");
  if (status >= 300) {
    return Error::failedPrecondition(what + " (redirect not followed; check the URL)");
  }
  return Error::unavailable(what + " (unexpected answer)");
}

SmsSubmission failedSubmission(std::string_view provider, const Result<HttpClientResponse>& outcome,
                               std::string_view providerCode, const HttpSendTrace& trace) {
  SmsSubmission s;
  s.outcome = providerError(provider, outcome, providerCode);
  const ErrorCode code = s.outcome.error().code();
  // kInvalidArgument (a 4xx refusing the message) and the rest are not "certainly not taken"
  // questions: the failover never passes those on, so only these two need the trace.
  const bool refusal = code == ErrorCode::kUnavailable || code == ErrorCode::kFailedPrecondition;
  s.mayHaveBeenAccepted = !(refusal && trace.attempts > 0 && trace.mayHaveReached == 0);
  if (!providerCode.empty()) {
    s.errorCode = safeToken(providerCode, 32);
  } else if (outcome.ok()) {
    s.errorCode = "http_" + std::to_string(outcome->status);
  } else {
    s.errorCode = "transport";
  }
  return s;
}

}  // namespace callgate
