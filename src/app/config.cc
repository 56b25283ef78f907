#include "app/config.h"

#include <fstream>
#include <set>
#include <sstream>
#include <cstdlib>
#include <toml++/toml.h>

#include "adapters/twilio_voice/transfer.h"
#include "core/customer.h"
#include "core/phone.h"

namespace callgate::app {

namespace {

// Reads one table's keys into `config`, rejecting unknown keys and wrong types.
class TableReader {
 public:
  TableReader(const toml::table& root, const char* name, std::string source)
      : name_(name), source_(std::move(source)) {
    if (const toml::node* n = root.get(name)) {
      table_ = n->as_table();
      if (!table_) error_ = source_ + ": [" + name_ + "] must be a table";
    }
  }
  void str(const char* key, std::string& out) {
    if (const toml::node* n = find(key)) {
      if (auto v = n->value<std::string>()) out = *v; else fail(key, "a string");
    }
  }
  void boolean(const char* key, bool& out) {
    if (const toml::node* n = find(key)) {
      if (auto v = n->value<bool>()) out = *v; else fail(key, "true or false");
    }
  }
  void optionalBoolean(const char* key, std::optional<bool>& out) {
    if (find(key) != nullptr) {
      bool v = false;
      boolean(key, v);
      out = v;
    }
  }
  // A nested table of string values ([twilio.numbers]); an error unless every value is a string.
  void stringMap(const char* key, std::map<std::string, std::string>& out) {
    const toml::node* n = find(key);
    if (n == nullptr) return;
    const toml::table* t = n->as_table();
    if (t == nullptr) return fail(key, "a table");
    for (const auto& [k, v] : *t) {
      auto value = v.value<std::string>();
      if (!value) {
        if (error_.empty()) {
          error_ = source_ + ": " + name_ + "." + key + ".\"" + std::string(k.str()) +
                   "\" must be a string";
        }
        return;
      }
      out[std::string(k.str())] = *value;
    }
  }
  void integer(const char* key, int& out, int lo, int hi) {
    if (const toml::node* n = find(key)) {
      auto v = n->value<int64_t>();
      if (!v || *v < lo || *v > hi) {
        fail(key, ("an integer in " + std::to_string(lo) + ".." + std::to_string(hi)).c_str());
      } else {
        out = static_cast<int>(*v);
      }
    }
  }
  void seconds(const char* key, Seconds& out, int lo, int hi) {
    int v = static_cast<int>(out.count());
    integer(key, v, lo, hi);
    out = Seconds(v);
  }
  // Every key not read is an error.
  Status finish() {
    if (!error_.empty()) return Error::invalidArgument(error_);
    if (table_) {
      for (const auto& [k, v] : *table_) {
        if (!seen_.count(std::string(k.str()))) {
          return Error::invalidArgument(source_ + ": unknown key '" + name_ + "." + std::string(k.str()) + "'");
        }
      }
    }
    return okStatus();
  }

 private:
  const toml::node* find(const char* key) {
    seen_.insert(key);
    return table_ ? table_->get(key) : nullptr;
  }
  void fail(const char* key, const char* what) {
    if (error_.empty()) error_ = source_ + ": " + name_ + "." + key + " must be " + what;
  }
  const toml::table* table_ = nullptr;
  std::string name_;
  std::string source_;
  std::string error_;
  std::set<std::string> seen_;
};

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
  static const std::set<std::string> kTables{"server", "storage", "sms", "security", "otp",
                                             "flows", "functions", "twilio", "log"};
  for (const auto& [k, v] : root) {
    if (!kTables.count(std::string(k.str()))) {
      return Error::invalidArgument(source + ": unknown table or key '" + std::string(k.str()) + "'");
    }
  }

