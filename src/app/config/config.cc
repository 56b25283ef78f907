#include "app/config/config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "app/config/config_tables.h"

namespace callgate::app {

using detail::TableReader;

namespace {

// The tables a config file may hold, each with its reader; any other top-level name is refused.
struct TableEntry {
  const char* name;
  Status (*read)(TableReader& table, Config& config);
};

constexpr TableEntry kTables[] = {
    {"server", [](TableReader& t, Config& c) { return detail::readServerTable(t, c); }},
    {"storage", [](TableReader& t, Config& c) { return detail::readStorageTable(t, c.storage); }},
    {"sms", [](TableReader& t, Config& c) { return detail::readSmsTable(t, c.sms); }},
    {"security", [](TableReader& t, Config& c) { return detail::readSecurityTable(t, c); }},
    {"audit", [](TableReader& t, Config& c) { return detail::readAuditTable(t, c); }},
    {"otp", [](TableReader& t, Config& c) { return detail::readOtpTable(t, c.otp); }},
    {"credentials",
     [](TableReader& t, Config& c) { return detail::readCredentialsTable(t, c.credentials); }},
    {"links", [](TableReader& t, Config& c) { return detail::readLinksTable(t, c); }},
    {"flows",
     [](TableReader& t, Config& c) { return detail::readFlowsTable(t, c.flow, c.flowsDir); }},
    {"functions",
     [](TableReader& t, Config& c) { return detail::readFunctionsTable(t, c.functionMap); }},
    {"log", [](TableReader& t,
               Config& c) { return detail::readLogTable(t, c.logLevel, c.lifecycle.logFile); }},
    {"tokens", [](TableReader& t, Config& c) { return detail::readTokensTable(t, c); }},
    {"oauth", [](TableReader& t, Config& c) { return detail::readOAuthTable(t, c.oauthClients); }},
    {"twilio", [](TableReader& t, Config& c) { return detail::readTwilioTable(t, c.twilioVoice); }},
    {"lambdas", [](TableReader& t, Config& c) { return detail::readLambdasTable(t, c.lambdas); }},
    {"sip", [](TableReader& t, Config& c) { return detail::readSipTable(t, c.sip); }},
    {"speech", [](TableReader& t, Config& c) { return detail::readSpeechTable(t, c.speech); }},
    // metrics
    {"metrics", [](TableReader& t, Config& c) { return detail::readMetricsTable(t, c.metrics); }},
    {"lex", [](TableReader& t, Config& c) { return detail::readLexTable(t, c.lex); }},
    // Routing and data flow actions; hours before queues, which name them.
    {"hours", [](TableReader& t, Config& c) { return detail::readHoursTable(t, c.routing.hours); }},
    {"queues", [](TableReader& t, Config& c) { return detail::readQueuesTable(t, c.routing); }},
    {"callbacks",
     [](TableReader& t, Config& c) { return detail::readCallbacksTable(t, c.routing.callbacks); }},
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
  for (const auto& member : root) {
    // Not a structured binding: clang before 16 cannot capture one in a lambda (make fuzz).
    const toml::key& k = member.first;
    const bool known = std::any_of(std::begin(kTables), std::end(kTables),
                                   [&](const TableEntry& t) { return k.str() == t.name; });
    if (!known) {
      return Error::invalidArgument(source + ": unknown table or key '" + std::string(k.str()) +
                                    "'");
    }
  }
  for (const TableEntry& entry : kTables) {
    TableReader table(root, entry.name, source);
    if (auto s = entry.read(table, c); !s.ok()) return s;
  }
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

bool StorageConfig::isPostgresUrl(std::string_view location) {
  return location.starts_with("postgresql://") || location.starts_with("postgres://");
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
  if (o.db) c.storage.location = *o.db;
  if (o.sms) {
    // --sms outbox:PATH keeps its old meaning; --sms twilio|sns|kannel picks a provider.
    if (o.sms->rfind("outbox:", 0) == 0) {
      c.sms.providers = {SmsProvider::kOutbox};
      c.sms.sink = *o.sms;
    } else if (auto provider = parseWord(kSmsProviders, *o.sms)) {
      c.sms.providers = {*provider};
    } else {
      return Error::invalidArgument("--sms must be outbox:PATH or one of " +
                                    listWords(kSmsProviders) + " (got '" + *o.sms + "')");
    }
  }
  if (o.otpSecretFile) c.otpSecretFile = *o.otpSecretFile;
  if (o.pinPepperFile) c.pinPepperFile = *o.pinPepperFile;
  if (o.auditLog) c.auditLog = *o.auditLog;
  if (o.flow) c.flow = *o.flow;
  if (o.logLevel) {
    auto level = parseWord(kLogLevels, *o.logLevel);
    if (!level) return Error::invalidArgument("--log-level must be " + listWords(kLogLevels));
    c.logLevel = *level;
  }
  if (o.jwtKeyFile) c.tokenKeys.path = *o.jwtKeyFile;
  if (o.sip) c.sip.listen = *o.sip;
  if (o.callerIdTrust) {
    auto t = parseCallerIdTrust(*o.callerIdTrust);
    if (!t.ok()) return Error::invalidArgument("--caller-id-trust: " + t.error().message());
    c.callerIdTrust = *t;
  }

  if (auto hp = parseHostPort(c.http); !hp.ok())
    return Error::invalidArgument("server.http: " + hp.error().message());
  if (auto s = resolveSmsConfig(c.sms); !s.ok()) return s.error();
  if (c.storage.location.empty()) return Error::invalidArgument("storage.db is empty");
  if (c.workerThreads == 0) c.workerThreads = c.storage.isPostgres() ? 4 : 2;
  if (c.storage.poolSize == 0) {
    // Every thread that may read at once; on SQLite that includes the io threads, which answer
    // lookup-caller inline and must never wait for a connection held by a worker.
    c.storage.poolSize = (c.storage.isPostgres() ? 0 : c.ioThreads) + c.workerThreads +
                         c.slowThreads + (c.sip.isEnabled() ? c.sip.workerThreads : 0) + 2;
  }
  if (c.pinPepperFile.empty()) return Error::invalidArgument("security.pin_pepper_file is empty");
  if (c.publicBaseUrlDefaulted) {
    auto url = normalizePublicBaseUrl("http://" + c.http);
    if (!url.ok())
      return Error::invalidArgument("links.public_base_url: default " + url.error().message());
    c.publicBaseUrl = *url;
  }
  if (auto s = validateOtpConfig(c.otp); !s.ok()) return s.error();
  if (auto s = resolveCredentialsConfig(c.credentials); !s.ok()) return s.error();
  if (auto s = detail::validateTokens(c.tokens, c.tokenKeys, c.publicBaseUrl, c.oauthClients);
      !s.ok()) {
    return s.error();
  }
  if (const char* token = std::getenv("CALLGATE_TWILIO_AUTH_TOKEN"); token && *token) {
    c.twilioVoice.authToken = token;
  }
  if (auto s = validateTwilioVoiceConfig(c.twilioVoice); !s.ok()) return s.error();
  if (auto s = validateSipConfig(c.sip); !s.ok()) return s.error();
  return c;
}

}  // namespace callgate::app
