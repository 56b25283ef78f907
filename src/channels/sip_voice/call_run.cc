#include "channels/sip_voice/call_run.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <utility>

#include "channels/common/agent_route.h"
#include "channels/common/fail_safe.h"
#include "channels/common/flow_channel.h"
#include "channels/sip_voice/call_run_work.h"
#include "channels/sip_voice/verdict_headers.h"
#include "common/metrics_catalog.h"
#include "common/overloaded.h"
#include "core/flow/lex_bot.h"
#include "core/phone.h"

namespace callgate::sip_voice {

namespace {

constexpr const char* kNoAgentText =
    "Sorry, we cannot connect your call right now. Please call back later. Goodbye.";
constexpr std::size_t kMaxTypeAhead = 32;
// Keys a Lex bot block takes before '#' (an account number keyed instead of said).
constexpr int kMaxIntentKeys = 32;

const char* endReasonName(sip::EndReason reason) {
  switch (reason) {
    case sip::EndReason::kCallerHungUp:
      return "caller-hung-up";
    case sip::EndReason::kWeHungUp:
      return "we-hung-up";
    case sip::EndReason::kCancelled:
      return "cancelled";
    case sip::EndReason::kAckTimeout:
      return "ack-timeout";
    case sip::EndReason::kTransferred:
      return "transferred";
    case sip::EndReason::kTimeout:
      return "peer-timeout";
    case sip::EndReason::kShutdown:
      return "shutdown";
  }
  return "unknown";
}

}  // namespace

CallRun::CallRun(const CallDeps& deps, std::shared_ptr<const flow::Flow> flow, flow::CallInfo info,
                 Attestation attestation, std::shared_ptr<sip::CallLeg> leg,
                 std::shared_ptr<rtp::MediaSession> media, std::function<void()> finished)
    : deps_(deps),
      session_(std::move(flow), std::move(info)),
      attestation_(attestation),
      startedAt_(std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now())),
      leg_(std::move(leg)),
      media_(std::move(media)),
      finished_(std::move(finished)),
      timer_(media_->executor()),
      endpointer_(deps.options.endpointer) {}

void CallRun::begin(std::optional<rtp::MediaParams> media) {
  post([self = shared_from_this(), media = std::move(media)] {
    if (media && !self->over()) self->media_->update(*media);  // before the first prompt
    if (self->phase_ != Phase::kNew) return;
    self->phase_ = Phase::kRunning;
    self->metrics_.answered();
    std::weak_ptr<CallRun> weak = self;
    self->media_->onDigit([weak](char key) {
      if (auto s = weak.lock()) s->digit(key);
    });
    // With speech on, the endpointer learns the line from the first audio (the greeting),
    // so steady noise is known before the first input listens.
    if (self->deps_.options.recognizer != nullptr) self->openTap();
    self->perform(self->session_.start());
  });
}

void CallRun::mediaChanged(const rtp::MediaParams& params) {
  post([self = shared_from_this(), params] {
    if (!self->over()) self->media_->update(params);
  });
}

void CallRun::transferOutcome(const sip::TransferOutcome& outcome) {
  post([self = shared_from_this(), outcome] {
    if (self->phase_ != Phase::kTransferring) return;
    self->phase_ = Phase::kRunning;
    self->timer_.cancel();
    if (!outcome.succeeded) {
      self->transferFailed("the agent side answered " + std::to_string(outcome.status));
      return;
    }
    spdlog::info("event=sip_transfer_done contact={} status={}",
                 self->session_.state().call.contactId, outcome.status);
    self->metrics_.transferred();
    self->phase_ = Phase::kLeaving;
    self->leg_->hangup();
  });
}

