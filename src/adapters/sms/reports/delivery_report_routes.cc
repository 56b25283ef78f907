#include "adapters/sms/reports/delivery_report_routes.h"

#include <spdlog/spdlog.h>

#include <cctype>

#include "adapters/security/signing/twilio_signature.h"
#include "adapters/sms/kannel/kannel_sms_sender.h"
#include "adapters/sms/tracked_sms_sender.h"
#include "common/form.h"
#include "common/log_value.h"
#include "common/metrics_catalog.h"

namespace callgate {

namespace {

bool isMessageId(const std::string& id) {
  return id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

http::Response recorded(Result<SmsReportOutcome> outcome, const std::string& logFields) {
  if (!outcome.ok()) {
    spdlog::warn("event=sms_report_failed {} error={}", logFields,
                 logValue(outcome.error().message()));
    return http::jsonError(503, "temporarily unavailable; retry later");
  }
  if (*outcome == SmsReportOutcome::kUnknownMessage) {
    http::Response r = http::jsonError(404, "unknown message");
    r.logFields = logFields;
    return r;
  }
  http::Response r;
  r.body = *outcome == SmsReportOutcome::kRecorded ? R"({"status":"recorded"})"
                                                   : R"({"status":"stale"})";
  r.logFields = logFields;
  return r;
}

}  // namespace

http::Response handleTwilioStatus(const http::Request& request, const TwilioStatusOptions& options,
                                  SmsMessageStore& store, const Clock& clock) {
  if (!http::isFormContentType(request.header("content-type"))) {
    return http::jsonError(415, "expected application/x-www-form-urlencoded");
  }
  auto params = http::parseFormPairs(request.body);
  if (!params.ok()) return http::jsonError(400, params.error().message());
  // Twilio signs the URL it requested: the configured one, whose own query (if any) it kept, with
  // the "&id=..." the sender appended. That whole query is the request's, so the configured
  // URL's is dropped here, or it would be counted twice.
  const std::string_view configured = options.publicUrl;
  const std::string url = std::string(configured.substr(0, configured.find_first_of("?#"))) +
                          (request.query.empty() ? "" : "?" + request.query);
  if (!twilio::validate(url, *params, request.header("x-twilio-signature"), options.authToken)) {
    spdlog::warn("event=sms_report_rejected provider=twilio reason=signature remote={}",
                 request.remote);
    return http::jsonError(403, "invalid X-Twilio-Signature");
  }
  const std::string sid = safeToken(http::findParam(*params, "MessageSid").value_or(""));
  const std::string status = safeToken(http::findParam(*params, "MessageStatus").value_or(""), 32);
  const std::string errorCode = safeToken(http::findParam(*params, "ErrorCode").value_or(""), 16);
  if (sid.empty() || status.empty()) {
    return http::jsonError(400, "MessageSid and MessageStatus are required");
  }

  std::string id;
  if (auto query = http::parseFormPairs(request.query); query.ok()) {
    id = http::findParam(*query, "id").value_or("");
  }
  if (!id.empty() && !isMessageId(id)) return http::jsonError(400, "id is not a message id");
  const std::string fields = "provider=twilio message=" + (id.empty() ? std::string("-") : id) +
                             " provider_message=" + sid + " sms_status=" + status;
  const TimePoint now = clock.now();
  metrics::recordDeliveryReport(status);
  return recorded(id.empty() ? store.updateByProviderId("twilio", sid, status, errorCode, now)
                             : store.updateById("twilio", id, sid, status, errorCode, now),
                  fields);
}

http::Response handleKannelDlr(const http::Request& request, const KannelDlrToken& tokens,
                               SmsMessageStore& store, const Clock& clock) {
  auto query = http::parseFormPairs(request.query);
  if (!query.ok()) return http::jsonError(400, query.error().message());
  const std::string id = http::findParam(*query, "id").value_or("");
  const std::string token = http::findParam(*query, "token").value_or("");
  const std::string type = http::findParam(*query, "status").value_or("");
  if (!isMessageId(id)) return http::jsonError(400, "id is not a message id");
  if (!tokens.verify(id, token)) {
    spdlog::warn("event=sms_report_rejected provider=kannel reason=token remote={}",
                 request.remote);
    return http::jsonError(403, "invalid token");
  }
  std::string status;
  if (!type.empty() && type.size() <= 2 &&
      type.find_first_not_of("0123456789") == std::string::npos) {
    status = kannelDlrStatus(std::stoi(type));
  }
  if (status.empty()) {
    return http::jsonError(400, "status must be a Kannel DLR type (1, 2, 4, 8 or 16)");
  }
  const std::string fields =
      "provider=kannel message=" + id + " dlr=" + type + " sms_status=" + status;
  metrics::recordDeliveryReport(status);
  return recorded(store.updateById("kannel", id, id, status, "", clock.now()), fields);
}

void addTwilioStatusRoute(http::Router& router, TwilioStatusOptions options, SmsMessageStore& store,
                          const Clock& clock) {
  router.add(
      "POST", kTwilioStatusPath,
      [options = std::move(options), &store, &clock](const http::Request& request) {
        return handleTwilioStatus(request, options, store, clock);
      },
      http::Lane::kWorker);
}

void addKannelDlrRoute(http::Router& router, const KannelDlrToken& tokens, SmsMessageStore& store,
                       const Clock& clock) {
  router.add(
      "GET", kKannelDlrPath,
      [&tokens, &store, &clock](const http::Request& request) {
        return handleKannelDlr(request, tokens, store, clock);
      },
      http::Lane::kWorker);
}

}  // namespace callgate
