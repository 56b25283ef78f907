// What the [twilio], [twilio.numbers] and [twilio.queues] tables configure (docs/OPERATIONS.md):
// the Twilio voice channel's settings as the operator wrote them, checked by app/config. The
// wiring turns them into VoiceOptions (agent targets parsed) and the webhook's signature check.
// Plain value type; not shared between threads while it changes.
#pragma once

#include <map>
#include <optional>
#include <string>

namespace callgate::twilio_voice {

struct TwilioVoiceConfig {
  std::optional<bool> enabled;     // unset: on exactly when an auth token is configured
  std::string authToken;           // the account's auth token; CALLGATE_TWILIO_AUTH_TOKEN wins
  std::string publicBaseUrl;       // the URL Twilio calls, e.g. https://callgate.example.com
  std::string voice;               // <Say voice>; "" = Twilio's default
  std::string language = "en-US";  // prompt and speech language unless the contact has one
  bool speech = false;           // allow speech (<Gather input="dtmf speech">) where the flow does
  std::string defaultAgent;      // agent for queues not in `queues`: sip:... or +E164
  int sessionTtlSeconds = 7200;  // a parked call is forgotten after this long without a step
  std::map<std::string, std::string> numbers;  // [twilio.numbers] dialled E.164 -> flow file
  std::map<std::string, std::string> queues;   // [twilio.queues] flow queue name -> agent

  bool isEnabled() const { return enabled.value_or(!authToken.empty()); }
};

}  // namespace callgate::twilio_voice