void CallRun::ended(sip::EndReason reason) {
  post([self = shared_from_this(), reason] {
    if (self->over()) return;
    // We were leaving (the flow hung up, or the agent took the call) unless the caller went first.
    const bool callerLeft =
        reason == sip::EndReason::kCallerHungUp || reason == sip::EndReason::kCancelled;
    self->metrics_.ended(reason == sip::EndReason::kTransferred ? "transferred"
                         : self->phase_ == Phase::kLeaving      ? "hangup"
                         : reason == sip::EndReason::kWeHungUp  ? "hangup"
                         : callerLeft                           ? "abandoned"
                                                                : "error");
    self->phase_ = Phase::kOver;
    ++self->generation_;
    self->timer_.cancel();
    if (!self->session_.finished()) self->session_.handle(flow::CallerHungUp{});
    self->logSteps();
    self->media_->close();
    spdlog::info("event=sip_call_end contact={} reason={}", self->session_.state().call.contactId,
                 endReasonName(reason));
    self->finish();
  });
}

void CallRun::finish() {
  if (auto done = std::exchange(finished_, nullptr)) done();
}

void CallRun::perform(flow::Action action) {
  if (over()) return;
  ++generation_;
  timer_.cancel();
  stopListening();
  turn_.reset();
  intent_.reset();
  recognizing_ = false;
  logSteps();
  if (auto handoff = failSafe_.divert(action, session_.state().call.contactId, failSafeQueue())) {
    metrics_.failed();
    failSafeHandoff(std::move(*handoff));
    return;
  }
  // One handler per action type: a new type does not compile until it is handled here.
  std::visit(Overloaded{
                 [this](const flow::PlayPrompt& play) {
                   playPrompt(play, [this] { feed(flow::PromptPlayed{}); });
                 },
                 [this](const flow::CollectDigits& collect) { startInput(collect); },
                 [this](const flow::InvokeFunction& call) { invoke(call); },
                 [this](const flow::TransferToQueue& t) { transfer(t); },
                 [this](const flow::TransferToNumber& t) { transfer(t); },
                 [this](const flow::RecognizeIntent& r) { startIntent(r); },
                 [this](const flow::Disconnect& d) {
                   if (d.flowError()) {
                     metrics_.failed();
                     spdlog::warn("event=sip_flow_error contact={} error=\"{}\"",
                                  session_.state().call.contactId, d.reason);
                   }
                   hangUp(d.reason);
                 },
             },
             action);
}

void CallRun::startInput(const flow::CollectDigits& collect) {
  collecting_ = collect;
  entered_.clear();
  if (collect.speech.enabled && deps_.options.recognizer != nullptr) {
    input_ = collect;
    turn_.emplace(collect, deps_.options.speechTurn);
    speechStep(turn_->start());
    return;
  }
  if (!typeAhead_.empty()) {
    // The caller already keyed ahead during an earlier prompt: skip this one.
    startCollecting();
    return;
  }
  prompting_ = true;
  playPrompt(collect.prompt, [this] {
    prompting_ = false;
    startCollecting();
  });
}

void CallRun::startIntent(const flow::RecognizeIntent& recognize) {
  intent_ = recognize;
  flow::CollectDigits keys;
  keys.prompt = recognize.prompt;
  keys.maxDigits = kMaxIntentKeys;
  keys.terminator = "#";
  keys.timeoutSeconds = recognize.timeoutSeconds;
  collecting_ = keys;
  entered_.clear();
  if (deps_.options.recognizer != nullptr) {
    input_ = keys;
    listen(speech::Listen{recognize.prompt, speech::intentGrammar(*recognize.bot), false});
    return;
  }
  if (!typeAhead_.empty()) {
    startCollecting();
    return;
  }
  prompting_ = true;
  playPrompt(recognize.prompt, [this] {
    prompting_ = false;
    startCollecting();
  });
}

void CallRun::feed(const flow::Event& event) {
  if (over()) return;
  perform(session_.handle(event));
}

