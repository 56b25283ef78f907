// The Twilio voice webhook endpoints (docs/API.md):
//   POST /twilio/voice                          incoming call (the number's voice webhook)
//   POST /twilio/voice/status                   the number's call-status callback
//   POST /twilio/voice/{session}/gather?step=N  <Gather> action and its no-input <Redirect>
//   POST /twilio/voice/{session}/whisper        <Number url>: the verdict spoken to the agent
//   POST /twilio/voice/{session}/status         <Dial> action / call-status callback
// Every request must carry a valid X-Twilio-Signature for the URL Twilio requested, which is
// `publicBaseUrl` + the request path and query (behind a proxy, the URL the proxy was reached
// at); without a configured base, "http://" + the Host header. A missing or wrong signature gets
// 403 and changes nothing; a malformed form or webhook 400. Answers are TwiML (text/xml).
//
// The runtime must outlive the Router and any Server using it. Routes are registered blocking:
// they hit storage and run functions, so they run on the server's worker pool.
#pragma once

#include <string>

#include "adapters/net/http/router.h"
#include "channels/twilio_voice/voice_runtime.h"

namespace callgate::twilio_voice {

struct WebhookSecurity {
  std::string authToken;      // the account's auth token (the HMAC key)
  std::string publicBaseUrl;  // e.g. "https://callgate.example.com"; "" = http://<Host>
};

void addTwilioVoiceRoutes(http::Router& router, TwilioVoiceRuntime& runtime,
                          WebhookSecurity security);

}  // namespace callgate::twilio_voice
