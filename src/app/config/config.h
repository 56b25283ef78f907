// callgate's settings: defaults, the TOML config file, and command-line overrides (flags win).
// Plain value type, read once at start-up.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "adapters/sms/kannel/kannel_sms_sender.h"
#include "adapters/sms/sns/sns_sms_sender.h"
#include "adapters/sms/twilio/twilio_sms_sender.h"
#include "common/result.h"
#include "core/otp_policy.h"
#include "core/trust_policy.h"

namespace callgate::app {

// [tokens]: the access tokens minted for single-use links (see adapters/token).
struct TokensConfig {
  std::string issuer;  // iss and discovery base URL; "" = the links' public base URL
  std::string audience = "callgate-api";      // aud
  Seconds ttl{300};                           // 1..300
  std::string keyFile = "var/jwt-keys.json";  // Ed25519 key ring, created 0600 on first use
};

// Outbound HTTP to the SMS provider ([sms] keys). Defaults fit Amazon Connect's 8-second Lambda
// limit with room to spare: up to 3 attempts within 6 s in all.
struct SmsHttpSettings {
  int connectTimeoutMs = 2000;
  int attemptTimeoutMs = 4000;
  int maxAttempts = 3;
  int totalTimeoutMs = 6000;
};

// [twilio]: the Twilio voice webhooks (docs/OPERATIONS.md).
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

// [sip]: the SIP voice channel (docs/SIP.md). Off unless `listen` (or --sip) is set.
struct SipConfig {
  std::string listen;                    // HOST:PORT for UDP and TCP; "" = no SIP
  std::string advertisedAddress;         // Contact, Via and SDP address; "" = the listen host
  std::string rtpPorts = "16384-32767";  // even ports from this range, one per call
  uint16_t rtpPortMin = 16384;           // parsed from rtpPorts by validateSipConfig
  uint16_t rtpPortMax = 32767;
  int mediaThreads = 1;
  int workerThreads = 4;  // functions (SQLite, argon2id, SMS) and prompt synthesis
  int maxCalls = 1000;
  std::string provisional = "180";  // "none" | "180" | "183" (early media)
  int answerDelayMs = 0;            // ring this long before answering (a CANCEL then gets 487)
  std::string defaultFlow;          // "" = [flows] default
  std::string defaultAgent = "sip:agent@127.0.0.1:5090";  // queues not in `queues`
  std::string referFailure = "announce";  // "announce" (apologise, hang up) | "hangup"
  std::string promptsDir = "prompts";     // <dir>/<language>/<promptId or slug>.wav overrides TTS
  int ttsCacheMb = 64;
  int t1Ms = 500;  // RFC 3261 timers
  int t2Ms = 4000;
  std::map<std::string, std::string> numbers;  // [sip.numbers] dialled E.164 -> flow file
  std::map<std::string, std::string> queues;   // [sip.queues] flow queue name -> agent SIP URI
  // [sip.stir]
  std::vector<std::string> trustedProxies;    // verstat is believed only from these addresses
  std::vector<std::string> stirPublicKeys;    // PEM P-256 public keys for Identity headers
  std::vector<std::string> stirCertificates;  // PEM certificates (their keys), checked for validity
  int stirMaxAgeSeconds = 60;