void CallRun::playPrompt(const flow::PlayPrompt& prompt, std::function<void()> then) {
  if (prompt.text.empty() && prompt.promptId.empty()) {
    then();
    return;
  }
  if (const std::string& voice = session_.state().contact.ttsVoice;
      !voice.empty() && voice != loggedVoice_) {
    // UpdateContactTextToSpeechVoice: SIP speaks with flite's one voice; say so once per voice.
    loggedVoice_ = voice;
    spdlog::info(
        "event=sip_tts_voice contact={} voice=\"{}\" note=\"not available; flite's kal "
        "voice speaks\"",
        session_.state().call.contactId, voice.substr(0, 64));
  }
  const uint64_t gen = generation_;
  std::string lang = language();
  if (deps_.options.cachedPrompt) {
    if (audio::AudioPtr audio = deps_.options.cachedPrompt(prompt, lang)) {
      playAudio(gen, std::move(audio), std::move(then));
      return;
    }
  }
  postWork(deps_.workers, [self = shared_from_this(), gen, prompt, lang = std::move(lang),
                           then = std::move(then)]() mutable {
    auto audio = self->deps_.renderPrompt(prompt, lang);
    self->post([self, gen, audio = std::move(audio), then = std::move(then)]() mutable {
      if (gen != self->generation_ || self->over()) return;
      if (!audio.ok()) {
        // A missing prompt must not strand the caller: log it and carry on as if it was played.
        spdlog::warn("event=sip_prompt_error contact={} error=\"{}\"",
                     self->session_.state().call.contactId, audio.error().message());
        then();
        return;
      }
      self->playAudio(gen, std::move(*audio), std::move(then));
    });
  });
}

void CallRun::playAudio(uint64_t gen, audio::AudioPtr audio, std::function<void()> then) {
  // play() posts to this executor, so `then` never runs inside this call.
  media_->play({std::move(audio)}, /*bargeIn=*/true,
               [self = shared_from_this(), gen, then = std::move(then)](bool /*interrupted*/) {
                 if (gen != self->generation_ || self->over()) return;
                 then();
               });
}

void CallRun::startCollecting() {
  std::string keys = std::exchange(typeAhead_, {});
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (accept(keys[i])) {
      // Whatever was keyed beyond this entry belongs to the next one.
      typeAhead_ = keys.substr(i + 1);
      return;
    }
  }
  if (intent_ && !entered_.empty() && intent_->bot->keysChooseIntent(entered_)) {
    collecting_.reset();
    entryDone(std::exchange(entered_, {}));
    return;
  }
  armInputTimer();
}

bool CallRun::accept(char key) {
  const flow::CollectDigits& c = *collecting_;
  const bool terminator = !c.terminator.empty() && key == c.terminator.front();
  if (!terminator) entered_ += key;
  if (!terminator && static_cast<int>(entered_.size()) < c.maxDigits) return false;
  collecting_.reset();
  entryDone(std::exchange(entered_, {}));
  return true;
}

void CallRun::entryDone(std::string keys) {
  if (intent_) {
    flow::IntentRecognized event = flow::intentFromKeys(*intent_->bot, keys);
    spdlog::info("event=sip_intent contact={} bot=\"{}\" intent=\"{}\" source=dtmf",
                 session_.state().call.contactId, intent_->bot->name(), event.intent);
    feed(event);
    return;
  }
  if (turn_) {
    speechStep(turn_->keyed(keys));
    return;
  }
  feed(flow::DigitsCollected{std::move(keys)});
}

void CallRun::noEntry() {
  if (intent_) {
    feed(flow::InputTimedOut{});
    return;
  }
  if (turn_) {
    speechStep(turn_->noInput());
    return;
  }
  feed(flow::InputTimedOut{});
}

void CallRun::digit(char key) {
  if (ignoringCaller()) return;
  spdlog::debug("event=sip_digit contact={}", session_.state().call.contactId);  // never the key
  if (turn_ || intent_) {
    // Keys win over speech: stop listening and drop an utterance still being decoded.
    stopListening();
    recognizing_ = false;
  }
  if (collecting_ && !prompting_) {
    if (accept(key)) return;
    if (intent_ && intent_->bot->keysChooseIntent(entered_)) {
      collecting_.reset();
      entryDone(std::exchange(entered_, {}));
      return;
    }
    armInputTimer();
  } else if (typeAhead_.size() < kMaxTypeAhead) {
    typeAhead_ += key;
  }
}

