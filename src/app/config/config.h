// callgate's settings: defaults, the TOML config file, and command-line overrides (flags win).
// Each TOML table has its own reader (config_tables.h) filling the options of what it configures;
// where an adapter or channel has an options struct, Config holds that struct.
// Plain value type, read once at start-up.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/identity/cognito/cognito_options.h"
#include "adapters/identity/ldap/ldap_options.h"
#include "adapters/identity/oidc/oidc_options.h"
#include "adapters/net/lambda/aws_lambda_invoker.h"
#include "adapters/net/lambda/http_lambda_invoker.h"
#include "adapters/security/token/key_ring.h"
#include "adapters/security/token/token_service.h"
#include "adapters/sms/failover/circuit_breaker.h"
#include "adapters/sms/kannel/kannel_sms_sender.h"
#include "adapters/sms/sns/sns_sms_sender.h"
#include "adapters/sms/twilio/twilio_sms_sender.h"
#include "adapters/speech/asr/speech_options.h"
#include "app/config/words.h"
#include "channels/sip_voice/sip_channel_config.h"
#include "channels/twilio_voice/twilio_voice_config.h"
#include "common/result.h"
#include "core/otp_policy.h"
#include "core/pin_policy.h"
#include "core/trust_policy.h"
#include "functions/connect_data.h"
#include "functions/connect_hours.h"
#include "functions/sms_guard.h"

namespace callgate::app {

// One [lambdas."ARN or name"] entry: a Lambda that is not ours, reached through an HTTP endpoint
// (`url` set) or AWS Lambda's Invoke API (otherwise). Exactly one of the two is set.
struct ExternalLambdaConfig {
  std::string instanceArn;  // ContactData.InstanceARN in the event
  std::optional<HttpLambdaOptions> http;
  std::optional<AwsLambdaOptions> aws;
};

// [sms] provider / providers: which senders the wiring builds.
enum class SmsProvider { kOutbox, kTwilio, kSns, kKannel };
inline constexpr Words<SmsProvider, 4> kSmsProviders{{{"outbox", SmsProvider::kOutbox},
                                                      {"twilio", SmsProvider::kTwilio},
                                                      {"sns", SmsProvider::kSns},
                                                      {"kannel", SmsProvider::kKannel}}};
inline std::string_view smsProviderName(SmsProvider p) { return wordOf(kSmsProviders, p); }

// Outbound HTTP to the SMS provider ([sms] keys). Defaults fit Amazon Connect's 8-second Lambda
// limit with room to spare: up to 3 attempts within 6 s in all.
struct SmsHttpSettings {
  int connectTimeoutMs = 2000;
  int attemptTimeoutMs = 4000;
  int maxAttempts = 3;
  int totalTimeoutMs = 6000;
};

// [sms], [sms.twilio], [sms.sns], [sms.kannel]: the providers choose the senders (in failover
// order: `providers = ["twilio", "sns"]`, or `provider = "x"` for a list of one; the outbox only
// alone); the outbox writes to the path of sink "outbox:PATH". Each provider's table is its
// sender's own config. Secrets (auth_token, secret_access_key, password) may come from the
// environment instead: CALLGATE_TWILIO_AUTH_TOKEN and CALLGATE_KANNEL_PASSWORD win over the file;
// the AWS_* variables are used when the file has no secret_access_key. Never logged.
struct SmsConfig {
  std::vector<SmsProvider> providers{SmsProvider::kOutbox};  // never empty, no repeats
  CircuitBreakerOptions breaker;                 // per provider, with two or more providers
  SmsGuardPolicy guard;                          // send-otp's checks against SMS pumping
  std::string sink = "outbox:var/outbox.jsonl";  // for provider outbox
  SmsHttpSettings http;
  TwilioSmsConfig twilio;
  SnsSmsConfig sns;
  KannelSmsConfig kannel;

