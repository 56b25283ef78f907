#include "channels/twilio_voice/voice_runtime.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <array>

#include "channels/common/call_metrics.h"
#include "channels/common/fail_safe.h"
#include "channels/twilio_voice/parked_call.h"
#include "channels/twilio_voice/twiml.h"
#include "channels/twilio_voice/voice_input.h"
#include "common/log_value.h"
#include "common/metrics_catalog.h"
#include "core/phone.h"
#include "core/verdict.h"

namespace callgate::twilio_voice {

namespace {

constexpr const char* kLostText =
    "Sorry, something went wrong with this call. Please call back. Goodbye.";
constexpr const char* kDialFailedText =
    "Sorry, no agent could take your call right now. Please call back later. Goodbye.";

std::string hangupTwiml() { return TwimlWriter().empty("Hangup").finish(); }
std::string emptyTwiml() { return TwimlWriter().finish(); }

std::string fields(const std::string& callSid, const std::string& sessionId,
                   const std::string& outcome) {
  return "contact=" + (callSid.empty() ? std::string("-") : callSid) +
         " session=" + (sessionId.empty() ? std::string("-") : sessionId) + " outcome=" + outcome;
}

VoiceReply ok(std::string twiml, std::string logFields) {
  return {200, std::move(twiml), std::move(logFields)};
}

void logStoreFailure(const Error& e, const std::string& callSid, const char* op) {
  spdlog::warn("event=twilio_store_unavailable contact={} op={} code={} error=\"{}\"", callSid, op,
               errorCodeName(e.code()), e.message());
}

Attestation attestationOf(const std::string& verstat, const std::string& callSid) {
  auto parsed = parseAttestation(verstat);
  if (parsed.ok()) return *parsed;
  // -Diverted / -Passthrough variants and anything new: not vouched for on this leg; the
  // secure reading is no attestation.
  spdlog::info("event=twilio_verstat_unrecognised contact={} verstat={}", callSid,
               logValue(verstat, 64));
  return Attestation::kNone;
}

// A call's webhooks may reach different nodes: each node counts the starts and ends it saw, so
// callgate_active_calls{channel="twilio"} is right summed over the cluster, not per node.
// A turn's end as callgate_calls_total counts it: a fail-safe transfer (a dependency failed) or
// a call that found no agent is an error even though the caller heard an apology.
std::string_view endOutcome(const Turn& turn) {
  if (turn.outcome == "transfer") return "transferred";
  if (turn.outcome == "hangup") return "hangup";
  return "error";
}

void callStarted() { metrics::activeCalls().with({"twilio"}).add(); }
void callEnded(std::string_view outcome) {
  countCallEnd("twilio", outcome);
  metrics::activeCalls().with({"twilio"}).sub();
}

}  // namespace

TwilioVoiceRuntime::TwilioVoiceRuntime(VoiceFlows flows, VoiceOptions options,
                                       VoiceSessionStore& sessions, const StateCipher& cipher,
                                       const FunctionRegistry& functions, Clock& clock,
                                       Random& random)
    : TwilioVoiceRuntime(std::make_shared<flow::FlowCatalogSource>(std::move(flows)),
                         std::move(options), sessions, cipher, functions, clock, random) {}

TwilioVoiceRuntime::TwilioVoiceRuntime(std::shared_ptr<flow::FlowCatalogSource> flows,
                                       VoiceOptions options, VoiceSessionStore& sessions,
                                       const StateCipher& cipher, const FunctionRegistry& functions,
                                       Clock& clock, Random& random)
    : flows_(std::move(flows)),
      options_(std::move(options)),
      sessions_(sessions),
      cipher_(cipher),
      clock_(clock),
      random_(random),
      runner_(functions, options_) {}

std::string TwilioVoiceRuntime::newSessionId() {
  std::array<uint8_t, 16> bytes{};
  random_.fill(bytes);
  char text[sodium_base64_ENCODED_LEN(16, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(text, sizeof text, bytes.data(), bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return text;
}

std::string TwilioVoiceRuntime::sessionUrl(const std::string& baseUrl,
                                           const std::string& id) const {
  return baseUrl + "/twilio/voice/" + id;
}

std::string TwilioVoiceRuntime::say(const std::string& text) const {
  XmlAttributes attrs;
  if (!options_.voice.empty()) attrs.emplace_back("voice", options_.voice);
  attrs.emplace_back("language", options_.language);
  return TwimlWriter().element("Say", attrs, text).empty("Hangup").finish();
}

VoiceReply TwilioVoiceRuntime::incoming(const VoiceWebhook& hook, const std::string& baseUrl) {
  const TimePoint now = clock_.now();
  auto existing = sessions_.findByCallSid(hook.callSid, now);
  if (existing.ok() && *existing) return replay(**existing, baseUrl + "/twilio/voice");
  if (draining_.load()) {
    spdlog::info("event=twilio_call_refused contact={} reason=draining", hook.callSid);
    return ok(TwimlWriter().empty("Reject", {{"reason", "busy"}}).finish(),
              fields(hook.callSid, "", "refused-draining"));
  }
  if (!existing.ok()) return failSafe(existing.error(), hook.callSid, baseUrl, "find");
  if (auto purged = sessions_.removeExpired(now); !purged.ok()) {
    spdlog::warn("event=twilio_purge_failed code={} error=\"{}\"",
                 errorCodeName(purged.error().code()), purged.error().message());
  } else if (*purged > 0) {
    spdlog::info("event=twilio_sessions_expired count={}", *purged);
  }

  // Read once: the call keeps this catalog's flow even if a reload replaces it meanwhile.
  const std::shared_ptr<const flow::FlowCatalog> flows = flows_->current();
  std::string flowName = flows->defaultFlow;
  if (auto it = flows->byNumber.find(hook.to); it != flows->byNumber.end()) flowName = it->second;
  auto flowIt = flows->byName.find(flowName);
  if (flowIt == flows->byName.end()) {
    spdlog::error("event=twilio_no_flow contact={} flow=\"{}\"", hook.callSid, flowName);
    countCallEnd("twilio", "rejected");
    return ok(say(kLostText), fields(hook.callSid, "", "no-flow"));
  }
  const Attestation attestation = attestationOf(hook.stirVerstat, hook.callSid);

  VoiceSessionRecord record;
  record.id = newSessionId();
  record.callSid = hook.callSid;
  record.flow = flowName;
  record.version = 1;  // claimed: step 1 is being worked on
  record.updatedAt = now;
  record.expiresAt = now + options_.sessionTtl;
  if (Status s = sessions_.insert(record); !s.ok()) {
    if (s.error().code() == ErrorCode::kAlreadyExists) {
      // The same call delivered twice at once: the other request owns it.
      auto winner = sessions_.findByCallSid(hook.callSid, now);
      if (winner.ok() && *winner) return replay(**winner, baseUrl + "/twilio/voice");
    }
    return failSafe(s.error(), hook.callSid, baseUrl, "insert");
  }
  spdlog::info(
      "event=call_start contact={} channel=twilio session={} from={} to={} attestation={} "
      "flow=\"{}\"",
      hook.callSid, record.id, maskPhone(hook.from), maskPhone(hook.to),
      attestationName(attestation), flowName);
  callStarted();

  flow::CallInfo info;
  info.contactId = hook.callSid;
  info.customerAddress = hook.from;
  info.systemAddress = hook.to;
  info.languageCode = options_.language;
  holdCall(hook.callSid, now + kIdleBound);
  flow::Session session(flowIt->second, info);
  const flow::Action first = session.start();
  const Turn turn = runner_.run(session, first,
                                {hook.callSid, attestation, sessionUrl(baseUrl, record.id),
                                 record.version, hook.from, hook.to, now});
  return finishTurn(std::move(record), session, turn, attestation, baseUrl, now);
}

VoiceReply TwilioVoiceRuntime::gather(const std::string& sessionId, int64_t step,
                                      const VoiceWebhook& hook, const std::string& baseUrl) {
  const TimePoint now = clock_.now();
  auto found = sessions_.find(sessionId, now);
  if (!found.ok()) return failSafe(found.error(), hook.callSid, baseUrl, "find");
  if (!*found) {
    spdlog::info("event=twilio_session_gone contact={} session={}", hook.callSid, sessionId);
    return ok(hangupTwiml(), fields(hook.callSid, sessionId, "gone"));
  }
  VoiceSessionRecord record = std::move(**found);
  if (record.callSid != hook.callSid) {
    spdlog::warn("event=twilio_session_mismatch contact={} session={}", hook.callSid, sessionId);
    return {400, "the session belongs to another call",
            fields(hook.callSid, sessionId, "mismatch")};
  }
  const std::string retryUrl = TurnRunner::gatherUrl(sessionUrl(baseUrl, sessionId), step);
  if (step != record.version || record.response.empty()) return replay(record, retryUrl);

  // Claim the step before anything with side effects runs.
  VoiceSessionRecord claimed = record;
  claimed.version = record.version + 1;
  claimed.response.clear();
  claimed.updatedAt = now;
  claimed.expiresAt = now + options_.sessionTtl;
  auto won = sessions_.update(claimed, record.version);
  if (!won.ok()) return failSafe(won.error(), hook.callSid, baseUrl, "claim");
  if (!*won) {
    auto latest = sessions_.find(sessionId, now);
    if (latest.ok() && *latest) return replay(**latest, retryUrl);
    return ok(hangupTwiml(), fields(hook.callSid, sessionId, "gone"));
  }

  auto parked = openState(cipher_, record);
  if (!parked.ok()) return endCall(claimed, parked.error().message());
  std::shared_ptr<const flow::Flow> parkedWith = parkedFlow(record, parked->session);
  if (!parkedWith) {
    return endCall(claimed, "the version of flow '" + record.flow +
                                "' this call started with is not loaded on this node");
  }
  holdCall(hook.callSid, now + kIdleBound);
  auto restored = flow::Session::restore(parkedWith, parked->session);
  if (!restored.ok()) return endCall(claimed, restored.error().message());
  flow::Session session = std::move(*restored);
  const auto pending = session.pendingAction();
  const auto* collect = pending ? std::get_if<flow::CollectDigits>(&*pending) : nullptr;
  const auto* recognize = pending ? std::get_if<flow::RecognizeIntent>(&*pending) : nullptr;
  if (collect == nullptr && recognize == nullptr) {
    return endCall(claimed, "the parked call is not waiting for input");
  }
  const flow::Action next = session.handle(
      collect ? inputEvent(hook, *collect, speechOffered(options_.speech, *collect), hook.callSid)
              : intentEvent(hook, *recognize, hook.callSid));
  const Turn turn = runner_.run(session, next,
                                {hook.callSid, parked->attestation, sessionUrl(baseUrl, sessionId),
                                 claimed.version, hook.from, hook.to, parked->startedAt});
  return finishTurn(std::move(claimed), session, turn, parked->attestation, baseUrl,
                    parked->startedAt);
}

VoiceReply TwilioVoiceRuntime::failSafe(const Error& e, const std::string& callSid,
                                        const std::string& baseUrl, const char* op,
                                        const std::string& flowQueue) {
  logStoreFailure(e, callSid, op);
  // The <Dial> callbacks need a session URL; this one is never stored, so whisper and status
  // find nothing there and answer without a verdict (see whisper() and sessionStatus()).
  const std::string id = newSessionId();
  const Turn turn = runner_.failSafe(
      {callSid, Attestation::kNone, sessionUrl(baseUrl, id), 0, "", "", {}}, flowQueue);
  spdlog::info("event=call_end contact={} channel=twilio outcome={} authenticated=False", callSid,
               turn.outcome);
  // The verdict clock is SIP's only: Twilio's turns keep no answer time (-1).
  if (turn.end == Turn::End::kTransferred) countVerdict("twilio", turn.agentAttributes, -1);
  // "insert" fails at the call's first webhook, before it counted as started.
  if (std::string_view(op) == "insert") {
    countCallEnd("twilio", "error");
  } else {
    callEnded("error");
  }
  return ok(turn.twiml, fields(callSid, id, turn.outcome));
}

VoiceReply TwilioVoiceRuntime::finishTurn(VoiceSessionRecord record, const flow::Session& session,
                                          const Turn& turn, Attestation attestation,
                                          const std::string& baseUrl, TimePoint startedAt) {
  const std::string logFields = fields(record.callSid, record.id, turn.outcome);
  if (turn.end == Turn::End::kDisconnected) {
    releaseCall(record.callSid);
    if (Status s = sessions_.remove(record.id); !s.ok()) {
      spdlog::warn("event=twilio_session_delete_failed session={} error=\"{}\"", record.id,
                   s.error().message());
    }
    spdlog::info("event=call_end contact={} channel=twilio outcome={}", record.callSid,
                 turn.outcome);
    callEnded(endOutcome(turn));
    return ok(turn.twiml, logFields);
  }
  ParkedCall parked;
  parked.attestation = attestation;
  parked.startedAt = startedAt;
  if (turn.end == Turn::End::kTransferred) {
    // Only the verdict is kept: the snapshot (with the last entry typed) is no longer needed.
    parked.transferred = true;
    parked.agent = turn.agentAttributes;
    // The flow is over; the whisper and the <Dial> status still come here (see activeCalls()).
    holdCall(record.callSid, clock_.now() + kTransferGrace);
    spdlog::info("event=call_end contact={} channel=twilio outcome=transfer authenticated={}",
                 record.callSid, verdictValue(turn.agentAttributes, kAuthenticatedKey));
    countVerdict("twilio", turn.agentAttributes, -1);
    callEnded(endOutcome(turn));
  } else {
    parked.session = snapshotForParking(session);
  }
  const TimePoint now = clock_.now();
  record.state = sealState(cipher_, record, parked);
  record.response = sealResponse(cipher_, record, turn.twiml);
  record.updatedAt = now;
  record.expiresAt = now + options_.sessionTtl;
  auto saved = sessions_.update(record, record.version);
  if (!saved.ok()) {
    // A transfer already carries its verdict (backed by what the functions stored) and needs
    // nothing parked: the whisper finds no verdict and says so. A call waiting for the caller
    // could not be continued by the next request: it goes to the agent unauthenticated now.
    if (turn.end == Turn::End::kWaiting) {
      return failSafe(saved.error(), record.callSid, baseUrl, "save", session.state().queue);
    }
    logStoreFailure(saved.error(), record.callSid, "save");
  } else if (!*saved) {
    spdlog::warn(
        "event=twilio_session_lost contact={} session={} reason=\"taken over or ended meanwhile\"",
        record.callSid, record.id);
  }
  return ok(turn.twiml, logFields);
}

VoiceReply TwilioVoiceRuntime::replay(const VoiceSessionRecord& record,
                                      const std::string& retryUrl) {
  if (!record.response.empty()) {
    auto twiml = openResponse(cipher_, record);
    if (!twiml.ok()) return endCall(record, twiml.error().message());
    spdlog::info("event=twilio_replay contact={} session={} version={}", record.callSid, record.id,
                 record.version);
    return ok(std::move(*twiml), fields(record.callSid, record.id, "replay"));
  }
  if (clock_.now() - record.updatedAt > options_.busyTimeout) {
    return endCall(record, "a step was claimed and never finished");
  }
  // The same step is being worked on right now (Twilio retried a slow request): come back soon.
  std::string twiml = TwimlWriter()
                          .empty("Pause", {{"length", "1"}})
                          .element("Redirect", {{"method", "POST"}}, retryUrl)
                          .finish();
  return ok(std::move(twiml), fields(record.callSid, record.id, "busy"));
}

VoiceReply TwilioVoiceRuntime::endCall(const VoiceSessionRecord& record, const std::string& why) {
  spdlog::error("event=twilio_session_broken contact={} session={} error=\"{}\"", record.callSid,
                record.id, why);
  releaseCall(record.callSid);
  (void)sessions_.remove(record.id);
  callEnded("error");
  return ok(say(kLostText), fields(record.callSid, record.id, "error"));
}

void TwilioVoiceRuntime::hangUpParked(const VoiceSessionRecord& record) {
  releaseCall(record.callSid);
  auto parked = openState(cipher_, record);
  if (!parked.ok()) {
    spdlog::warn("event=twilio_session_unreadable contact={} session={} error=\"{}\"",
                 record.callSid, record.id, parked.error().message());
  } else if (!parked->transferred) {
    if (auto parkedWith = parkedFlow(record, parked->session)) {
      auto restored = flow::Session::restore(parkedWith, parked->session);
      if (restored.ok()) {
        (void)restored->handle(flow::CallerHungUp{});
        for (const auto& step : restored->drainSteps()) {
          spdlog::info("event=flow_step contact={} action={} type={} outcome={}", record.callSid,
                       step.actionId, step.type, step.outcome);
        }
      }
    }
    spdlog::info("event=call_end contact={} channel=twilio outcome=hangup", record.callSid);
    callEnded("abandoned");
  }
  if (Status s = sessions_.remove(record.id); !s.ok()) {
    spdlog::warn("event=twilio_session_delete_failed session={} error=\"{}\"", record.id,
                 s.error().message());
  }
}

VoiceReply TwilioVoiceRuntime::whisper(const std::string& sessionId, const VoiceWebhook& hook) {
  auto found = sessions_.find(sessionId, clock_.now());
  std::string sentence = "callgate has no verdict for this call.";
  if (!found.ok()) {
    // The verdict cannot be read: the agent hears the unverified one, never nothing.
    logStoreFailure(found.error(), hook.callSid, "find");
    sentence = verdictSentence(unverifiedAttributes());
  } else if (*found) {
    const VoiceSessionRecord& record = **found;
    if (!hook.parentCallSid.empty() && hook.parentCallSid != record.callSid) {
      return {400, "the session belongs to another call",
              fields(hook.callSid, sessionId, "mismatch")};
    }
    auto parked = openState(cipher_, record);
    if (!parked.ok()) {
      spdlog::warn("event=twilio_session_unreadable contact={} session={} error=\"{}\"",
                   record.callSid, record.id, parked.error().message());
    } else if (parked->transferred) {
      sentence = verdictSentence(parked->agent);
    }
  }
  releaseCall(hook.parentCallSid.empty() ? hook.callSid : hook.parentCallSid);
  XmlAttributes attrs;
  if (!options_.voice.empty()) attrs.emplace_back("voice", options_.voice);
  attrs.emplace_back("language", options_.language);
  return ok(TwimlWriter().element("Say", attrs, sentence).finish(),
            fields(hook.callSid, sessionId, "whisper"));
}

VoiceReply TwilioVoiceRuntime::sessionStatus(const std::string& sessionId,
                                             const VoiceWebhook& hook) {
  auto found = sessions_.find(sessionId, clock_.now());
  // Without the store the parked call cannot be cleaned up (it expires), but the caller still
  // gets the end of the <Dial>.
  if (!found.ok()) logStoreFailure(found.error(), hook.callSid, "find");
  const bool dialEnded = !hook.dialCallStatus.empty();
  const bool over = dialEnded || isFinalCallStatus(hook.callStatus);
  if (found.ok() && *found) {
    if ((**found).callSid != hook.callSid) {
      return {400, "the session belongs to another call",
              fields(hook.callSid, sessionId, "mismatch")};
    }
    if (over) hangUpParked(**found);
  }
  if (over) releaseCall(hook.callSid);
  if (!dialEnded) return ok(emptyTwiml(), fields(hook.callSid, sessionId, "status"));
  spdlog::info("event=twilio_dial_end contact={} dial_status={}", hook.callSid,
               hook.dialCallStatus.substr(0, 32));
  if (hook.dialCallStatus == "completed" || hook.dialCallStatus == "answered") {
    return ok(hangupTwiml(), fields(hook.callSid, sessionId, "dial-completed"));
  }
  return ok(say(kDialFailedText), fields(hook.callSid, sessionId, "dial-failed"));
}

VoiceReply TwilioVoiceRuntime::callStatus(const VoiceWebhook& hook) {
  if (!isFinalCallStatus(hook.callStatus))
    return ok(emptyTwiml(), fields(hook.callSid, "", "status"));
  releaseCall(hook.callSid);
  auto found = sessions_.findByCallSid(hook.callSid, clock_.now());
  if (!found.ok()) {
    // Twilio ignores what a status callback answers; the parked call expires.
    logStoreFailure(found.error(), hook.callSid, "find");
    return ok(emptyTwiml(), fields(hook.callSid, "", "unavailable"));
  }
  if (*found) hangUpParked(**found);
  return ok(emptyTwiml(), fields(hook.callSid, *found ? (**found).id : "", "ended"));
}

std::shared_ptr<const flow::Flow> TwilioVoiceRuntime::parkedFlow(
    const VoiceSessionRecord& record, const nlohmann::json& snapshot) const {
  // The snapshot names the fingerprint of the flow it was taken from (Session::snapshot()).
  const auto fingerprint = snapshot.is_object() ? snapshot.find("flow") : snapshot.end();
  if (fingerprint == snapshot.end() || !fingerprint->is_string()) {
    // Unreadable: the current flow of that name, whose restore() then says what is wrong.
    auto current = flows_->current();
    auto it = current->byName.find(record.flow);
    return it != current->byName.end() ? it->second : nullptr;
  }
  auto catalog = flows_->withFlow(record.flow, fingerprint->get<std::string>());
  return catalog ? catalog->byName.at(record.flow) : nullptr;
}

void TwilioVoiceRuntime::holdCall(const std::string& callSid, TimePoint until) {
  std::lock_guard lock(liveMu_);
  live_[callSid] = until;
}

void TwilioVoiceRuntime::releaseCall(const std::string& callSid) {
  std::lock_guard lock(liveMu_);
  live_.erase(callSid);
}

size_t TwilioVoiceRuntime::activeCalls() const {
  const TimePoint now = clock_.now();
  std::lock_guard lock(liveMu_);
  size_t n = 0;
  for (auto it = live_.begin(); it != live_.end();) {
    if (it->second <= now) {
      it = live_.erase(it);  // mutable bookkeeping: forgetting a stale call changes no answer
    } else {
      ++n;
      ++it;
    }
  }
  return n;
}

}  // namespace callgate::twilio_voice
