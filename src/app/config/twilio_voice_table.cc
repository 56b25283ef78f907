// [twilio], [twilio.numbers], [twilio.queues]: the Twilio voice webhooks (docs/OPERATIONS.md).
// Not to be confused with [sms.twilio], Twilio as an SMS provider (sms_table.cc).

#include "app/config/config_tables.h"
#include "channels/twilio_voice/transfer.h"
#include "core/customer.h"
#include "core/phone.h"

namespace callgate::app {

Status detail::readTwilioTable(TableReader& t, twilio_voice::TwilioVoiceConfig& out) {
  t.optionalBoolean("enabled", out.enabled);
  t.str("auth_token", out.authToken);
  t.str("public_base_url", out.publicBaseUrl);
  t.str("voice", out.voice);
  t.str("language", out.language);
  t.boolean("speech", out.speech);
  t.str("default_agent", out.defaultAgent);
  t.integer("session_ttl_seconds", out.sessionTtlSeconds, 60, 86400);
  t.stringMap("numbers", out.numbers);
  t.stringMap("queues", out.queues);
  return t.finish();
}

Status validateTwilioVoiceConfig(twilio_voice::TwilioVoiceConfig& t) {
  if (t.enabled.value_or(false) && t.authToken.empty()) {
    return Error::invalidArgument(
        "twilio.enabled is true but there is no auth token (twilio.auth_token or "
        "CALLGATE_TWILIO_AUTH_TOKEN)");
  }
  std::string& base = t.publicBaseUrl;
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (!base.empty()) {
    const bool scheme = base.starts_with("https://") || base.starts_with("http://");
    const size_t hostStart = base.find("://") + 3;
    if (!scheme || hostStart >= base.size() || base.find_first_of("?# \t") != std::string::npos) {
      return Error::invalidArgument(
          "twilio.public_base_url must be an http(s) URL without query, "
          "e.g. https://callgate.example.com, not '" +
          base + "'");
    }
  }
  if (!isLanguageTag(t.language)) {
    return Error::invalidArgument("twilio.language '" + t.language + "' is not a language tag");
  }
  if (t.voice.size() > 64) {
    return Error::invalidArgument("twilio.voice is longer than 64 characters");
  }
  if (!t.defaultAgent.empty()) {
    if (auto a = twilio_voice::parseAgentTarget(t.defaultAgent); !a.ok()) {
      return Error::invalidArgument("twilio.default_agent: " + a.error().message());
    }
  }
  for (const auto& [queue, target] : t.queues) {
    if (auto a = twilio_voice::parseAgentTarget(target); !a.ok()) {
      return Error::invalidArgument("twilio.queues.\"" + queue + "\": " + a.error().message());
    }
  }
  // Twilio sends To in E.164; keys are normalised so "+1 415 555 0100" works too.
  std::map<std::string, std::string> numbers;
  for (const auto& [number, flowPath] : t.numbers) {
    auto e164 = normalizeE164(number);
    if (!e164.ok()) {
      return Error::invalidArgument("twilio.numbers.\"" + number + "\": " + e164.error().message());
    }
    if (flowPath.empty()) {
      return Error::invalidArgument("twilio.numbers.\"" + number + "\" is empty");
    }
    if (!numbers.emplace(*e164, flowPath).second) {
      return Error::invalidArgument("twilio.numbers: " + *e164 + " is listed twice");
    }
  }
  t.numbers = std::move(numbers);
  return okStatus();
}

}  // namespace callgate::app