void CallRun::armInputTimer() {
  const uint64_t gen = generation_;
  timer_.expires_after(std::chrono::seconds(collecting_->timeoutSeconds));
  timer_.async_wait([self = shared_from_this(), gen](const boost::system::error_code& ec) {
    if (ec || gen != self->generation_ || !self->collecting_ || self->over()) return;
    self->collecting_.reset();
    std::string digits = std::exchange(self->entered_, {});
    if (digits.empty())
      self->noEntry();
    else
      self->entryDone(std::move(digits));
  });
}

void CallRun::invoke(const flow::InvokeFunction& call) {
  Function* fn = deps_.functions.resolve(call.function);
  if (fn == nullptr) {
    failSafe_.functionFailed();
    feed(flow::FunctionFailed{"no function named " + call.function});
    return;
  }
  const uint64_t gen = generation_;
  FunctionRequest request = functionRequest(session_, attestation_, call);
  timer_.expires_after(std::chrono::seconds(call.timeoutSeconds));
  timer_.async_wait(
      [self = shared_from_this(), gen, name = call.function](const boost::system::error_code& ec) {
        if (ec || gen != self->generation_ || self->over()) return;
        spdlog::warn("event=function_timeout contact={} function={}",
                     self->session_.state().call.contactId, name);
        self->failSafe_.functionFailed();
        self->feed(flow::FunctionFailed{"timed out"});
      });
  postWork(deps_.workers, [self = shared_from_this(), gen, fn, request = std::move(request)] {
    Result<StringMap> result = invokeLogged(*fn, request);
    self->post([self, gen, result = std::move(result)]() mutable {
      if (gen != self->generation_ || self->over()) return;
      if (result.ok()) {
        self->feed(flow::FunctionCompleted{std::move(*result)});
        return;
      }
      self->failSafe_.functionFailed();
      self->feed(flow::FunctionFailed{result.error().message()});
    });
  });
}

void CallRun::transfer(const flow::TransferToQueue& t) {
  const SipVoiceOptions& o = deps_.options;
  const AgentRoute<std::string> route =
      routeToAgent(t, o.queues, o.defaultAgent.empty() ? nullptr : &o.defaultAgent);
  const std::string& contact = session_.state().call.contactId;
  if (route.target == nullptr || route.target->empty()) {
    transferFailed("no agent for queue '" + t.queue + "' and no default_agent");
    return;
  }
  const std::string& target = *route.target;
  const VerdictAttributes& attrs = route.handoff.attributes;
  spdlog::info("event=sip_transfer contact={} queue=\"{}\" target=\"{}\" authenticated={}", contact,
               t.queue, target, verdictValue(attrs, kAuthenticatedKey, kFalse));
  metrics_.verdict(attrs);
  HeaderFields headers = verdictHeaders(attrs);
  if (o.verdicts == nullptr) {
    refer(target, headers, o.transferTimeout);
    return;
  }
  // The signed verdict reads the database: minted on a worker, then the REFER goes from here.
  phase_ = Phase::kTransferring;
  const flow::CallInfo& call = session_.state().call;
  VerdictRequest request{
      VerdictChannel::kSip, leg_->callId(), target,  contact,   call.customerAddress,
      call.systemAddress,   attestation_,   t.queue, startedAt_};
  postWork(deps_.workers, [self = shared_from_this(), gen = generation_, target,
                           headers = std::move(headers), request = std::move(request)]() mutable {
    Result<IssuedVerdict> verdict = self->deps_.options.verdicts->issue(request);
    self->post([self, gen, target = std::move(target), headers = std::move(headers),
                verdict = std::move(verdict)]() mutable {
      if (gen != self->generation_ || self->over()) return;
      if (verdict.ok()) {
        // Last: it never fits the Refer-To URI's bound, so it displaces none of the display
        // headers there; the REFER's own header fields always carry it.
        headers.emplace_back(std::string(kVerdictHeader), std::move(verdict->jwt));
      } else {
        // No token is read as "not verified" by the agent side: transfer anyway.
        spdlog::error("event=verdict_failed contact={} error=\"{}\"",
                      self->session_.state().call.contactId, verdict.error().message());
      }
      self->refer(target, headers, self->deps_.options.transferTimeout);
    });
  });
}

