#include <signal.h>

#include <iostream>
#include <spdlog/spdlog.h>

#include "adapters/connect/connect_routes.h"
#include "adapters/http/server.h"
#include "adapters/twilio_voice/voice_routes.h"
#include "adapters/twilio_voice/voice_runtime.h"
#include "app/commands.h"
#include "app/wiring.h"

namespace callgate::app {

namespace {

http::Router makeRouter(const Services& services, const Config& config,
                        twilio_voice::TwilioVoiceRuntime* twilioVoice) {
  http::Router router;
  router.add("GET", "/healthz", [](const http::Request&) {
    http::Response ok;
    ok.body = R"({"status":"ok"})";
    return ok;
  }, /*blocking=*/false);
  addConnectRoutes(router, services.functions);
  if (twilioVoice != nullptr) {
    twilio_voice::addTwilioVoiceRoutes(router, *twilioVoice,
                                       {config.twilio.authToken, config.twilio.publicBaseUrl});
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
  if (config.twilio.isEnabled()) {
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
    std::cerr << "callgate: cannot listen on " << config.http << ": " << port.error().message() << "\n";
    return 1;
  }
  // No customer count here: COUNT(*) reads the whole table, which need not delay a start.
  spdlog::info("event=start http={}:{} db={} sms={} caller_id_trust={} twilio_voice={}",
               options.host, *port, config.db, config.sms,
               callerIdTrustName(config.callerIdTrust), twilioVoice ? "on" : "off");
  std::cout << "listening http://" << options.host << ":" << *port << std::endl;

  int signal = 0;
  sigwait(&stopSignals, &signal);
  spdlog::info("event=stop signal={}", signal);
  server.stop();
  spdlog::default_logger()->flush();
  return 0;
}

}  // namespace callgate::app
