// TwilioVoiceRuntime: the Twilio voice channel. Each webhook request is one step of a call: the
// call's flow Session is restored from the VoiceSessionStore, fed what Twilio reported, run to the
// next point where it waits for the caller (TurnRunner), and parked again; so any callgate node
// sharing the store can take the next request.
//
// Exactly once per step. A Gather's action URL names the step (?step=N, N = the record's
// version). A request first *claims* its step with a compare-and-set (version N -> N+1, response
// emptied) and only then runs functions (an SMS is sent once, a code checked once); it saves the
// outcome and its TwiML with another compare-and-set. A duplicate or retried request (same step,
// or an incoming call whose CallSid is known) gets the saved TwiML again and changes nothing; one
// that arrives while the step is still being worked on is told to pause and come back (a
// <Redirect> to the same URL), and a claim older than busyTimeout is presumed lost and the call
// is ended politely. A call that hangs up or is transferred and finished is deleted; stale ones
// expire after sessionTtl.
//
// Store outages. Whenever the VoiceSessionStore fails (the database is away), the request still
// gets valid TwiML: the incoming call and any Gather are told kCannotVerifyText and dialled to the
// default agent (or the only queue) unauthenticated, or told there is no agent and hung up; a
// whisper speaks the unverified verdict; status callbacks answer as usual. Nothing is parked for
// such a call. A step whose result cannot be saved while the call would wait for the caller gets
// the same fail-safe answer instead (the next request could not continue it).
//
// At rest. The row's state (the flow snapshot, which may hold what the caller keyed and customer
// attributes) and saved TwiML are sealed with `cipher` (see parked_call.h: a key derived from the
// OTP secret, the row's id and CallSid as associated data); a row that does not open is treated
// like a lost session and the call ends politely. Rotating the OTP secret ends calls in progress.
// The caller's previous entry is dropped from the snapshot once nothing can read it again.
//
// Reload and drain. Flows come from a FlowCatalogSource: a new call reads current() once; a
// parked call is restored against the catalog holding its flow's name *and* the fingerprint its
// snapshot was taken from (FlowCatalogSource::withFlow), so a reload never changes the flow of a
// call in progress; a call whose flow version is no longer kept ends politely. drain() answers
// every new call (a CallSid without a session) with <Reject reason="busy"/>, Twilio's documented
// way to refuse a call unanswered and unbilled, and keeps serving the calls in progress.
// activeCalls() counts the calls this node has served a step of and whose flow has not ended
// (a call silent for kIdleBound is not counted any more: the caller is gone or another node took
// it), plus transferred calls for kTransferGrace or until their whisper or <Dial> status arrives.
//
// Ownership: borrows the store, cipher, registry, clock and random, which must outlive it.
// Thread-safety: all methods may run concurrently (they share only thread-safe ports).
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "adapters/security/crypto/state_cipher.h"
#include "channels/twilio_voice/voice_turn.h"
#include "channels/twilio_voice/webhook.h"
#include "core/flow/flow_catalog.h"
#include "core/flow/flow_catalog_source.h"
#include "core/ports.h"

namespace callgate::twilio_voice {

using VoiceFlows = flow::FlowCatalog;

struct VoiceReply {
  int status = 200;  // 200 with TwiML, or an error status with `body` as the reason
  std::string body;
  std::string logFields;  // logfmt for the access log: contact, session, outcome
};

class TwilioVoiceRuntime {
 public:
  static constexpr Seconds kIdleBound{120};
  static constexpr Seconds kTransferGrace{60};

  TwilioVoiceRuntime(std::shared_ptr<flow::FlowCatalogSource> flows, VoiceOptions options,
                     VoiceSessionStore& sessions, const StateCipher& cipher,
                     const FunctionRegistry& functions, Clock& clock, Random& random);
  // A fixed catalog (never reloaded).
  TwilioVoiceRuntime(VoiceFlows flows, VoiceOptions options, VoiceSessionStore& sessions,
                     const StateCipher& cipher, const FunctionRegistry& functions, Clock& clock,
                     Random& random);

  // `baseUrl` is the public URL prefix the callback URLs start with, e.g.
  // "https://callgate.example.com" (no trailing slash).

  // POST /twilio/voice: a call came in; starts the flow for the dialled number.
  VoiceReply incoming(const VoiceWebhook& hook, const std::string& baseUrl);
  // POST /twilio/voice/{session}/gather?step=N: the caller's input (Digits or SpeechResult), or
  // nothing (the no-input <Redirect>).
  VoiceReply gather(const std::string& sessionId, int64_t step, const VoiceWebhook& hook,
                    const std::string& baseUrl);
  // POST /twilio/voice/{session}/whisper: spoken to the agent on a <Number> before bridging.
  VoiceReply whisper(const std::string& sessionId, const VoiceWebhook& hook);
  // POST /twilio/voice/{session}/status: the <Dial> action (DialCallStatus) or a status callback
  // (CallStatus) for this call; ends and deletes the session.
  VoiceReply sessionStatus(const std::string& sessionId, const VoiceWebhook& hook);
  // POST /twilio/voice/status: the phone number's call-status callback, found by CallSid.
  VoiceReply callStatus(const VoiceWebhook& hook);

  const VoiceOptions& options() const { return options_; }
  flow::FlowCatalogSource& flowSource() { return *flows_; }

  // From now on new calls are refused (see above). Irreversible.
  void drain() { draining_.store(true); }
  bool draining() const { return draining_.load(); }
  size_t activeCalls() const;

 private:
  // The flow `record` was parked with, from the catalog that has its version; null if none.
  std::shared_ptr<const flow::Flow> parkedFlow(const VoiceSessionRecord& record,
                                               const nlohmann::json& snapshot) const;
  // The call is this node's until `until` (see activeCalls()).
  void holdCall(const std::string& callSid, TimePoint until);
  void releaseCall(const std::string& callSid);

  VoiceReply replay(const VoiceSessionRecord& record, const std::string& retryUrl);
  VoiceReply finishTurn(VoiceSessionRecord record, const flow::Session& session, const Turn& turn,
                        Attestation attestation, const std::string& baseUrl, TimePoint startedAt);
  // The store failed at `op`: one warn line, and the fail-safe TwiML (TurnRunner::failSafe) so
  // that Twilio never plays its "application error" to the caller.
  VoiceReply failSafe(const Error& e, const std::string& callSid, const std::string& baseUrl,
                      const char* op, const std::string& flowQueue = "");
  VoiceReply endCall(const VoiceSessionRecord& record, const std::string& why);
  void hangUpParked(const VoiceSessionRecord& record);
  std::string newSessionId();
  std::string sessionUrl(const std::string& baseUrl, const std::string& id) const;
  std::string say(const std::string& text) const;

  std::shared_ptr<flow::FlowCatalogSource> flows_;
  VoiceOptions options_;
  VoiceSessionStore& sessions_;
  const StateCipher& cipher_;
  Clock& clock_;
  Random& random_;
  TurnRunner runner_;
  std::atomic<bool> draining_{false};
  mutable std::mutex liveMu_;
  mutable std::map<std::string, TimePoint> live_;  // CallSid -> counted until; liveMu_
};

}  // namespace callgate::twilio_voice
