#include "adapters/sms/twilio/twilio_sms_sender.h"

#include <sodium.h>

#include <nlohmann/json.hpp>

#include "common/form.h"

namespace callgate {

std::string basicAuthorization(const std::string& user, const std::string& password) {
  std::string credentials = user + ":" + password;
  std::string out(sodium_base64_encoded_len(credentials.size(), sodium_base64_VARIANT_ORIGINAL),
                  '\0');
  sodium_bin2base64(out.data(), out.size(),
                    reinterpret_cast<const unsigned char*>(credentials.data()), credentials.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.pop_back();
  sodium_memzero(credentials.data(), credentials.size());
  return "Basic " + out;
}

TwilioSmsSender::TwilioSmsSender(TwilioSmsConfig config, HttpClient& http, SmsTracking tracking)
    : TrackedSmsSender("twilio", tracking), config_(std::move(config)), http_(http) {}

HttpClientRequest TwilioSmsSender::buildRequest(const SmsMessage& message,
                                                const std::string& messageId) const {
  std::string base = config_.baseUrl;
  while (!base.empty() && base.back() == '/') base.pop_back();
  HttpClientRequest request;
  request.method = "POST";
  request.url =
      base + "/2010-04-01/Accounts/" + http::percentEncode(config_.accountSid) + "/Messages.json";
  request.headers = {{"Authorization", basicAuthorization(config_.accountSid, config_.authToken)},
                     {"Content-Type", "application/x-www-form-urlencoded"},
                     {"Accept", "application/json"}};
  http::Params form{{"To", message.to}};
  if (!config_.messagingServiceSid.empty()) {
    form.emplace_back("MessagingServiceSid", config_.messagingServiceSid);
  } else {
    form.emplace_back("From", config_.from);
  }
  form.emplace_back("Body", message.body);
  if (!config_.statusCallbackUrl.empty()) {
    const char sep = config_.statusCallbackUrl.find('?') == std::string::npos ? '?' : '&';
    form.emplace_back("StatusCallback", config_.statusCallbackUrl + sep + "id=" + messageId);
  }
  request.body = http::formEncode(form);
  return request;
}

SmsSubmission TwilioSmsSender::submit(const SmsMessage& message, const std::string& messageId) {
  HttpSendTrace trace;
  HttpClientRequest request = buildRequest(message, messageId);
  request.trace = &trace;
  const Result<HttpClientResponse> outcome = http_.send(request);
  // Twilio answers JSON both ways: {"sid","status",...} or {"code","message","status"}.
  nlohmann::json body;
  if (outcome.ok()) {
    body = nlohmann::json::parse(outcome->body, nullptr, /*allow_exceptions=*/false);
  }
  if (!isSuccess(outcome)) {
    std::string code;
    if (body.is_object() && body.contains("code")) {
      const auto& c = body["code"];
      code = c.is_number_integer() ? std::to_string(c.get<int64_t>())
             : c.is_string()       ? c.get<std::string>()
                                   : "";
    }
    return failedSubmission(provider(), outcome, code, trace);
  }
  SmsSubmission s;
  if (body.is_object()) {
    if (body.contains("sid") && body["sid"].is_string()) {
      s.providerMessageId = safeToken(body["sid"].get<std::string>());
    }
    if (body.contains("status") && body["status"].is_string()) {
      const std::string status = safeToken(body["status"].get<std::string>(), 32);
      if (!status.empty()) s.status = status;
    }
  }
  return s;
}

}  // namespace callgate
