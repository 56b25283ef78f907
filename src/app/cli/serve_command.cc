#include <spdlog/spdlog.h>

#include <iostream>

#include "adapters/net/http/server.h"
#include "adapters/platform/audit/jsonl_audit_log.h"
#include "adapters/platform/systemd/service_notify.h"
#include "adapters/sms/reports/delivery_report_routes.h"
#include "adapters/storage/postgres/pg_database.h"
#include "adapters/storage/sqlite/sqlite_database.h"
#include "app/cli/commands.h"
#include "app/cli/metrics_endpoint.h"
#include "app/cli/operator_console.h"
#include "app/cli/serve_lifecycle.h"
#include "app/cli/start_summary.h"
#include "app/wiring/sip_channel.h"
#include "app/wiring/wiring.h"
#include "channels/common/health_check.h"
#include "channels/common/readiness.h"
#include "channels/connect/connect_routes.h"
#include "channels/console/agent_routes.h"
#include "channels/console/console_auth.h"
#include "channels/console/handoff_feed.h"
#include "channels/oauth/oauth_routes.h"
#include "channels/twilio_voice/voice_routes.h"
#include "channels/twilio_voice/voice_runtime.h"
#include "channels/web/web_routes.h"
#include "functions/action_links.h"

namespace callgate::app {

namespace {

// Delivery-report routes for the configured provider: Twilio's needs the public callback URL
// (what its signature covers), Kannel's the dlr-url; without them no report can arrive.
void addSmsRoutes(http::Router& router, const Config& config, const Services& services) {
  if (!services.smsMessages) return;
  const SmsConfig& sms = config.sms;
  if (sms.uses(SmsProvider::kTwilio) && !sms.twilio.statusCallbackUrl.empty()) {
    addTwilioStatusRoute(router, {sms.twilio.authToken, sms.twilio.statusCallbackUrl},
                         *services.smsMessages, *services.clock);
  }
  if (sms.uses(SmsProvider::kKannel) && !sms.kannel.dlrUrl.empty() && services.kannelDlrTokens) {
    addKannelDlrRoute(router, *services.kannelDlrTokens, *services.smsMessages, *services.clock);
  }
}

std::string smsDescription(const Config& config) {
  if (config.sms.primary() == SmsProvider::kOutbox) return config.sms.sink;
  std::string names;
  for (SmsProvider p : config.sms.providers) {
    names += (names.empty() ? "" : ",") + std::string(smsProviderName(p));
  }
  return names;
}

// What /healthz asks the database: a ping of the one the stores use. Borrows `services`.
HealthCheck::Probe databaseProbe(const Services& services) {
  if (SqliteDatabase* db = services.db.get()) return [db] { return db->ping(); };
  if (PgDatabase* pg = services.pg.get()) return [pg] { return pg->ping(); };
  return nullptr;
}

http::Response probeResponse(HealthReport report) {
  http::Response response;
  response.status = report.status;
  response.body = std::move(report.body);
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

// /healthz (the database), /livez (the process answers) and /readyz (channels/common/readiness.h).
void addProbeRoutes(http::Router& router, std::shared_ptr<HealthCheck> health,
                    std::shared_ptr<Readiness> readiness) {
  // Blocking: a probe may wait for the database (a connect timeout); cached for a second.
  router.add(
      "GET", "/healthz", [health](const http::Request&) { return probeResponse(health->report()); },
      http::Lane::kWorker);
  // Never blocks: a node busy with a slow database or draining is still alive. Answered on the
  // io thread, so the probe says the thread that serves every request is turning, whatever the
  // worker pool is doing.
  router.add(
      "GET", "/livez",
      [readiness](const http::Request&) {
        return probeResponse({200,
                              readiness->draining() ? R"({"status":"alive","draining":true})"
                                                    : R"({"status":"alive","draining":false})",
                              ""});
      },
      http::Lane::kIoThread);
  router.add(
      "GET", "/readyz",
      [readiness](const http::Request&) { return probeResponse(readiness->report()); },
      http::Lane::kWorker);
}

// The console's sign-in over the staff store. Its origin is the links' public base URL's; the
// session cookie is Secure (and __Host-) when that is https.
std::unique_ptr<console::ConsoleAuth> buildConsoleAuth(const Config& config, Services& services) {
  const std::string& base = config.publicBaseUrl;
  const size_t scheme = base.find("://");
  const size_t path = scheme == std::string::npos ? std::string::npos : base.find('/', scheme + 3);
  console::ConsoleAuthOptions options;
  options.publicOrigin = base.substr(0, path);
  options.secureCookie = base.starts_with("https://");
  const std::string_view host = scheme == std::string::npos
                                    ? std::string_view()
                                    : std::string_view(options.publicOrigin).substr(scheme + 3);
  const bool loopback =
      host.starts_with("127.") || host.starts_with("localhost") || host.starts_with("[::1]");
  if (!options.secureCookie && !loopback) {
    spdlog::warn(
        "event=console_cookie_not_secure public_base_url={} reason=\"the console's session cookie "
        "goes over plain http: put callgate behind https ([links] public_base_url = https://...) "
        "before anyone signs in from another machine\"",
        base);
  }
  return std::make_unique<console::ConsoleAuth>(*services.staffSignIn, std::move(options));
}

http::Router makeRouter(const Services& services, const Config& config,
                        twilio_voice::TwilioVoiceRuntime* twilioVoice,
                        std::shared_ptr<HealthCheck> health, std::shared_ptr<Readiness> readiness,
                        const console::ConsoleAuth& consoleAuth) {
  http::Router router;
  consoleAuth.addRoutes(router);
  addProbeRoutes(router, std::move(health), std::move(readiness));
  addConnectRoutes(router, services.functions);
  addOAuthRoutes(router, *services.tokens,
                 oauth::OAuthOptions{config.tokens.issuer, config.oauthClients});
  const web::WebDeps web{*services.actionLinks, *services.tokens, *services.addMember,
                         *services.clock, config.publicBaseUrl};
  web::addLinkRoutes(router, web);
  web::addMemberApiRoutes(router, web);
  addSmsRoutes(router, config, services);
  addMetricsRoute(router, config.metrics);
  // The agent screen pop and the calls page, behind the staff sign-in.
  console::addAgentRoutes(router, &consoleAuth,
                          console::AgentRouteDeps{*services.handoffFeed, *services.clock});
  if (twilioVoice != nullptr) {
    twilio_voice::addTwilioVoiceRoutes(
        router, *twilioVoice, {config.twilioVoice.authToken, config.twilioVoice.publicBaseUrl});
  }
  // The console's operator pages, behind the staff sign-in's guard.
  console::addOperatorRoutes(router, &consoleAuth, operatorConsoleDeps(config, services));
  return router;
}

}  // namespace

int serveCommand(const Config& config) {
  // SIGHUP, SIGINT, SIGTERM wait in a pipe until runUntilStopped() reads them.
  installServeSignalHandlers();

  auto services = buildServices(config);
  if (!services.ok()) {
    std::cerr << "callgate: " << services.error().message() << "\n";
    return 1;
  }
  std::unique_ptr<twilio_voice::TwilioVoiceRuntime> twilioVoice;
  if (config.twilioVoice.isEnabled()) {
    auto built = buildTwilioVoice(config, **services);
    if (!built.ok()) {
      std::cerr << "callgate: " << built.error().message() << "\n";
      return 1;
    }
    twilioVoice = std::move(*built);
  }
  auto health = std::make_shared<HealthCheck>(databaseProbe(**services));
  // A check of its own: serve refreshes it every second, which must not make /healthz answer
  // from a cache the loop just filled (an outage would show up to a second late there).
  auto readiness =
      std::make_shared<Readiness>(std::make_shared<HealthCheck>(databaseProbe(**services)));
  readiness->expectListener("http");
  if (config.sip.isEnabled()) readiness->expectListener("sip");
  if (!config.metrics.listen.empty()) readiness->expectListener("metrics");
  // Every channel is built (flows, prompts, the speech model) before any listener opens, so
  // nothing answers, /healthz included, while the SIP listener is still seconds away.
  std::unique_ptr<SipChannel> sip;
  if (config.sip.isEnabled()) {
    auto built = SipChannel::build(config, **services);
    if (!built.ok()) {
      std::cerr << "callgate: " << built.error().message() << "\n";
      return 1;
    }
    sip = std::move(*built);
  }
  readiness->setFlows(sip || twilioVoice ? Readiness::Flows::kLoaded : Readiness::Flows::kNone);

  auto hostPort = parseHostPort(config.http);
  http::ServerOptions options;
  options.host = hostPort->host;
  options.port = hostPort->port;
  options.ioThreads = config.ioThreads;
  options.workerThreads = config.workerThreads;
  options.slowThreads = config.slowThreads;
  options.maxSlowRequests = static_cast<size_t>(config.maxSlowRequests);
  options.maxConnectionsPerAddress = static_cast<size_t>(config.httpMaxConnectionsPerAddress);
  options.idleTimeout = std::chrono::seconds(config.httpIdleTimeoutSeconds);
  // Declared before the server, which borrows it through the routes.
  const auto consoleAuth = buildConsoleAuth(config, **services);
  http::Server server(
      options, makeRouter(**services, config, twilioVoice.get(), health, readiness, *consoleAuth));
  auto port = server.start();
  if (!port.ok()) {
    std::cerr << "callgate: cannot listen on " << config.http << ": " << port.error().message()
              << "\n";
    return 1;
  }
  readiness->setListenerOpen("http", true);
  (*services)->handoffFeed->start();  // the agent event streams' poller
  // The default public base URL is the listen address; with port 0 only now is the port known.
  if (config.publicBaseUrlDefaulted && (*services)->actionLinks) {
    const bool ipv6 = options.host.find(':') != std::string::npos;
    (*services)->actionLinks->setPublicBaseUrl(
        "http://" + (ipv6 ? "[" + options.host + "]" : options.host) + ":" + std::to_string(*port));
  }
  // Customers and flows (start_summary.h: a bounded count), so an empty store shows at once.
  spdlog::info(
      "event=start http={}:{} db={} sms={} caller_id_trust={} twilio_voice={} {}", options.host,
      *port,
      config.storage.isPostgres() ? redactPgUrl(config.storage.location) : config.storage.location,
      smsDescription(config), callerIdTrustName(config.callerIdTrust), twilioVoice ? "on" : "off",
      startContents(config, *(*services)->customers));
  auto metricsListener = startMetricsListener(config.metrics);
  if (!metricsListener.ok()) {
    std::cerr << "callgate: " << metricsListener.error().message() << "\n";
    return 1;
  }
  if (!config.metrics.listen.empty()) readiness->setListenerOpen("metrics", true);
  std::cout << "listening http://" << options.host << ":" << *port << std::endl;

  if (sip) {
    auto sipPort = sip->start();
    if (!sipPort.ok()) {
      std::cerr << "callgate: cannot listen for SIP on " << config.sip.listen << ": "
                << sipPort.error().message() << "\n";
      return 1;
    }
    readiness->setListenerOpen("sip", true);
    sip->setReadyProbe([r = readiness.get()] { return r->ready(); });
    const auto sipHost = parseHostPort(config.sip.listen)->host;
    spdlog::info("event=sip_start listen={}:{} max_calls={}", sipHost, *sipPort,
                 config.sip.maxCalls);
    std::cout << "listening sip:" << sipHost << ":" << *sipPort << std::endl;
  }

  readiness->refresh();
  systemd::notifyReady("serving");
  runUntilStopped({config, *readiness, sip.get(), twilioVoice.get()});
  spdlog::info("event=stop");
  if (sip) sip->stop();
  server.stop();
  // Every request has finished: sign the audit log's tail, so a clean stop leaves it covered.
  if (auto* audit = dynamic_cast<JsonlAuditLog*>((*services)->audit.get())) {
    if (Status s = audit->checkpoint(); !s.ok()) {
      spdlog::error("event=audit_checkpoint_failed error=\"{}\"", s.error().message());
    }
  }
  spdlog::default_logger()->flush();
  return 0;
}

}  // namespace callgate::app
