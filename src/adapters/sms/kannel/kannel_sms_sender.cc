#include "adapters/sms/kannel/kannel_sms_sender.h"

#include "common/form.h"

namespace callgate {

std::string kannelDlrStatus(int type) {
  switch (type) {
    case 1:
      return "delivered";
    case 2:
      return "undelivered";
    case 4:
      return "queued";
    case 8:
      return "sent";
    case 16:
      return "failed";
    default:
      return "";
  }
}

KannelSmsSender::KannelSmsSender(KannelSmsConfig config, const KannelDlrToken& tokens,
                                 HttpClient& http, SmsTracking tracking)
    : TrackedSmsSender("kannel", tracking),
      config_(std::move(config)),
      tokens_(tokens),
      http_(http) {}

HttpClientRequest KannelSmsSender::buildRequest(const SmsMessage& message,
                                                const std::string& messageId) const {
  http::Params query{{"username", config_.username}, {"password", config_.password}};
  if (!config_.from.empty()) query.emplace_back("from", config_.from);
  query.emplace_back("to", message.to);
  query.emplace_back("text", message.body);
  if (!config_.dlrUrl.empty()) {
    const char sep = config_.dlrUrl.find('?') == std::string::npos ? '?' : '&';
    query.emplace_back("dlr-mask", std::to_string(config_.dlrMask));
    query.emplace_back("dlr-url", config_.dlrUrl + sep + "id=" + messageId +
                                      "&token=" + tokens_.tokenFor(messageId) + "&status=%d");
  }
  HttpClientRequest request;
  request.method = "GET";
  request.url = config_.url + (config_.url.find('?') == std::string::npos ? "?" : "&") +
                http::formEncode(query);
  return request;
}

SmsSubmission KannelSmsSender::submit(const SmsMessage& message, const std::string& messageId) {
  HttpSendTrace trace;
  HttpClientRequest request = buildRequest(message, messageId);
  request.trace = &trace;
  const Result<HttpClientResponse> outcome = http_.send(request);
  if (!isSuccess(outcome)) {
    // Kannel's replies are fixed English sentences; the HTTP status says enough.
    return failedSubmission(provider(), outcome, "", trace);
  }
  SmsSubmission s;
  s.providerMessageId = messageId;
  // "0: Accepted for delivery" / "3: Queued for later delivery".
  s.status = outcome->body.rfind("3:", 0) == 0 ? "queued" : "accepted";
  return s;
}

}  // namespace callgate