  TableReader server(root, "server", source);
  server.str("http", c.http);
  server.integer("io_threads", c.ioThreads, 1, 64);
  server.integer("worker_threads", c.workerThreads, 1, 256);
  TableReader storage(root, "storage", source);
  storage.str("db", c.db);
  TableReader sms(root, "sms", source);
  sms.str("sink", c.sms);
  TableReader security(root, "security", source);
  std::string trust = callerIdTrustName(c.callerIdTrust);
  security.str("caller_id_trust", trust);
  security.str("otp_secret_file", c.otpSecretFile);
  security.str("audit_log", c.auditLog);
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
  TableReader flows(root, "flows", source);
  flows.str("default", c.flow);
  TableReader twilio(root, "twilio", source);
  twilio.optionalBoolean("enabled", c.twilio.enabled);
  twilio.str("auth_token", c.twilio.authToken);
  twilio.str("public_base_url", c.twilio.publicBaseUrl);
  twilio.str("voice", c.twilio.voice);
  twilio.str("language", c.twilio.language);
  twilio.boolean("speech", c.twilio.speech);
  twilio.str("default_agent", c.twilio.defaultAgent);
  twilio.integer("session_ttl_seconds", c.twilio.sessionTtlSeconds, 60, 86400);
  twilio.stringMap("numbers", c.twilio.numbers);
  twilio.stringMap("queues", c.twilio.queues);
  TableReader log(root, "log", source);
  log.str("level", c.logLevel);

  for (TableReader* t : {&server, &storage, &sms, &security, &otp, &flows, &twilio, &log}) {
    if (auto s = t->finish(); !s.ok()) return s;
  }
  if (const toml::node* fn = root.get("functions")) {
    const toml::table* t = fn->as_table();
    if (!t) return Error::invalidArgument(source + ": [functions] must be a table");
    for (const auto& [k, v] : *t) {
      auto target = v.value<std::string>();
      if (!target) {
        return Error::invalidArgument(source + ": functions.\"" + std::string(k.str()) + "\" must be a string");
      }
      c.functionMap[std::string(k.str())] = *target;
    }
  }
  auto parsedTrust = parseCallerIdTrust(trust);
  if (!parsedTrust.ok()) return Error::invalidArgument(source + ": security." + parsedTrust.error().message());
  c.callerIdTrust = *parsedTrust;
  return okStatus();
}

Status validateTwilioConfig(TwilioConfig& t) {
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
      return Error::invalidArgument("twilio.public_base_url must be an http(s) URL without query, "
                                    "e.g. https://callgate.example.com, not '" + base + "'");
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
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(port) > 65535) {
    return Error::invalidArgument("'" + text + "' has no valid port (0-65535)");
  }
  hp.port = static_cast<uint16_t>(std::stoi(port));
  return hp;
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
  if (o.sms) c.sms = *o.sms;
  if (o.otpSecretFile) c.otpSecretFile = *o.otpSecretFile;
  if (o.auditLog) c.auditLog = *o.auditLog;
  if (o.flow) c.flow = *o.flow;
  if (o.logLevel) c.logLevel = *o.logLevel;
  if (o.callerIdTrust) {
    auto t = parseCallerIdTrust(*o.callerIdTrust);
    if (!t.ok()) return Error::invalidArgument("--caller-id-trust: " + t.error().message());
    c.callerIdTrust = *t;
  }

  if (auto hp = parseHostPort(c.http); !hp.ok()) return Error::invalidArgument("server.http: " + hp.error().message());
  if (c.sms.rfind("outbox:", 0) != 0 || c.sms.size() == 7) {
    return Error::invalidArgument("sms sink '" + c.sms + "' is not supported (use outbox:PATH)");
  }
  if (c.db.empty()) return Error::invalidArgument("storage.db is empty");
  static const std::set<std::string> kLevels{"trace", "debug", "info", "warn", "error", "off"};
  if (!kLevels.count(c.logLevel)) {
    return Error::invalidArgument("log.level must be one of trace, debug, info, warn, error, off");
  }
  if (auto s = validateOtpConfig(c.otp); !s.ok()) return s.error();
  if (const char* token = std::getenv("CALLGATE_TWILIO_AUTH_TOKEN"); token && *token) {
    c.twilio.authToken = token;
  }
  if (auto s = validateTwilioConfig(c.twilio); !s.ok()) return s.error();
  return c;
}

}  // namespace callgate::app
