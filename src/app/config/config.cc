#include "app/config/config.h"

#include <toml++/toml.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "adapters/net/http_client/http_client.h"
#include "app/config/toml_table_reader.h"
#include "channels/twilio_voice/transfer.h"
#include "core/access_token.h"
#include "core/customer.h"
#include "core/phone.h"

namespace callgate::app {

using detail::TableReader;

namespace {

// [oauth] holds only the [oauth.clients] table of client id = "secret" strings.
Status readOAuthClients(const toml::table& root, const std::string& source,
                        std::map<std::string, std::string>& out) {
  const toml::node* node = root.get("oauth");
  if (!node) return okStatus();
  const toml::table* oauth = node->as_table();
  if (!oauth) return Error::invalidArgument(source + ": [oauth] must be a table");
  for (const auto& [k, v] : *oauth) {
    if (k.str() != "clients") {
      return Error::invalidArgument(source + ": unknown key 'oauth." + std::string(k.str()) + "'");
    }
  }
  const toml::node* clients = oauth->get("clients");
  if (!clients) return okStatus();
  const toml::table* t = clients->as_table();
  if (!t) return Error::invalidArgument(source + ": [oauth.clients] must be a table");
  for (const auto& [k, v] : *t) {
    auto secret = v.value<std::string>();
    if (!secret) {
      return Error::invalidArgument(source + ": oauth.clients.\"" + std::string(k.str()) +
                                    "\" must be a string");
    }
    out[std::string(k.str())] = *secret;
  }
  return okStatus();
}

// Values only loadConfig can judge (after the flags): the issuer URL and the OAuth clients.
Status validateTokens(Config& c) {
  if (c.tokens.issuer.empty()) c.tokens.issuer = c.publicBaseUrl;  // set just before
  const std::string& iss = c.tokens.issuer;
  const bool scheme = iss.rfind("https://", 0) == 0 || iss.rfind("http://", 0) == 0;
  if (!scheme || iss.back() == '/' || iss.find_first_of("?# \t\r\n\"\\") != std::string::npos ||
      iss.size() > 200) {
    return Error::invalidArgument(
        "tokens.issuer must be an http(s) URL without a trailing slash, query or fragment");
  }
  if (c.tokens.audience.empty() || c.tokens.audience.size() > 200 ||
      c.tokens.audience.find_first_of("\"\\\r\n") != std::string::npos) {
    return Error::invalidArgument(
        "tokens.audience must be a non-empty string without quotes or newlines");
  }
  if (c.tokens.keyFile.empty()) return Error::invalidArgument("tokens.key_file is empty");
  for (const auto& [id, secret] : c.oauthClients) {
    const bool idOk = !id.empty() && id.size() <= 64 &&
                      id.find_first_not_of(
                          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~-") ==
                          std::string::npos;
    if (!idOk) {
      return Error::invalidArgument("oauth.clients: client id '" + id +
                                    "' must be 1-64 letters, digits or . _ ~ -");
    }
    if (secret.size() < 16 || secret.size() > 256) {
      return Error::invalidArgument("oauth.clients." + id +
                                    ": the secret must be 16-256 characters");
    }
  }
  return okStatus();
}

}  // namespace

Status applyToml(const std::string& text, const std::string& source, Config& c) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << source << ":" << e.source().begin.line << ":" << e.source().begin.column << ": "
        << e.description();
    return Error::invalidArgument(msg.str());
  }
  static const std::set<std::string> kTables{"server", "storage", "sms",       "security", "otp",
                                             "links",  "flows",   "functions", "log",      "tokens",
                                             "oauth",  "twilio",  "sip",       "speech"};
  for (const auto& [k, v] : root) {
    if (!kTables.count(std::string(k.str()))) {
      return Error::invalidArgument(source + ": unknown table or key '" + std::string(k.str()) +
                                    "'");
    }
  }

