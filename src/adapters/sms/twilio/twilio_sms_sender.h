// TwilioSmsSender: sends through Twilio's Messages API (WIRE.md §4):
//   POST {base_url}/2010-04-01/Accounts/{AccountSid}/Messages.json
//   Authorization: Basic base64(AccountSid:AuthToken)
//   form body: To, From | MessagingServiceSid, Body[, StatusCallback]
// A 2xx answer carries the message "sid" (SM...) and "status" (queued / accepted), recorded as
// the provider id. StatusCallback, when configured, is that URL plus "?id=<our id>" so the
// status route can find the message even if the callback outruns the API answer.
// Errors: see providerError(); Twilio's numeric "code" (21211 invalid To, 21610 opted out, ...)
// is kept, its English "message" is not (it can quote the number).
//
// Owns its config (holding the auth token, never logged); borrows the HttpClient (normally a
// RetryingHttpClient) and the tracking deps. Blocking; thread-safe.
#pragma once

#include <string>

#include "adapters/net/http_client/http_client.h"
#include "adapters/sms/tracked_sms_sender.h"

namespace callgate {

struct TwilioSmsConfig {
  std::string accountSid;           // "AC" + 32 hex
  std::string authToken;            // secret; config or CALLGATE_TWILIO_AUTH_TOKEN
  std::string from;                 // E.164 sender, or
  std::string messagingServiceSid;  // "MG..." (wins over `from` when both are set)
  std::string baseUrl = "https://api.twilio.com";
  std::string statusCallbackUrl;  // public URL of POST /sms/v1/twilio/status; "" = none
};

class TwilioSmsSender final : public TrackedSmsSender {
 public:
  TwilioSmsSender(TwilioSmsConfig config, HttpClient& http, SmsTracking tracking);

  // The request submit() sends, for tests.
  HttpClientRequest buildRequest(const SmsMessage& message, const std::string& messageId) const;

 protected:
  SmsSubmission submit(const SmsMessage& message, const std::string& messageId) override;

 private:
  const TwilioSmsConfig config_;
  HttpClient& http_;
};

// "Basic " + base64(user:password), as RFC 7617 defines it.
std::string basicAuthorization(const std::string& user, const std::string& password);

}  // namespace callgate
