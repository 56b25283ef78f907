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

// [tokens]: the access tokens minted for single-use links (see adapters/token).
struct TokensConfig {
  std::string issuer;  // iss and discovery base URL; "" = "http://" + server.http
  std::string audience = "callgate-api";      // aud
  Seconds ttl{300};                           // 1..300
  std::string keyFile = "var/jwt-keys.json";  // Ed25519 key ring, created 0600 on first use
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
  int linkPerUserLimit = 3;              // links issued per user id per window
  Seconds linkPerUserWindow{600};
  // [flows]
  std::string flow = "flows/caller-id-otp.json";
  // [functions]: Lambda ARN or name -> built-in function name
  std::map<std::string, std::string> functionMap;
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
  std::optional<std::string> sms;
  std::optional<std::string> callerIdTrust;
  std::optional<std::string> otpSecretFile;
  std::optional<std::string> pinPepperFile;
  std::optional<std::string> auditLog;
  std::optional<std::string> flow;
  std::optional<std::string> logLevel;
  std::optional<std::string> jwtKeyFile;
};

// Reads the file named by overrides.configFile (if any), then applies the flags, then checks
// every value. Unknown keys in the file are errors (a typo must not silently fall back to a
// default), and each error names the key.
Result<Config> loadConfig(const Overrides& overrides);

// Parses TOML text into `config` (for tests and loadConfig).
Status applyToml(const std::string& text, const std::string& sourceName, Config& config);

struct HostPort {
  std::string host;
  uint16_t port = 0;
};
Result<HostPort> parseHostPort(const std::string& text);

// An absolute http(s) URL without query or fragment, returned without trailing slashes.
Result<std::string> normalizePublicBaseUrl(const std::string& text);

}  // namespace callgate::app