  SmsProvider primary() const { return providers.front(); }
  bool uses(SmsProvider p) const;
};

// [credentials] verifier: who checks verify-pin's user id and PIN (core/credential_verifier.h).
enum class CredentialVerifierKind { kBuiltin, kLdap, kOidc, kCognito };
inline constexpr Words<CredentialVerifierKind, 4> kCredentialVerifiers{
    {{"builtin", CredentialVerifierKind::kBuiltin},
     {"ldap", CredentialVerifierKind::kLdap},
     {"oidc", CredentialVerifierKind::kOidc},
     {"cognito", CredentialVerifierKind::kCognito}}};
inline std::string_view credentialVerifierName(CredentialVerifierKind k) {
  return wordOf(kCredentialVerifiers, k);
}

// [credentials] and one sub-table per verifier (credentials_table.cc): the verifier, its
// timeout, and each verifier's own options. Only the chosen verifier's table is checked for
// completeness; a table of another verifier is still read by key (a typo is an error).
struct CredentialsConfig {
  CredentialVerifierKind verifier = CredentialVerifierKind::kBuiltin;
  // A directory's whole check must finish within this (the builtin one ignores it). Connect
  // gives a Lambda 8 s in all; the default leaves room for the rest of verify-pin.
  int timeoutMs = 3000;
  LdapVerifierOptions ldap;                 // [credentials.ldap]
  identity::OidcVerifierConfig oidc;        // [credentials.oidc] (credentials_idp_tables.cc)
  identity::CognitoVerifierConfig cognito;  // [credentials.cognito] (credentials_idp_tables.cc)
};

// [log] level.
enum class LogLevel { kTrace, kDebug, kInfo, kWarn, kError, kOff };
inline constexpr Words<LogLevel, 6> kLogLevels{{{"trace", LogLevel::kTrace},
                                                {"debug", LogLevel::kDebug},
                                                {"info", LogLevel::kInfo},
                                                {"warn", LogLevel::kWarn},
                                                {"error", LogLevel::kError},
                                                {"off", LogLevel::kOff}}};
inline std::string_view logLevelName(LogLevel l) { return wordOf(kLogLevels, l); }

// Where the state lives: one SQLite file (the embedded default, one node) or a PostgreSQL database
// that several nodes share. The password never comes from the file: CALLGATE_DB_PASSWORD, else
// libpq's PGPASSWORD / ~/.pgpass (see docs/CLUSTER.md).
struct StorageConfig {
  // A SQLite file path ([storage] db, --db PATH) or a postgresql:// / postgres:// URL
  // ([storage] url, --db URL).
  std::string location = "var/callgate.db";
  // PostgreSQL connections per node. 0 = enough for every thread that may query at once: the
  // HTTP workers, the SIP workers and two more (key-ring refresh, health probe).
  int poolSize = 0;
  int connectTimeoutMs = 3000;    // PostgreSQL: giving up on an unreachable server
  int statementTimeoutMs = 5000;  // PostgreSQL: statement_timeout on every connection

