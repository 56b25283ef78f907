#include <signal.h>
#include <spdlog/spdlog.h>

#include <iostream>

#include "adapters/net/http/server.h"
#include "adapters/sms/reports/delivery_report_routes.h"
#include "adapters/storage/postgres/pg_database.h"
#include "adapters/storage/sqlite/sqlite_database.h"
#include "app/cli/commands.h"
#include "app/cli/start_summary.h"
#include "app/wiring/sip_channel.h"
#include "app/wiring/wiring.h"
#include "channels/common/health_check.h"
#include "channels/connect/connect_routes.h"
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
  if (sms.provider == SmsProvider::kTwilio && !sms.twilio.statusCallbackUrl.empty()) {
    addTwilioStatusRoute(router, {sms.twilio.authToken, sms.twilio.statusCallbackUrl},
                         *services.smsMessages, *services.clock);
  }
  if (sms.provider == SmsProvider::kKannel && !sms.kannel.dlrUrl.empty() &&
      services.kannelDlrTokens) {
    addKannelDlrRoute(router, *services.kannelDlrTokens, *services.smsMessages, *services.clock);
  }
}

std::string smsDescription(const Config& config) {
  return config.sms.provider == SmsProvider::kOutbox
             ? config.sms.sink
             : std::string(smsProviderName(config.sms.provider));
}

// What /healthz asks the database: a ping of the one the stores use. Borrows `services`.
HealthCheck::Probe databaseProbe(const Services& services) {
  if (SqliteDatabase* db = services.db.get()) return [db] { return db->ping(); };
  if (PgDatabase* pg = services.pg.get()) return [pg] { return pg->ping(); };
  return nullptr;
}

http::Router makeRouter(const Services& services, const Config& config,
                        twilio_voice::TwilioVoiceRuntime* twilioVoice) {
  http::Router router;
  // Blocking: a probe may wait for the database (a connect timeout); cached for a second.
  auto health = std::make_shared<HealthCheck>(databaseProbe(services));
  router.add(
      "GET", "/healthz",
      [health](const http::Request&) {
        HealthReport report = health->report();
        http::Response response;
        response.status = report.status;
        response.body = std::move(report.body);
        response.headers.emplace_back("Cache-Control", "no-store");
        return response;
      },
      /*blocking=*/true);
  addConnectRoutes(router, services.functions);
  addOAuthRoutes(router, *services.tokens,
                 oauth::OAuthOptions{config.tokens.issuer, config.oauthClients});
  const web::WebDeps web{*services.actionLinks, *services.tokens, *services.addMember,
                         *services.clock, config.publicBaseUrl};
  web::addLinkRoutes(router, web);
  web::addMemberApiRoutes(router, web);
  addSmsRoutes(router, config, services);
  if (twilioVoice != nullptr) {
    twilio_voice::addTwilioVoiceRoutes(
        router, *twilioVoice, {config.twilioVoice.authToken, config.twilioVoice.publicBaseUrl});
  }
  return router;
}

}  // namespace

int serveCommand(const Config& config) {
  // Block the stop signals in every thread; the main thread waits for them with sigwait.
  sigset_t stopSignals;
  sigemptyset(&stopSignals);
  sigaddset(&stopSignals, SIGINT);
  sigaddset(&stopSignals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);

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
  auto hostPort = parseHostPort(config.http);
  http::ServerOptions options;
  options.host = hostPort->host;
  options.port = hostPort->port;
  options.ioThreads = config.ioThreads;
  options.workerThreads = config.workerThreads;
  http::Server server(options, makeRouter(**services, config, twilioVoice.get()));
  auto port = server.start();
  if (!port.ok()) {
    std::cerr << "callgate: cannot listen on " << config.http << ": " << port.error().message()
              << "\n";
    return 1;
  }
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
  std::cout << "listening http://" << options.host << ":" << *port << std::endl;

  std::unique_ptr<SipChannel> sip;
  if (config.sip.isEnabled()) {
    auto built = SipChannel::build(config, **services);
    if (!built.ok()) {
      std::cerr << "callgate: " << built.error().message() << "\n";
      return 1;
    }
    sip = std::move(*built);
    auto sipPort = sip->start();
    if (!sipPort.ok()) {
      std::cerr << "callgate: cannot listen for SIP on " << config.sip.listen << ": "
                << sipPort.error().message() << "\n";
      return 1;
    }
    const auto sipHost = parseHostPort(config.sip.listen)->host;
    spdlog::info("event=sip_start listen={}:{} max_calls={}", sipHost, *sipPort,
                 config.sip.maxCalls);
    std::cout << "listening sip:" << sipHost << ":" << *sipPort << std::endl;
  }

  int signal = 0;
  sigwait(&stopSignals, &signal);
  spdlog::info("event=stop signal={}", signal);
  if (sip) sip->stop();
  server.stop();
  spdlog::default_logger()->flush();
  return 0;
}

}  // namespace callgate::app
