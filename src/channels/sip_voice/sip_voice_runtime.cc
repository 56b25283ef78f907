#include "channels/sip_voice/sip_voice_runtime.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>

#include "channels/common/call_metrics.h"
#include "common/log_value.h"
#include "common/text.h"
#include "core/phone.h"

namespace callgate::sip_voice {

namespace {
constexpr int kNoMediaRetryAfterSeconds = 5;  // the 503 when no RTP port is free
}  // namespace

std::string phoneFromSipUser(const std::string& user) {
  // Visual separators allowed in tel: URIs (RFC 3966) and in what PBXs send.
  std::string digits;
  for (char c : user) {
    if (c == '-' || c == '.' || c == '(' || c == ')' || c == ' ') continue;
    digits += c;
  }
  if (auto e164 = normalizeE164(digits); e164.ok()) return *e164;
  // Carriers often send the international form without '+' (14155550100).
  if (!digits.empty() && digits.front() != '+') {
    if (auto e164 = normalizeE164("+" + digits); e164.ok()) return *e164;
  }
  return user;
}

rtp::MediaParams mediaParams(const sip::NegotiatedMedia& media) {
  rtp::MediaParams p;
  p.codec = media.codec == sip::Codec::kPcma ? rtp::Codec::kPcma : rtp::Codec::kPcmu;
  p.audioPayloadType = media.audioPayloadType;
  p.dtmfPayloadType = media.dtmfPayloadType;
  p.remoteAddress = media.remoteAddress;
  p.remotePort = media.remotePort;
  p.onHold = media.onHold;
  return p;
}

SipVoiceRuntime::SipVoiceRuntime(flow::FlowCatalog flows, SipVoiceOptions options,
                                 rtp::MediaEngine& media, PromptRenderer prompts,
                                 const stir::CallerTrust& trust, const FunctionRegistry& functions,
                                 Clock& clock, Random& random, int workerThreads)
    : SipVoiceRuntime(std::make_shared<flow::FlowCatalogSource>(std::move(flows)),
                      std::move(options), media, std::move(prompts), trust, functions, clock,
                      random, workerThreads) {}

SipVoiceRuntime::SipVoiceRuntime(std::shared_ptr<flow::FlowCatalogSource> flows,
                                 SipVoiceOptions options, rtp::MediaEngine& media,
                                 PromptRenderer prompts, const stir::CallerTrust& trust,
                                 const FunctionRegistry& functions, Clock& clock, Random& random,
                                 int workerThreads)
    : flows_(std::move(flows)),
      options_(std::move(options)),
      media_(media),
      trust_(trust),
      clock_(clock),
      random_(random),
      workers_(static_cast<std::size_t>(workerThreads)),
      deps_{functions, std::move(prompts), workers_, options_} {
  if (options_.recognizer != nullptr) {
    speechWorkers_.emplace(static_cast<std::size_t>(std::max(1, options_.speechThreads)));
    deps_.speechWorkers = &*speechWorkers_;
  }
}

SipVoiceRuntime::~SipVoiceRuntime() {
  if (speechWorkers_) speechWorkers_->join();
  workers_.join();
  std::lock_guard lock(mu_);
  calls_.clear();
}

std::string SipVoiceRuntime::newContactId() {
  std::array<uint8_t, 16> b{};
  random_.fill(b);
  return formatUuidV4(b);  // a UUID, like Connect's ContactId
}

const std::string& SipVoiceRuntime::dialledNumber(const std::string& user) {
  if (auto it = dialled_.find(user); it != dialled_.end()) return it->second;
  if (dialled_.size() >= kDialledCacheEntries) dialled_.clear();  // someone dials at random
  return dialled_.emplace(user, phoneFromSipUser(user)).first->second;
}

sip::Acceptance SipVoiceRuntime::onIncomingCall(const sip::IncomingCall& call,
                                                std::shared_ptr<sip::CallLeg> leg) {
  const std::string dialled = dialledNumber(call.dialledUser);
  if (draining_.load()) {
    spdlog::info("event=sip_call_refused reason=draining dialled=\"{}\"", maskPhone(dialled));
    return {503, {}, 0, retryAfter_.load()};
  }
  // Read once: the call keeps this catalog's flow even if a reload replaces it meanwhile.
  std::shared_ptr<const flow::Flow> flow = flows_->current()->forNumber(dialled);
  if (!flow) {
    spdlog::error("event=sip_no_flow dialled=\"{}\"", maskPhone(dialled));
    countCallEnd("sip", "rejected");
    return {480, {}, 0};
  }
  stir::TrustInput input;
  input.identityHeader = call.identityHeader;
  input.assertedIdentity = call.assertedIdentity;
  input.fromHeader = call.fromHeader;
  input.sourceAddress = call.sourceAddress;
  input.callerUser = call.callerUser;
  input.dialledUser = call.dialledUser;
  input.nowEpochSeconds = toUnixMillis(clock_.now()) / 1000;
  const stir::TrustVerdict verdict = trust_.evaluate(input);

  auto media = media_.open();
  if (!media.ok()) {
    spdlog::warn("event=sip_no_media error=\"{}\"", media.error().message());
    countCallEnd("sip", "rejected");
    // Ports free up as calls end: tell the SBC when to come back (or to try another node).
    return {503, {}, 0, kNoMediaRetryAfterSeconds};
  }
  flow::CallInfo info;
  info.contactId = newContactId();
  info.customerAddress = phoneFromSipUser(call.callerUser);
  info.systemAddress = dialled;
  info.languageCode = options_.language;
  spdlog::info(
      "event=sip_call_start contact={} call_id_len={} from={} to={} transport={} attestation={} "
      "trust_source={} trust={}",
      info.contactId, call.callId.size(), maskPhone(info.customerAddress), maskPhone(dialled),
      call.transport == sip::Transport::kTcp ? "tcp" : "udp", attestationName(verdict.attestation),
      verdict.source, logValue(verdict.detail));

  std::shared_ptr<rtp::MediaSession> session = *media;
  const uint16_t port = session->localPort();
  // No media towards the SDP address until the caller confirms the call (onCallConfirmed), or
  // its own RTP comes from there: an INVITE never ACKed must not make us stream to anyone.
  rtp::MediaParams params = mediaParams(call.media);
  params.confirmed = false;
  session->start(params);
  const std::string key = call.key;
  auto run = std::make_shared<CallRun>(deps_, std::move(flow), std::move(info), verdict.attestation,
                                       std::move(leg), std::move(session), [this, key] {
                                         std::lock_guard lock(mu_);
                                         calls_.erase(key);
                                       });
  {
    std::lock_guard lock(mu_);
    calls_[key] = Call{std::move(run), params};
  }
  return {200, {}, port};
}

std::shared_ptr<CallRun> SipVoiceRuntime::find(const std::string& key) const {
  std::lock_guard lock(mu_);
  auto it = calls_.find(key);
  return it != calls_.end() ? it->second.run : nullptr;
}

void SipVoiceRuntime::onCallConfirmed(const std::string& key) {
  std::shared_ptr<CallRun> run;
  rtp::MediaParams params;
  {
    std::lock_guard lock(mu_);
    auto it = calls_.find(key);
    if (it == calls_.end()) return;
    run = it->second.run;
    params = it->second.initialParams;
  }
  // The media may flow now, from before the first prompt on. One post to the media thread for
  // both (each post from this thread wakes that one).
  params.confirmed = true;
  run->begin(params);
}

void SipVoiceRuntime::onMediaChanged(const std::string& key, const sip::NegotiatedMedia& media) {
  if (auto run = find(key)) run->mediaChanged(mediaParams(media));
}

void SipVoiceRuntime::onTransferOutcome(const std::string& key,
                                        const sip::TransferOutcome& outcome) {
  if (auto run = find(key)) run->transferOutcome(outcome);
}

void SipVoiceRuntime::onCallEnded(const std::string& key, sip::EndReason reason) {
  if (auto run = find(key)) run->ended(reason);
}

size_t SipVoiceRuntime::activeCalls() const {
  std::lock_guard lock(mu_);
  return calls_.size();
}

int SipVoiceRuntime::optionsStatus() {
  if (draining_.load()) return 503;
  std::function<bool()> ready;
  {
    std::lock_guard lock(mu_);
    ready = ready_;
  }
  return !ready || ready() ? 200 : 503;
}

void SipVoiceRuntime::drain(int retryAfterSeconds) {
  retryAfter_.store(retryAfterSeconds);
  draining_.store(true);
}

void SipVoiceRuntime::setReadyProbe(std::function<bool()> ready) {
  std::lock_guard lock(mu_);
  ready_ = std::move(ready);
}

}  // namespace callgate::sip_voice