  TableReader server(root, "server", source);
  server.str("http", c.http);
  server.integer("io_threads", c.ioThreads, 1, 64);
  server.integer("worker_threads", c.workerThreads, 1, 256);
  TableReader storage(root, "storage", source);
  storage.str("db", c.db);
  TableReader sms(root, "sms", source);
  sms.str("provider", c.smsProvider);
  sms.str("sink", c.sms);
  sms.integer("connect_timeout_ms", c.smsHttp.connectTimeoutMs, 100, 60000);
  sms.integer("attempt_timeout_ms", c.smsHttp.attemptTimeoutMs, 100, 60000);
  sms.integer("max_attempts", c.smsHttp.maxAttempts, 1, 10);
  sms.integer("total_timeout_ms", c.smsHttp.totalTimeoutMs, 100, 120000);
  TableReader twilio = sms.sub("twilio");
  twilio.str("account_sid", c.twilio.accountSid);
  twilio.str("auth_token", c.twilio.authToken);
  twilio.str("from", c.twilio.from);
  twilio.str("messaging_service_sid", c.twilio.messagingServiceSid);
  twilio.str("base_url", c.twilio.baseUrl);
  twilio.str("status_callback_url", c.twilio.statusCallbackUrl);
  TableReader sns = sms.sub("sns");
  sns.str("region", c.sns.region);
  sns.str("access_key_id", c.sns.credentials.accessKeyId);
  sns.str("secret_access_key", c.sns.credentials.secretAccessKey);
  sns.str("session_token", c.sns.credentials.sessionToken);
  sns.str("endpoint", c.sns.endpoint);
  sns.str("sender_id", c.sns.senderId);
  sns.str("sms_type", c.sns.smsType);
  TableReader kannel = sms.sub("kannel");
  kannel.str("url", c.kannel.url);
  kannel.str("username", c.kannel.username);
  kannel.str("password", c.kannel.password);
  kannel.str("from", c.kannel.from);
  kannel.str("dlr_url", c.kannel.dlrUrl);
  kannel.integer("dlr_mask", c.kannel.dlrMask, 0, 31);
  TableReader security(root, "security", source);
  std::string trust = callerIdTrustName(c.callerIdTrust);
  security.str("caller_id_trust", trust);
  security.str("otp_secret_file", c.otpSecretFile);
  security.str("audit_log", c.auditLog);
  security.str("pin_pepper_file", c.pinPepperFile);
  security.integer("pin_max_failures", c.pinMaxFailures, 1, 100);
  security.integer("pin_hash_ops_limit", c.pinHashOpsLimit, 1, 100);
  security.integer("pin_hash_memory_kib", c.pinHashMemoryKib, 1024, 4 * 1024 * 1024);
  TableReader otp(root, "otp", source);
  otp.integer("digits", c.otp.digits, 4, 10);
  otp.seconds("ttl_seconds", c.otp.ttl, 30, 3600);
  otp.integer("max_attempts", c.otp.maxAttempts, 1, 10);
  otp.integer("per_number_limit", c.otp.perNumberLimit, 1, 1000);
  otp.seconds("per_number_window_seconds", c.otp.perNumberWindow, 1, 86400);
  otp.integer("per_prefix_limit", c.otp.perPrefixLimit, 1, 1000000);
  otp.seconds("per_prefix_window_seconds", c.otp.perPrefixWindow, 1, 86400);
  otp.integer("prefix_length", c.otp.prefixLength, 3, 12);
  otp.str("brand", c.otp.brand);
  TableReader links(root, "links", source);
  std::string baseUrl;
  links.str("public_base_url", baseUrl);
  links.seconds("ttl_seconds", c.linkTtl, 60, 86400);
  links.integer("per_user_limit", c.linkPerUserLimit, 1, 1000);
  links.seconds("per_user_window_seconds", c.linkPerUserWindow, 1, 86400);
  TableReader flows(root, "flows", source);
  flows.str("default", c.flow);
  TableReader voice(root, "twilio", source);
  voice.optionalBoolean("enabled", c.twilioVoice.enabled);
  voice.str("auth_token", c.twilioVoice.authToken);
  voice.str("public_base_url", c.twilioVoice.publicBaseUrl);
  voice.str("voice", c.twilioVoice.voice);
  voice.str("language", c.twilioVoice.language);
  voice.boolean("speech", c.twilioVoice.speech);
  voice.str("default_agent", c.twilioVoice.defaultAgent);
  voice.integer("session_ttl_seconds", c.twilioVoice.sessionTtlSeconds, 60, 86400);
  voice.stringMap("numbers", c.twilioVoice.numbers);
  voice.stringMap("queues", c.twilioVoice.queues);
  TableReader sip(root, "sip", source);
  sip.str("listen", c.sip.listen);
  sip.str("advertised_address", c.sip.advertisedAddress);
  sip.str("rtp_ports", c.sip.rtpPorts);
  sip.integer("media_threads", c.sip.mediaThreads, 1, 16);
  sip.integer("worker_threads", c.sip.workerThreads, 1, 256);
  sip.integer("max_calls", c.sip.maxCalls, 1, 100000);
  sip.str("provisional", c.sip.provisional);
  sip.integer("answer_delay_ms", c.sip.answerDelayMs, 0, 60000);
  sip.str("default_flow", c.sip.defaultFlow);
  sip.str("default_agent", c.sip.defaultAgent);
  sip.str("refer_failure", c.sip.referFailure);
  sip.str("prompts_dir", c.sip.promptsDir);
  sip.integer("tts_cache_mb", c.sip.ttsCacheMb, 1, 4096);
  sip.integer("t1_ms", c.sip.t1Ms, 10, 10000);
  sip.integer("t2_ms", c.sip.t2Ms, 10, 60000);
  sip.stringMap("numbers", c.sip.numbers);
  sip.stringMap("queues", c.sip.queues);
  TableReader stir = sip.sub("stir");
  stir.stringList("trusted_proxies", c.sip.trustedProxies);
  stir.stringList("public_keys", c.sip.stirPublicKeys);
  stir.stringList("certificates", c.sip.stirCertificates);
  stir.integer("max_age_seconds", c.sip.stirMaxAgeSeconds, 1, 3600);
  TableReader speech(root, "speech", source);
  speech.boolean("enabled", c.speech.enabled);
  speech.str("model", c.speech.model);
  speech.str("dictionary", c.speech.dictionary);
  speech.integer("decoders", c.speech.decoders, 1, 64);
  speech.fraction("confirm_below", c.speech.confirmBelow);
  speech.integer("max_attempts", c.speech.maxAttempts, 1, 5);
  speech.integer("end_silence_ms", c.speech.endSilenceMs, 200, 5000);
  speech.integer("max_speech_seconds", c.speech.maxSpeechSeconds, 1, 60);
  TableReader log(root, "log", source);
  log.str("level", c.logLevel);
  TableReader tokens(root, "tokens", source);
  tokens.str("issuer", c.tokens.issuer);
  tokens.str("audience", c.tokens.audience);
  tokens.seconds("ttl_seconds", c.tokens.ttl, 1, static_cast<int>(kMaxTokenLifetime.count()));
  tokens.str("key_file", c.tokens.keyFile);

