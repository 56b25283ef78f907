// callgate's settings: defaults, the TOML config file, and command-line overrides (flags win).
// Plain value type, read once at start-up.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "core/otp_policy.h"
#include "core/result.h"
#include "core/trust_policy.h"

namespace callgate::app {

// [twilio]: the Twilio voice webhooks (docs/OPERATIONS.md).
struct TwilioConfig {
  std::optional<bool> enabled;      // unset: on exactly when an auth token is configured
  std::string authToken;            // the account's auth token; CALLGATE_TWILIO_AUTH_TOKEN wins
  std::string publicBaseUrl;        // the URL Twilio calls, e.g. https://callgate.example.com
  std::string voice;                // <Say voice>; "" = Twilio's default
  std::string language = "en-US";   // prompt and speech language unless the contact has one
  bool speech = false;              // let callers say digits (<Gather input="dtmf speech">)
  std::string defaultAgent;         // agent for queues not in `queues`: sip:... or +E164
  int sessionTtlSeconds = 7200;     // a parked call is forgotten after this long without a step
  std::map<std::string, std::string> numbers;  // [twilio.numbers] dialled E.164 -> flow file
  std::map<std::string, std::string> queues;   // [twilio.queues] flow queue name -> agent

  bool isEnabled() const { return enabled.value_or(!authToken.empty()); }
};

struct Config {
  // [server]
  std::string http = "127.0.0.1:8080";      // HOST:PORT; port 0 picks a free one
  int ioThreads = 1;
  int workerThreads = 2;
  // [storage]
  std::string db = "var/callgate.db";
  // [sms]
  std::string sms = "outbox:var/outbox.jsonl";  // KIND:TARGET; only "outbox" so far
  // [security]
  CallerIdTrust callerIdTrust = CallerIdTrust::kAttested;
  std::string otpSecretFile = "var/otp.key";  // CALLGATE_OTP_SECRET (64 hex chars) wins
  std::string auditLog = "var/audit.jsonl";
  // [otp]
  OtpConfig otp;
  // [flows]
  std::string flow = "flows/caller-id-otp.json";
  // [functions]: Lambda ARN or name -> built-in function name
  std::map<std::string, std::string> functionMap;
  // [twilio], [twilio.numbers], [twilio.queues]
  TwilioConfig twilio;
  // [log]
  std::string logLevel = "info";
};

// The flags that may override the file. Unset ones leave the file's (or default) value.
struct Overrides {
  std::optional<std::string> configFile;
  std::optional<std::string> http;
  std::optional<std::string> db;
  std::optional<std::string> sms;
  std::optional<std::string> callerIdTrust;
  std::optional<std::string> otpSecretFile;
  std::optional<std::string> auditLog;
  std::optional<std::string> flow;
  std::optional<std::string> logLevel;
};

// Reads the file named by overrides.configFile (if any), then applies the flags and the
// environment (CALLGATE_TWILIO_AUTH_TOKEN), then checks every value. Unknown keys in the file are
// errors (a typo must not silently fall back to a default), and each error names the key.
Result<Config> loadConfig(const Overrides& overrides);

// Parses TOML text into `config` (for tests and loadConfig).
Status applyToml(const std::string& text, const std::string& sourceName, Config& config);

// Checks and normalises [twilio] (public_base_url without trailing '/', numbers in E.164).
Status validateTwilioConfig(TwilioConfig& twilio);

struct HostPort {
  std::string host;
  uint16_t port = 0;
};
Result<HostPort> parseHostPort(const std::string& text);

}  // namespace callgate::app