void CallRun::transfer(const flow::TransferToNumber& t) {
  const SipVoiceOptions& o = deps_.options;
  const std::string& contact = session_.state().call.contactId;
  const std::size_t at = o.numberUri.find("{number}");
  if (at == std::string::npos) {
    transferFailed("a transfer to a phone number needs [sip] number_uri");
    return;
  }
  std::string target = o.numberUri;
  target.replace(at, std::string_view("{number}").size(), t.number);
  // Never the full number in a log line; the target holds it, so it is not logged either.
  spdlog::info("event=sip_transfer_number contact={} number={} ring_seconds={}", contact,
               maskPhone(t.number), t.timeoutSeconds);
  if (!t.callerIdNumber.empty() || !t.dtmfDigits.empty()) {
    spdlog::info(
        "event=sip_transfer_number_note contact={} note=\"caller ID and DTMF digits cannot be "
        "sent with a REFER; the gateway decides\"",
        contact);
  }
  // The ring time bounds the wait for the final NOTIFY; 0 (Connect: no limit) keeps the default.
  refer(target, {},
        t.timeoutSeconds > 0 ? std::chrono::seconds(t.timeoutSeconds) : o.transferTimeout);
}

void CallRun::refer(const std::string& target, const HeaderFields& headers,
                    std::chrono::seconds guard) {
  phase_ = Phase::kTransferring;
  leg_->refer(target, headers);
  const uint64_t gen = generation_;
  timer_.expires_after(guard);
  timer_.async_wait([self = shared_from_this(), gen](const boost::system::error_code& ec) {
    if (ec || gen != self->generation_ || self->phase_ != Phase::kTransferring) return;
    self->phase_ = Phase::kRunning;
    self->transferFailed("no final NOTIFY");
  });
}

std::string CallRun::failSafeQueue() const {
  const SipVoiceOptions& o = deps_.options;
  return callgate::failSafeQueue(session_.state().queue, o.queues, !o.defaultAgent.empty());
}

void CallRun::failSafeHandoff(FailSafeHandoff handoff) {
  const SipVoiceOptions& o = deps_.options;
  const std::string* target = agentForQueue(
      o.queues, o.defaultAgent.empty() ? nullptr : &o.defaultAgent, handoff.transfer.queue);
  if (target == nullptr || target->empty()) {
    spdlog::warn(
        "event=sip_transfer_failed contact={} error=\"no agent for the fail-safe transfer\"",
        session_.state().call.contactId);
    flow::PlayPrompt sorry;
    sorry.text = std::string(kCannotVerifyNoAgentText);
    playPrompt(sorry, [this] { hangUp("fail-safe: no agent"); });
    return;
  }
  playPrompt(handoff.notice, [this, t = std::move(handoff.transfer)] { transfer(t); });
}

void CallRun::transferFailed(const std::string& why) {
  spdlog::warn("event=sip_transfer_failed contact={} error=\"{}\"", session_.state().call.contactId,
               why);
  ++generation_;
  if (!deps_.options.announceReferFailure) {
    hangUp("transfer failed");
    return;
  }
  flow::PlayPrompt sorry;
  sorry.text = kNoAgentText;
  playPrompt(sorry, [this] { hangUp("transfer failed"); });
}

void CallRun::hangUp(const std::string& reason) {
  if (ignoringCaller()) return;
  phase_ = Phase::kLeaving;
  collecting_.reset();
  stopListening();
  turn_.reset();
  intent_.reset();
  spdlog::info("event=sip_hangup contact={} reason=\"{}\"", session_.state().call.contactId,
               reason);
  leg_->hangup();
}

std::string CallRun::language() const { return contactLanguage(session_, deps_.options.language); }

void CallRun::logSteps() { logFlowSteps(session_, session_.state().call.contactId); }

}  // namespace callgate::sip_voice