  bool isPostgres() const { return isPostgresUrl(location); }
  static bool isPostgresUrl(std::string_view location);
};

// [metrics]: where GET /metrics is served (metrics_table.cc).
struct MetricsConfig {
  std::string listen;          // HOST:PORT of an admin listener serving only /metrics; "" = none
  bool onMainListener = true;  // also on the main HTTP listener
};

// [lex]: where ConnectParticipantWithLexBot blocks find their local bots (core/flow/lex_bot.h;
// app/wiring/lex_bots.h resolves). `bots` maps a LexV2Bot.AliasArn (or its bot id, or
// "BOTID/ALIASID", or a Lex V1 bot name) to a bot file or an unzipped Lex V2 bot export directory;
// `dir` holds more bot files (*.json), found by file name (without .json) or by bot name.
struct LexConfig {
  std::map<std::string, std::string> bots;
  std::string dir;
};

// [hours.<name>], [queues.<name>], [callbacks]: what the routing and data flow actions
// (CheckHoursOfOperation, CheckMetricData, CreateCallbackContact) read; docs/FLOWS.md.
struct RoutingConfig {
  std::vector<HoursOfOperation> hours;
  std::vector<QueueInfo> queues;
  CallbackLimits callbacks;
};

// How `serve` stops and where its log goes (docs/OPERATIONS.md "Signals").
struct LifecycleConfig {
  // [server] drain_seconds: after SIGTERM, how long calls in progress may go on before they are
  // ended as at any stop. 0 = end them at once.
  int drainSeconds = 30;
  // [log] file: the log file, reopened on SIGHUP (logrotate); "" = standard error (journald).
  std::string logFile;
};

struct Config {
  // [server]
  std::string http = "127.0.0.1:8080";  // HOST:PORT; port 0 picks a free one
  // HTTP io threads, each with its own io_context. They parse, route and write, and answer
  // inline the routes whose work is bounded and in-process (lookup-caller on SQLite). 1 by
  // default: on the 2-core benchmark machine, with the load generator on one core, 2 threads
  // gained 5–15% throughput but doubled lookup-caller's p99 (docs/PERFORMANCE.md, 2026-12-05);
  // a machine whose clients are elsewhere and with cores to spare may set one per core.
  int ioThreads = 1;
  // HTTP connections one peer address may hold (0 = no cap), and how long an idle keep-alive
  // connection waits for its next request.
  int httpMaxConnectionsPerAddress = 256;
  int httpIdleTimeoutSeconds = 30;
  // Threads for blocking work (database, argon2id, outbound HTTP). 0 = by storage (loadConfig):
  // 2 on SQLite, where a read takes microseconds and more threads only contend for the 2 cores;
  // 4 on PostgreSQL, where each worker waits a round trip: on one 2-core machine with the
  // database beside it 2 and 4 measured alike and 8 was 20% slower (docs/PERFORMANCE.md); a
  // database across a network wants more (throughput <= workers / round trip).
  int workerThreads = 0;
  // The slow lane for argon2id PIN checks (http::ServerOptions): its threads, and its requests
  // queued or running beyond which verify-pin answers 503 with Retry-After.
  int slowThreads = 1;
  int maxSlowRequests = 16;
  // [storage]
  StorageConfig storage;
  // [sms], [sms.twilio], [sms.sns], [sms.kannel]
  SmsConfig sms;
  // [security]
  CallerIdTrust callerIdTrust = CallerIdTrust::kAttested;
  std::string otpSecretFile = "var/otp.key";  // CALLGATE_OTP_SECRET (64 hex chars) wins
  std::string auditLog = "var/audit.jsonl";
  // [audit] checkpoint_every: a signed checkpoint follows every record whose seq is a multiple of
  // it (and one is written at clean shutdown); 0 = only at shutdown.
  int auditCheckpointEvery = 100;
  std::string pinPepperFile = "var/pin.key";  // CALLGATE_PIN_PEPPER (64 hex chars) wins
  // pin_lockout_steps, pin_lock_after (or the shorthand pin_max_failures): core/pin_policy.h.
  PinLockoutPolicy pinLockout;
  // How long callgate's record that a contact authenticated (verify-pin, verify-otp, trusted
  // caller ID) lets issue-action-link send that contact a link: the length of a call.
  Seconds contactAuthTtl{900};
  int pinHashOpsLimit = 2;       // argon2id t (passes)
  int pinHashMemoryKib = 19456;  // argon2id m: 19 MiB
  // [credentials], [credentials.ldap], ...
  CredentialsConfig credentials;
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
  // [flows] dir: every *.json in it is loaded by name and ARN, for TransferToFlow and
  // InvokeFlowModule ("" = none).
  std::string flowsDir;
  // [functions]: Lambda ARN or name -> built-in function name
  std::map<std::string, std::string> functionMap;
  // [lambdas."ARN or name"]: external Lambdas, keyed by the LambdaFunctionARN flows write
  std::map<std::string, ExternalLambdaConfig> lambdas;
  // [twilio], [twilio.numbers], [twilio.queues]
  twilio_voice::TwilioVoiceConfig twilioVoice;
  // [sip], [sip.numbers], [sip.queues], [sip.stir]
  sip_voice::SipChannelConfig sip;
  // [speech]
  asr::SpeechOptions speech;
  // [lex]
  LexConfig lex;
  // [log]
  LogLevel logLevel = LogLevel::kInfo;
  // [server] drain_seconds, [log] file
  LifecycleConfig lifecycle;
  // [tokens]: the access tokens minted for single-use links. tokens.issuer "" = the links'
  // public base URL (loadConfig fills it in); ttl 1..300. key_file is tokenKeys.path: a legacy
  // Ed25519 key file, imported once into the database key ring when that is empty.
  TokenServiceOptions tokens;
  token::KeyRingOptions tokenKeys;
  // [tokens] verdict_*: the signed verdict handed over with every transfer (its iss is
  // tokens.issuer): lifetime 1..60 s; the caller's number in full or masked (the default).
  Seconds verdictTtl{60};
  bool verdictFullCallerNumber = false;
  // [oauth.clients]: client id -> secret, for introspection and revocation (HTTP Basic)
  std::map<std::string, std::string> oauthClients;
  // [metrics]
  MetricsConfig metrics;
  // [hours.<name>], [queues.<name>], [callbacks]
  RoutingConfig routing;
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

// Applies the SMS secrets from the environment (see SmsConfig) and checks that the chosen
// provider has what it needs. Part of loadConfig(); exposed for tests. Errors name the key and
// never echo a value.
Status resolveSmsConfig(SmsConfig& sms);

// The outbox path of an "outbox:PATH" sink.
std::string outboxPath(const Config& config);

// Applies CALLGATE_LDAP_BIND_PASSWORD and checks that the chosen verifier has what it needs
// (credentials_table.cc). Part of loadConfig(); exposed for tests. Errors name the key and never
// echo a secret.
Status resolveCredentialsConfig(CredentialsConfig& credentials);

// Checks and normalises [twilio] (public_base_url without trailing '/', numbers in E.164).
Status validateTwilioVoiceConfig(twilio_voice::TwilioVoiceConfig& twilio);

// Checks and normalises [sip]: the listen address, the RTP port range, the timers, agent URIs,
// numbers in E.164. Errors name the key.
Status validateSipConfig(sip_voice::SipChannelConfig& sip);

struct HostPort {
  std::string host;
  uint16_t port = 0;
};
Result<HostPort> parseHostPort(const std::string& text);

// An absolute http(s) URL without query or fragment, returned without trailing slashes.
Result<std::string> normalizePublicBaseUrl(const std::string& text);

}  // namespace callgate::app
