#include "adapters/sms/sns/sns_sms_sender.h"

#include "common/form.h"

namespace callgate {

std::string SnsSmsConfig::effectiveEndpoint() const {
  return endpoint.empty() ? "https://sns." + region + ".amazonaws.com/" : endpoint;
}

std::string xmlElementText(const std::string& xml, const std::string& tag) {
  const std::string open = "<" + tag + ">";
  const size_t start = xml.find(open);
  if (start == std::string::npos) return "";
  const size_t from = start + open.size();
  const size_t end = xml.find("</" + tag + ">", from);
  if (end == std::string::npos) return "";
  return xml.substr(from, end - from);
}

SnsSmsSender::SnsSmsSender(SnsSmsConfig config, HttpClient& http, SmsTracking tracking)
    : TrackedSmsSender("sns", tracking),
      config_(std::move(config)),
      http_(http),
      clock_(tracking.clock) {}

Result<HttpClientRequest> SnsSmsSender::buildRequest(const SmsMessage& message,
                                                     int64_t unixMillis) const {
  if (message.body.size() > kSnsMaxMessageLength) {
    return Error::invalidArgument("sns: message longer than 1600 characters");
  }
  auto url = splitUrl(config_.effectiveEndpoint());
  if (!url.ok()) return Error::invalidArgument("sns: endpoint: " + url.error().message());

  http::Params form{
      {"Action", "Publish"},
      {"Version", "2010-03-31"},
      {"PhoneNumber", message.to},
      {"Message", message.body},
      {"MessageAttributes.entry.1.Name", "AWS.SNS.SMS.SMSType"},
      {"MessageAttributes.entry.1.Value.DataType", "String"},
      {"MessageAttributes.entry.1.Value.StringValue", snsSmsTypeName(config_.smsType)}};
  if (!config_.senderId.empty()) {
    form.insert(form.end(), {{"MessageAttributes.entry.2.Name", "AWS.SNS.SMS.SenderID"},
                             {"MessageAttributes.entry.2.Value.DataType", "String"},
                             {"MessageAttributes.entry.2.Value.StringValue", config_.senderId}});
  }

  aws::SigV4Request toSign;
  toSign.method = "POST";
  toSign.path = url->path;
  toSign.query = url->query;
  toSign.body = http::formEncode(form);
  const std::string date = aws::amzDate(unixMillis);
  toSign.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                    {"Host", url->hostHeader()},
                    {"X-Amz-Date", date}};
  if (!config_.credentials.sessionToken.empty()) {
    toSign.headers.emplace_back("X-Amz-Security-Token", config_.credentials.sessionToken);
  }
  const aws::SigV4Scope scope{date, config_.region, "sns"};

  HttpClientRequest request;
  request.method = "POST";
  request.url = config_.effectiveEndpoint();
  request.headers = toSign.headers;
  request.headers.emplace_back("Authorization",
                               aws::authorizationHeader(toSign, scope, config_.credentials));
  request.body = std::move(toSign.body);
  return request;
}

SmsSubmission SnsSmsSender::submit(const SmsMessage& message, const std::string&) {
  auto request = buildRequest(message, toUnixMillis(clock_.now()));
  if (!request.ok()) {
    SmsSubmission s;
    s.outcome = request.error();
    s.errorCode = "invalid_request";
    return s;
  }
  HttpSendTrace trace;
  request->trace = &trace;
  const Result<HttpClientResponse> outcome = http_.send(*request);
  if (!isSuccess(outcome)) {
    return failedSubmission(provider(), outcome,
                            outcome.ok() ? xmlElementText(outcome->body, "Code") : "", trace);
  }
  SmsSubmission s;
  s.providerMessageId = safeToken(xmlElementText(outcome->body, "MessageId"));
  return s;
}

}  // namespace callgate