  for (TableReader* t : {&server, &storage, &sms, &twilio, &sns, &kannel, &security, &otp, &links,
                         &flows, &log, &tokens, &voice, &sip, &stir, &speech}) {
    if (auto s = t->finish(); !s.ok()) return s;
  }
  if (auto s = readOAuthClients(root, source, c.oauthClients); !s.ok()) return s;
  if (!baseUrl.empty()) {
    auto url = normalizePublicBaseUrl(baseUrl);
    if (!url.ok())
      return Error::invalidArgument(source + ": links.public_base_url " + url.error().message());
    c.publicBaseUrl = *url;
    c.publicBaseUrlDefaulted = false;
  }
  if (const toml::node* fn = root.get("functions")) {
    const toml::table* t = fn->as_table();
    if (!t) return Error::invalidArgument(source + ": [functions] must be a table");
    for (const auto& [k, v] : *t) {
      auto target = v.value<std::string>();
      if (!target) {
        return Error::invalidArgument(source + ": functions.\"" + std::string(k.str()) +
                                      "\" must be a string");
      }
      c.functionMap[std::string(k.str())] = *target;
    }
  }
  auto parsedTrust = parseCallerIdTrust(trust);
  if (!parsedTrust.ok())
    return Error::invalidArgument(source + ": security." + parsedTrust.error().message());
  c.callerIdTrust = *parsedTrust;
  return okStatus();
}

