#include "app/wiring/sip_channel.h"

#include <spdlog/spdlog.h>

#include "adapters/net/rtp/media_engine.h"
#include "adapters/net/sip/sip_server.h"
#include "adapters/security/stir/caller_trust.h"
#include "adapters/speech/asr/pocketsphinx_recognizer.h"
#include "adapters/speech/tts/prompt_library.h"
#include "channels/sip_voice/sip_voice_runtime.h"
#include "functions/verdict_issuer.h"

namespace callgate::app {

struct SipChannel::Parts {
  std::unique_ptr<rtp::MediaEngine> media;
  std::unique_ptr<tts::PromptLibrary> prompts;
  std::unique_ptr<speech::SpeechRecognizer> recognizer;  // null: speech off
  std::unique_ptr<stir::CallerTrust> trust;
  std::unique_ptr<sip_voice::SipVoiceRuntime> runtime;
  std::unique_ptr<sip::SipServer> server;  // last: destroyed first, it calls into the runtime
  bool started = false;
};

Result<flow::FlowCatalog> loadSipFlows(const Config& config) {
  const sip_voice::SipChannelConfig& sc = config.sip;
  auto flows =
      loadFlowCatalog(config, sc.defaultFlow.empty() ? config.flow : sc.defaultFlow, sc.numbers);
  if (!flows.ok()) return Error(flows.error().code(), "sip: " + flows.error().message());
  return flows;
}

Result<std::unique_ptr<SipChannel>> SipChannel::build(const Config& config, Services& services) {
  const sip_voice::SipChannelConfig& sc = config.sip;
  auto listen = parseHostPort(sc.listen);
  if (!listen.ok()) return Error::invalidArgument("sip.listen: " + listen.error().message());
  const std::string advertised = sc.advertisedAddress.empty() ? listen->host : sc.advertisedAddress;

  auto flows = loadSipFlows(config);
  if (!flows.ok()) return flows.error();

  stir::CallerTrustOptions trustOptions;
  trustOptions.trustedProxies = sc.trustedProxies;
  trustOptions.publicKeyFiles = sc.stirPublicKeys;
  trustOptions.certificateFiles = sc.stirCertificates;
  trustOptions.maxAge = std::chrono::seconds(sc.stirMaxAgeSeconds);
  auto trust = stir::CallerTrust::create(trustOptions);
  if (!trust.ok()) return Error(trust.error().code(), "sip.stir: " + trust.error().message());

  auto parts = std::make_unique<Parts>();
  parts->trust = std::make_unique<stir::CallerTrust>(std::move(*trust));
  rtp::MediaEngineOptions mediaOptions;
  mediaOptions.bindAddress = listen->host;
  mediaOptions.portMin = sc.rtpPortMin;
  mediaOptions.portMax = sc.rtpPortMax;
  mediaOptions.threads = sc.mediaThreads;
  parts->media = std::make_unique<rtp::MediaEngine>(mediaOptions);
  tts::PromptLibraryOptions promptOptions;
  promptOptions.promptsDir = sc.promptsDir;
  promptOptions.cacheBytes = static_cast<size_t>(sc.ttsCacheMb) << 20;
  parts->prompts = std::make_unique<tts::PromptLibrary>(promptOptions);

  sip_voice::SipVoiceOptions options;
  options.queues = sc.queues;
  options.defaultAgent = sc.defaultAgent;
  options.numberUri = sc.numberUri;
  options.verdicts = services.verdicts.get();
  options.announceReferFailure = sc.referFailure == sip_voice::ReferFailure::kAnnounce;
  options.cachedPrompt = [prompts = parts->prompts.get()](const flow::PlayPrompt& p,
                                                          const std::string& language) {
    return prompts->cached(p.text, p.ssml, p.promptId, language);
  };
  if (config.speech.enabled) {
    auto recognizer = asr::PocketsphinxRecognizer::create(config.speech.recognizer);
    if (!recognizer.ok())
      return Error(recognizer.error().code(), "speech: " + recognizer.error().message());
    parts->recognizer = std::move(*recognizer);
    options.recognizer = parts->recognizer.get();
    options.speechThreads = config.speech.recognizer.maxDecoders;
    options.endpointer = config.speech.endpointer;
    options.speechTurn = config.speech.turn;
  }
  parts->runtime = std::make_unique<sip_voice::SipVoiceRuntime>(
      std::make_shared<flow::FlowCatalogSource>(std::move(*flows)), std::move(options),
      *parts->media,
      [prompts = parts->prompts.get()](const flow::PlayPrompt& p, const std::string& language) {
        return prompts->render(p.text, p.ssml, p.promptId, language);
      },
      *parts->trust, services.functions, *services.clock, *services.random, sc.workerThreads);

  sip::SipServerOptions serverOptions;
  serverOptions.host = listen->host;
  serverOptions.port = listen->port;
  serverOptions.advertisedAddress = advertised;
  serverOptions.maxCalls = sc.maxCalls;
  serverOptions.provisional = sc.provisional;
  serverOptions.answerDelay = std::chrono::milliseconds(sc.answerDelayMs);
  serverOptions.t1 = std::chrono::milliseconds(sc.t1Ms);
  serverOptions.t2 = std::chrono::milliseconds(sc.t2Ms);
  serverOptions.maxTcpConnectionsPerAddress = static_cast<size_t>(sc.tcpMaxConnectionsPerAddress);
  serverOptions.tcpIdleTimeout = std::chrono::seconds(sc.tcpIdleTimeoutSeconds);
  parts->server = std::make_unique<sip::SipServer>(serverOptions, *parts->runtime);
  return std::unique_ptr<SipChannel>(new SipChannel(std::move(parts)));
}

SipChannel::SipChannel(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

SipChannel::~SipChannel() { stop(); }

Result<uint16_t> SipChannel::start() {
  if (auto s = parts_->media->start(); !s.ok()) return s.error();
  auto port = parts_->server->start();
  if (!port.ok()) {
    parts_->media->stop();
    return port.error();
  }
  parts_->started = true;
  return *port;
}

void SipChannel::stop() {
  if (!parts_ || !parts_->started) return;
  parts_->started = false;
  parts_->server->stop();  // BYE to every call; the runtime hears each end
  parts_->media->stop();
}

void SipChannel::drain(int retryAfterSeconds) { parts_->runtime->drain(retryAfterSeconds); }

size_t SipChannel::activeCalls() const { return parts_->runtime->activeCalls(); }

void SipChannel::setReadyProbe(std::function<bool()> ready) {
  parts_->runtime->setReadyProbe(std::move(ready));
}

void SipChannel::replaceFlows(flow::FlowCatalog flows) {
  parts_->runtime->flowSource().replace(std::move(flows));
  parts_->prompts->clear();
}

}  // namespace callgate::app
