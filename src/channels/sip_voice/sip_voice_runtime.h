// SipVoiceRuntime: the SIP voice channel's call logic. The SipServer hands it each new INVITE;
// it picks the flow for the dialled number, decides the caller's attestation (STIR/SHAKEN
// Identity or a trusted proxy's verstat, see stir/caller_trust.h), opens the call's RTP session
// and starts a CallRun when the caller's ACK arrives. Later SIP events (re-INVITE, NOTIFY
// outcome, BYE/CANCEL) are routed to the call by its dialog's key (IncomingCall::key): calls may
// share a Call-ID, and each ends only with its own BYE.
//
// Flows come from a FlowCatalogSource read once per INVITE, so a reload (SIGHUP) changes the flow
// of the calls that start after it and never of a call in progress. Lifecycle: drain() refuses new
// calls with 503 + Retry-After and lets the calls in progress go on (activeCalls() counts them);
// OPTIONS probes get 503 while draining or while the `ready` probe given to setReadyProbe() says
// no (serve's Readiness: listeners, database, flows).
//
// Threads: the CallHandler methods run on the SIP thread and never block (the trust check is
// local crypto only; the RTP socket bind is non-blocking). Each call then runs on its media
// executor; functions and prompt rendering run on this runtime's worker pool.
// Ownership: borrows the media engine, prompt library, trust checker, function registry and
// random source, which must outlive it; owns the worker pool and the calls. Destroy the
// SipServer first (it ends the calls), then this.
#pragma once

#include <atomic>
#include <boost/asio/thread_pool.hpp>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "adapters/net/rtp/media_engine.h"
#include "adapters/security/stir/caller_trust.h"
#include "channels/sip_voice/call_run.h"
#include "core/flow/flow_catalog.h"
#include "core/flow/flow_catalog_source.h"
#include "core/ports.h"

namespace callgate::sip_voice {

class SipVoiceRuntime : public sip::CallHandler {
 public:
  SipVoiceRuntime(std::shared_ptr<flow::FlowCatalogSource> flows, SipVoiceOptions options,
                  rtp::MediaEngine& media, PromptRenderer prompts, const stir::CallerTrust& trust,
                  const FunctionRegistry& functions, Clock& clock, Random& random,
                  int workerThreads);
  // A fixed catalog (never reloaded).
  SipVoiceRuntime(flow::FlowCatalog flows, SipVoiceOptions options, rtp::MediaEngine& media,
                  PromptRenderer prompts, const stir::CallerTrust& trust,
                  const FunctionRegistry& functions, Clock& clock, Random& random,
                  int workerThreads);
  ~SipVoiceRuntime() override;

  sip::Acceptance onIncomingCall(const sip::IncomingCall& call,
                                 std::shared_ptr<sip::CallLeg> leg) override;
  void onCallConfirmed(const std::string& key) override;
  void onMediaChanged(const std::string& key, const sip::NegotiatedMedia& media) override;
  void onTransferOutcome(const std::string& key, const sip::TransferOutcome& outcome) override;
  void onCallEnded(const std::string& key, sip::EndReason reason) override;
  int optionsStatus() override;

  size_t activeCalls() const;

  // From now on every new INVITE gets 503 with Retry-After: `retryAfterSeconds`. Irreversible.
  void drain(int retryAfterSeconds);
  bool draining() const { return draining_.load(); }
  // Asked (on the SIP thread: it must not block) for each OPTIONS probe; unset = ready.
  void setReadyProbe(std::function<bool()> ready);
  flow::FlowCatalogSource& flowSource() { return *flows_; }

 private:
  std::shared_ptr<CallRun> find(const std::string& key) const;
  std::string newContactId();
  // phoneFromSipUser(dialled user), remembered: a node answers a handful of numbers, and the
  // libphonenumber check costs ~40 µs of every call setup (docs/PERFORMANCE.md). The caller's
  // number is checked on every call (callers do not repeat like that). SIP thread only.
  const std::string& dialledNumber(const std::string& user);

  std::shared_ptr<flow::FlowCatalogSource> flows_;
  SipVoiceOptions options_;
  rtp::MediaEngine& media_;
  const stir::CallerTrust& trust_;
  Clock& clock_;
  Random& random_;
  boost::asio::thread_pool workers_;
  std::optional<boost::asio::thread_pool> speechWorkers_;  // with a recogniser only
  CallDeps deps_;

  static constexpr size_t kDialledCacheEntries = 1024;    // then it starts over
  std::unordered_map<std::string, std::string> dialled_;  // SIP thread only

  std::atomic<bool> draining_{false};
  std::atomic<int> retryAfter_{0};

  struct Call {
    std::shared_ptr<CallRun> run;    // holds the call's media session
    rtp::MediaParams initialParams;  // what the INVITE's SDP negotiated
  };
  mutable std::mutex mu_;
  std::map<std::string, Call> calls_;  // by IncomingCall::key
  std::function<bool()> ready_;        // guarded by mu_
};

// The E.164 form of a SIP user part ("+14155550100", "14155550100", "tel" digits with visual
// separators); the text unchanged when it is not a phone number (the functions then refuse it).
std::string phoneFromSipUser(const std::string& user);

// sip's negotiated media as rtp's parameters.
rtp::MediaParams mediaParams(const sip::NegotiatedMedia& media);

}  // namespace callgate::sip_voice