  bool isEnabled() const { return !listen.empty(); }
};

// [speech]: the recogniser behind inputs whose flow allows speech (SIP channel).
struct SpeechConfig {
  bool enabled = true;  // false: inputs that allow speech take keys only
  std::string model = "/usr/share/pocketsphinx/model/en-us/en-us";
  std::string dictionary = "share/speech/digits.dict";
  int decoders = 2;           // decoders kept (one utterance each at a time)
  double confirmBelow = 0.6;  // read back spoken entries less sure than this
  int maxAttempts = 3;        // spoken tries per input before the flow sees no input
  int endSilenceMs = 800;     // silence that ends an utterance
  int maxSpeechSeconds = 12;  // longest utterance
};

struct Config {
  // [server]
  std::string http = "127.0.0.1:8080";  // HOST:PORT; port 0 picks a free one
  int ioThreads = 1;
  int workerThreads = 2;
  // [storage]
  std::string db = "var/callgate.db";
  // [sms]: provider chooses the sender; the outbox writes to the path of sink "outbox:PATH".
  // Secrets (auth_token, secret_access_key, password) may come from the environment instead:
  // CALLGATE_TWILIO_AUTH_TOKEN and CALLGATE_KANNEL_PASSWORD win over the file; the AWS_*
  // variables are used when the file has no secret_access_key. Never logged.
  std::string smsProvider = "outbox";           // outbox | twilio | sns | kannel
  std::string sms = "outbox:var/outbox.jsonl";  // sink for provider "outbox"
  SmsHttpSettings smsHttp;
  TwilioSmsConfig twilio;  // [sms.twilio]
  SnsSmsConfig sns;        // [sms.sns]
  KannelSmsConfig kannel;  // [sms.kannel]
  // [security]
  CallerIdTrust callerIdTrust = CallerIdTrust::kAttested;
  std::string otpSecretFile = "var/otp.key";  // CALLGATE_OTP_SECRET (64 hex chars) wins
  std::string auditLog = "var/audit.jsonl";
  std::string pinPepperFile = "var/pin.key";  // CALLGATE_PIN_PEPPER (64 hex chars) wins
  int pinMaxFailures = 5;                     // consecutive wrong PINs before the user id locks
  int pinHashOpsLimit = 2;                    // argon2id t (passes)
  int pinHashMemoryKib = 19456;               // argon2id m: 19 MiB
  // [otp]
  OtpConfig otp;
  // [links]
  // Where texted links point, without a trailing slash. Default "http://" + the http address;
  // publicBaseUrlDefaulted tells `serve` it may put the real port in when http's port is 0.
  std::string publicBaseUrl;
  bool publicBaseUrlDefaulted = true;
  Seconds linkTtl{600};
  int linkPerUserLimit = 3;  // links issued per user id per window
  Seconds linkPerUserWindow{600};
  // [flows]
  std::string flow = "flows/caller-id-otp.json";
  // [functions]: Lambda ARN or name -> built-in function name
  std::map<std::string, std::string> functionMap;
  // [twilio], [twilio.numbers], [twilio.queues]
  TwilioVoiceConfig twilioVoice;
  // [sip], [sip.numbers], [sip.queues], [sip.stir]
  SipConfig sip;
  SpeechConfig speech;
  // [log]
  std::string logLevel = "info";
  // [tokens]
  TokensConfig tokens;
  // [oauth.clients]: client id -> secret, for introspection and revocation (HTTP Basic)
  std::map<std::string, std::string> oauthClients;
};

// The flags that may override the file. Unset ones leave the file's (or default) value.
struct Overrides {
  std::optional<std::string> configFile;
  std::optional<std::string> http;
  std::optional<std::string> db;
  std::optional<std::string> sms;  // "outbox:PATH" or a provider name
  std::optional<std::string> callerIdTrust;
  std::optional<std::string> otpSecretFile;
  std::optional<std::string> pinPepperFile;
  std::optional<std::string> auditLog;
  std::optional<std::string> flow;
  std::optional<std::string> logLevel;
  std::optional<std::string> jwtKeyFile;
  std::optional<std::string> sip;  // --sip HOST:PORT
};

// Reads the file named by overrides.configFile (if any), then applies the flags and the
// environment (CALLGATE_TWILIO_AUTH_TOKEN), then checks every value. Unknown keys in the file are
// errors (a typo must not silently fall back to a default), and each error names the key.
Result<Config> loadConfig(const Overrides& overrides);

// Parses TOML text into `config` (for tests and loadConfig). Environment variables are not read
// here; loadConfig() applies them.
Status applyToml(const std::string& text, const std::string& sourceName, Config& config);

// Applies the SMS secrets from the environment (see Config) and checks that the chosen
// provider has what it needs. Part of loadConfig(); exposed for tests. Errors name the key and
// never echo a value.
Status resolveSmsConfig(Config& config);

// The outbox path of an "outbox:PATH" sink.
std::string outboxPath(const Config& config);

// Checks and normalises [twilio] (public_base_url without trailing '/', numbers in E.164).
Status validateTwilioVoiceConfig(TwilioVoiceConfig& twilio);

// Checks and normalises [sip]: the listen address, the RTP port range, provisional, refer
// failure, agent URIs, numbers in E.164. Errors name the key.
Status validateSipConfig(SipConfig& sip);

struct HostPort {
  std::string host;
  uint16_t port = 0;
};
Result<HostPort> parseHostPort(const std::string& text);

// An absolute http(s) URL without query or fragment, returned without trailing slashes.
Result<std::string> normalizePublicBaseUrl(const std::string& text);

}  // namespace callgate::app