namespace {

std::string envOrEmpty(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

Status checkUrl(const std::string& key, const std::string& value, bool required) {
  if (value.empty()) {
    if (required) return Error::invalidArgument(key + " is not set");
    return okStatus();
  }
  auto url = splitUrl(value);
  if (!url.ok()) {
    return Error::invalidArgument(key + " is not a usable URL: " + url.error().message());
  }
  return okStatus();
}

bool allOf(const std::string& s, const char* alphabet) {
  return s.find_first_not_of(alphabet) == std::string::npos;
}

constexpr const char* kAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

Status checkTwilio(const TwilioSmsConfig& t) {
  if (t.accountSid.size() != 34 || t.accountSid.rfind("AC", 0) != 0 ||
      !allOf(t.accountSid, kAlnum)) {
    return Error::invalidArgument(
        "sms.twilio.account_sid must be the 34-character Account SID (AC...)");
  }
  if (t.authToken.empty()) {
    return Error::invalidArgument(
        "sms.twilio.auth_token is not set (or set CALLGATE_TWILIO_AUTH_TOKEN)");
  }
  if (t.from.empty() && t.messagingServiceSid.empty()) {
    return Error::invalidArgument("sms.twilio needs from or messaging_service_sid");
  }
  if (!t.messagingServiceSid.empty() &&
      (t.messagingServiceSid.rfind("MG", 0) != 0 || !allOf(t.messagingServiceSid, kAlnum))) {
    return Error::invalidArgument("sms.twilio.messaging_service_sid must look like MG...");
  }
  if (auto s = checkUrl("sms.twilio.base_url", t.baseUrl, true); !s.ok()) return s;
  return checkUrl("sms.twilio.status_callback_url", t.statusCallbackUrl, false);
}

Status checkSns(const SnsSmsConfig& s) {
  if (s.region.empty() || !allOf(s.region, "abcdefghijklmnopqrstuvwxyz0123456789-")) {
    return Error::invalidArgument("sms.sns.region must be an AWS region such as us-east-1");
  }
  if (s.credentials.accessKeyId.empty() || s.credentials.secretAccessKey.empty()) {
    return Error::invalidArgument(
        "sms.sns needs access_key_id and secret_access_key (or AWS_ACCESS_KEY_ID and "
        "AWS_SECRET_ACCESS_KEY in the environment)");
  }
  if (!allOf(s.credentials.accessKeyId, kAlnum)) {
    return Error::invalidArgument("sms.sns.access_key_id must be alphanumeric");
  }
  if (!s.senderId.empty() &&
      (s.senderId.size() < 3 || s.senderId.size() > 11 || !allOf(s.senderId, kAlnum))) {
    return Error::invalidArgument("sms.sns.sender_id must be 3 to 11 letters or digits");
  }
  if (s.smsType != "Transactional" && s.smsType != "Promotional") {
    return Error::invalidArgument("sms.sns.sms_type must be Transactional or Promotional");
  }
  return checkUrl("sms.sns.endpoint", s.endpoint, false);
}

Status checkKannel(const KannelSmsConfig& k) {
  if (auto s = checkUrl("sms.kannel.url", k.url, true); !s.ok()) return s;
  if (k.username.empty()) return Error::invalidArgument("sms.kannel.username is not set");
  if (k.password.empty()) {
    return Error::invalidArgument(
        "sms.kannel.password is not set (or set CALLGATE_KANNEL_PASSWORD)");
  }
  return checkUrl("sms.kannel.dlr_url", k.dlrUrl, false);
}

}  // namespace

std::string outboxPath(const Config& config) {
  return config.sms.substr(std::string("outbox:").size());
}

Status resolveSmsConfig(Config& c) {
  if (std::string token = envOrEmpty("CALLGATE_TWILIO_AUTH_TOKEN"); !token.empty()) {
    c.twilio.authToken = token;
  }
  if (std::string password = envOrEmpty("CALLGATE_KANNEL_PASSWORD"); !password.empty()) {
    c.kannel.password = password;
  }
  // The AWS trio is taken together, so a key id never pairs with another source's secret.
  if (c.sns.credentials.secretAccessKey.empty()) {
    c.sns.credentials.accessKeyId = envOrEmpty("AWS_ACCESS_KEY_ID");
    c.sns.credentials.secretAccessKey = envOrEmpty("AWS_SECRET_ACCESS_KEY");
    c.sns.credentials.sessionToken = envOrEmpty("AWS_SESSION_TOKEN");
  }
  if (c.sms.rfind("outbox:", 0) != 0 || c.sms.size() == 7) {
    return Error::invalidArgument("sms.sink must be outbox:PATH");
  }
  if (c.smsProvider == "outbox") return okStatus();
  if (c.smsProvider == "twilio") return checkTwilio(c.twilio);
  if (c.smsProvider == "sns") return checkSns(c.sns);
  if (c.smsProvider == "kannel") return checkKannel(c.kannel);
  return Error::invalidArgument("sms provider '" + c.smsProvider +
                                "' is not supported (outbox, twilio, sns, kannel)");
}

Status validateTwilioVoiceConfig(TwilioVoiceConfig& t) {
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

Result<HostPort> parseHostPort(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return Error::invalidArgument("'" + text + "' is not HOST:PORT");
  }
  HostPort hp;
  hp.host = text.substr(0, colon);
  if (hp.host.size() > 2 && hp.host.front() == '[' && hp.host.back() == ']') {
    hp.host = hp.host.substr(1, hp.host.size() - 2);
  }
  const std::string port = text.substr(colon + 1);
  if (port.empty() || port.size() > 5 ||
      port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) > 65535) {
    return Error::invalidArgument("'" + text + "' has no valid port (0-65535)");
  }
  hp.port = static_cast<uint16_t>(std::stoi(port));
  return hp;
}

Result<std::string> normalizePublicBaseUrl(const std::string& text) {
  std::string url = text;
  while (!url.empty() && url.back() == '/') url.pop_back();
  const bool https = url.rfind("https://", 0) == 0;
  if (!https && url.rfind("http://", 0) != 0) {
    return Error::invalidArgument("must start with http:// or https:// (got '" + text + "')");
  }
  const std::string rest = url.substr(https ? 8 : 7);
  if (rest.empty() || rest[0] == '/')
    return Error::invalidArgument("has no host (got '" + text + "')");
  for (char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F || c == '?' || c == '#' || c == '"' || c == '<' || c == '>') {
      return Error::invalidArgument("must be a plain URL without spaces, query or fragment (got '" +
                                    text + "')");
    }
  }
  return url;
}

Result<Config> loadConfig(const Overrides& o) {
  Config c;
  if (o.configFile) {
    std::ifstream in(*o.configFile);
    if (!in) return Error::invalidArgument("cannot read config file " + *o.configFile);
    std::stringstream text;
    text << in.rdbuf();
    if (auto s = applyToml(text.str(), *o.configFile, c); !s.ok()) return s.error();
  }
  if (o.http) c.http = *o.http;
  if (o.db) c.db = *o.db;
  if (o.sms) {
    // --sms outbox:PATH keeps its old meaning; --sms twilio|sns|kannel picks a provider.
    if (o.sms->rfind("outbox:", 0) == 0) {
      c.smsProvider = "outbox";
      c.sms = *o.sms;
    } else {
      c.smsProvider = *o.sms;
    }
  }
  if (o.otpSecretFile) c.otpSecretFile = *o.otpSecretFile;
  if (o.pinPepperFile) c.pinPepperFile = *o.pinPepperFile;
  if (o.auditLog) c.auditLog = *o.auditLog;
  if (o.flow) c.flow = *o.flow;
  if (o.logLevel) c.logLevel = *o.logLevel;
  if (o.jwtKeyFile) c.tokens.keyFile = *o.jwtKeyFile;
  if (o.sip) c.sip.listen = *o.sip;
  if (o.callerIdTrust) {
    auto t = parseCallerIdTrust(*o.callerIdTrust);
    if (!t.ok()) return Error::invalidArgument("--caller-id-trust: " + t.error().message());
    c.callerIdTrust = *t;
  }

  if (auto hp = parseHostPort(c.http); !hp.ok())
    return Error::invalidArgument("server.http: " + hp.error().message());
  if (auto s = resolveSmsConfig(c); !s.ok()) return s.error();
  if (c.db.empty()) return Error::invalidArgument("storage.db is empty");
  if (c.pinPepperFile.empty()) return Error::invalidArgument("security.pin_pepper_file is empty");
  if (c.publicBaseUrlDefaulted) {
    auto url = normalizePublicBaseUrl("http://" + c.http);
    if (!url.ok())
      return Error::invalidArgument("links.public_base_url: default " + url.error().message());
    c.publicBaseUrl = *url;
  }
  static const std::set<std::string> kLevels{"trace", "debug", "info", "warn", "error", "off"};
  if (!kLevels.count(c.logLevel)) {
    return Error::invalidArgument("log.level must be one of trace, debug, info, warn, error, off");
  }
  if (auto s = validateOtpConfig(c.otp); !s.ok()) return s.error();
  if (auto s = validateTokens(c); !s.ok()) return s.error();
  if (const char* token = std::getenv("CALLGATE_TWILIO_AUTH_TOKEN"); token && *token) {
    c.twilioVoice.authToken = token;
  }
  if (auto s = validateTwilioVoiceConfig(c.twilioVoice); !s.ok()) return s.error();
  if (auto s = validateSipConfig(c.sip); !s.ok()) return s.error();
  return c;
}

}  // namespace callgate::app
