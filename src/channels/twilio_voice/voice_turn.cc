#include "channels/twilio_voice/voice_turn.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <chrono>

#include "channels/common/agent_route.h"
#include "channels/common/fail_safe.h"
#include "channels/common/flow_channel.h"
#include "channels/twilio_voice/twiml.h"
#include "channels/twilio_voice/voice_input.h"
#include "common/overloaded.h"
#include "core/customer.h"
#include "core/ssml.h"
#include "core/verdict.h"

namespace callgate::twilio_voice {

namespace {

using flow::ContactSettings;

constexpr const char* kNoAgentText =
    "Sorry, we cannot connect your call right now. Please call back later. Goodbye.";

bool isUrl(std::string_view s) { return s.starts_with("https://") || s.starts_with("http://"); }

XmlAttributes sayAttributes(const VoiceOptions& options, const std::string& language) {
  XmlAttributes attrs;
  if (!options.voice.empty()) attrs.emplace_back("voice", options.voice);
  attrs.emplace_back("language", language);
  return attrs;
}

// Twilio's name for a Connect (Amazon Polly) voice: "Polly.Joanna", "Polly.Joanna-Neural";
// "" when the name cannot be one.
std::string pollyVoice(const ContactSettings& contact) {
  const std::string& voice = contact.ttsVoice;
  if (voice.empty() || voice.size() > 32) return "";
  for (char c : voice) {
    if (!std::isalpha(static_cast<unsigned char>(c))) return "";
  }
  std::string out = "Polly." + voice;
  if (contact.ttsEngine == "neural" || contact.ttsEngine == "long-form") out += "-Neural";
  if (contact.ttsEngine == "generative") out += "-Generative";
  return out;
}

// Connect's ThirdPartyDTMFDigits pause (',') as Twilio's (w = half a second): one second each.
std::string twilioDigits(std::string_view digits) {
  std::string out;
  for (char c : digits) out += c == ',' ? std::string("ww") : std::string(1, c);
  return out;
}

// Twilio's <Dial timeout> range.
constexpr int kMinDialTimeoutSeconds = 5;
constexpr int kMaxDialTimeoutSeconds = 600;

void say(TwimlWriter& w, const flow::PlayPrompt& prompt, const XmlAttributes& sayAttrs) {
  if (!prompt.promptId.empty()) {
    // A Connect prompt id (an ARN) means nothing to Twilio; a URL it can fetch and play.
    if (isUrl(prompt.promptId)) {
      w.element("Play", {}, prompt.promptId);
    } else {
      spdlog::warn("event=twilio_prompt_skipped reason=\"PromptId is not a URL\" prompt_id=\"{}\"",
                   prompt.promptId.substr(0, 100));
    }
    return;
  }
  const std::string text = prompt.ssml ? ssmlToText(prompt.text) : prompt.text;
  if (!text.empty()) w.element("Say", sayAttrs, text);
}

}  // namespace

std::string TurnRunner::gatherUrl(const std::string& sessionUrl, int64_t step) {
  return sessionUrl + "/gather?step=" + std::to_string(step);
}

std::string TurnRunner::languageFor(const flow::Session& session) const {
  return contactLanguage(session, options_.language);
}

flow::Event TurnRunner::invoke(const flow::InvokeFunction& call, const flow::Session& session,
                               const TurnContext& context) const {
  Function* fn = functions_.resolve(call.function);
  if (fn == nullptr) return flow::FunctionFailed{"no function named " + call.function};
  Result<StringMap> result = invokeLogged(*fn, functionRequest(session, context.attestation, call));
  if (!result.ok()) return flow::FunctionFailed{result.error().message()};
  return flow::FunctionCompleted{std::move(*result)};
}

Turn TurnRunner::run(flow::Session& session, flow::Action action,
                     const TurnContext& context) const {
  TwimlWriter w;
  Turn turn;
  CallFailSafe failSafe;  // a function of this turn failed
  for (int actions = 0;; ++actions) {
    logFlowSteps(session, context.callSid);
    const XmlAttributes sayAttrs = sayAttributesFor(session);
    const AgentTarget* fallback = options_.defaultAgent ? &*options_.defaultAgent : nullptr;
    if (auto handoff = failSafe.divert(
            action, context.callSid,
            failSafeQueue(session.state().queue, options_.queues, fallback != nullptr))) {
      writeFailSafe(w, handoff->transfer.queue, context, sayAttrs, turn);
      break;
    }
    if (actions >= kMaxActionsPerTurn) {
      spdlog::error(
          "event=twilio_flow_error contact={} error=\"more than {} actions without "
          "waiting for the caller\"",
          context.callSid, kMaxActionsPerTurn);
      w.empty("Hangup");
      turn.end = Turn::End::kDisconnected;
      turn.outcome = "flow-error";
      break;
    }
    // One handler per action type (a new type does not compile until it is handled here); each
    // answers the next action, or nullopt when the turn ends.
    using Next = std::optional<flow::Action>;
    Next next = std::visit(Overloaded{
                               [&](const flow::PlayPrompt& play) -> Next {
                                 say(w, play, sayAttrs);
                                 return session.handle(flow::PromptPlayed{});
                               },
                               [&](const flow::InvokeFunction& fn) -> Next {
                                 flow::Event done = invoke(fn, session, context);
                                 if (std::holds_alternative<flow::FunctionFailed>(done))
                                   failSafe.functionFailed();
                                 return session.handle(done);
                               },
                               [&](const flow::CollectDigits& collect) -> Next {
                                 gather(w, collect, session, context, sayAttrs);
                                 turn.end = Turn::End::kWaiting;
                                 turn.outcome = "gather";
                                 return std::nullopt;
                               },
                               [&](const flow::TransferToQueue& transfer) -> Next {
                                 dial(w, transfer, context, sayAttrs, turn);
                                 return std::nullopt;
                               },
                               [&](const flow::TransferToNumber& transfer) -> Next {
                                 dialNumber(w, transfer, context, turn);
                                 return std::nullopt;
                               },
                               [&](const flow::RecognizeIntent& recognize) -> Next {
                                 gatherIntent(w, recognize, session, context, sayAttrs);
                                 turn.end = Turn::End::kWaiting;
                                 turn.outcome = "gather";
                                 return std::nullopt;
                               },
                               [&](const flow::Disconnect& hangup) -> Next {
                                 if (hangup.flowError()) {
                                   spdlog::warn("event=twilio_flow_error contact={} error=\"{}\"",
                                                context.callSid, hangup.reason);
                                 }
                                 w.empty("Hangup");
                                 turn.end = Turn::End::kDisconnected;
                                 turn.outcome = hangup.flowError() ? "flow-error" : "hangup";
                                 return std::nullopt;
                               },
                           },
                           action);
    if (!next) break;
    action = std::move(*next);
  }
  logFlowSteps(session, context.callSid);
  turn.twiml = w.finish();
  return turn;
}

XmlAttributes TurnRunner::sayAttributesFor(const flow::Session& session) const {
  XmlAttributes attrs = sayAttributes(options_, languageFor(session));
  const std::string polly = pollyVoice(session.state().contact);
  if (polly.empty()) return attrs;
  std::erase_if(attrs, [](const auto& a) { return a.first == "voice"; });
  attrs.insert(attrs.begin(), {"voice", polly});
  return attrs;
}

void TurnRunner::dialNumber(TwimlWriter& w, const flow::TransferToNumber& transfer,
                            const TurnContext& context, Turn& turn) const {
  const int timeout =
      std::clamp(transfer.timeoutSeconds, kMinDialTimeoutSeconds, kMaxDialTimeoutSeconds);
  XmlAttributes dial{{"action", context.sessionUrl + "/status"},
                     {"method", "POST"},
                     {"timeout", std::to_string(timeout)}};
  if (!transfer.callerIdNumber.empty()) dial.emplace_back("callerId", transfer.callerIdNumber);
  XmlAttributes number;
  if (!transfer.dtmfDigits.empty())
    number.emplace_back("sendDigits", twilioDigits(transfer.dtmfDigits));
  w.open("Dial", dial);
  w.element("Number", number, transfer.number);
  w.close();
  // A third party is not an agent: no verdict is parked for a whisper.
  turn.agentAttributes.clear();
  turn.end = Turn::End::kTransferred;
  turn.outcome = "transfer-number";
}

void TurnRunner::gather(TwimlWriter& w, const flow::CollectDigits& collect,
                        const flow::Session& session, const TurnContext& context,
                        const XmlAttributes& sayAttrs) const {
  const std::string url = gatherUrl(context.sessionUrl, context.step);
  const bool speech = speechOffered(options_.speech, collect);
  XmlAttributes gather{{"input", speech ? "dtmf speech" : "dtmf"},
                       {"action", url},
                       {"method", "POST"},
                       {"numDigits", std::to_string(collect.maxDigits)},
                       // Twilio ends input on one key only; "" (no key) must be written out,
                       // since its default is "#".
                       {"finishOnKey", collect.terminator.substr(0, 1)},
                       {"timeout", std::to_string(collect.timeoutSeconds)}};
  if (speech) {
    // numbers_and_commands is Twilio's generic model for digits and short commands; a
    // speechModel requires a whole-second speechTimeout ("auto" is refused with it).
    gather.emplace_back("speechTimeout", std::to_string(kSpeechTimeoutSeconds));
    gather.emplace_back("speechModel", "numbers_and_commands");
    gather.emplace_back("hints", kDigitHints);
    gather.emplace_back("language", languageFor(session));
  }
  w.open("Gather", gather);
  say(w, collect.prompt, sayAttrs);
  w.close();
  // Without input Twilio skips the action and falls through to this: the no-input event.
  w.element("Redirect", {{"method", "POST"}}, url);
}

void TurnRunner::gatherIntent(TwimlWriter& w, const flow::RecognizeIntent& recognize,
                              const flow::Session& session, const TurnContext& context,
                              const XmlAttributes& sayAttrs) const {
  const std::string url = gatherUrl(context.sessionUrl, context.step);
  // A bot is spoken to: speech is always on here (the [twilio] speech switch guards spoken PINs
  // in GetParticipantInput). Keys end with '#' or the pause.
  XmlAttributes gather{{"input", "dtmf speech"},
                       {"action", url},
                       {"method", "POST"},
                       {"finishOnKey", "#"},
                       {"timeout", std::to_string(recognize.timeoutSeconds)},
                       {"speechTimeout", "auto"},
                       {"language", languageFor(session)}};
  if (std::string hints = intentHints(recognize); !hints.empty())
    gather.emplace_back("hints", std::move(hints));
  w.open("Gather", gather);
  say(w, recognize.prompt, sayAttrs);
  w.close();
  w.element("Redirect", {{"method", "POST"}}, url);
}

Turn TurnRunner::failSafe(const TurnContext& context, const std::string& flowQueue) const {
  TwimlWriter w;
  Turn turn;
  writeFailSafe(w, flowQueue, context, sayAttributes(options_, options_.language), turn);
  turn.twiml = w.finish();
  return turn;
}

void TurnRunner::writeFailSafe(TwimlWriter& w, const std::string& flowQueue,
                               const TurnContext& context, const XmlAttributes& sayAttrs,
                               Turn& turn) const {
  const AgentTarget* fallback = options_.defaultAgent ? &*options_.defaultAgent : nullptr;
  const std::string queue = failSafeQueue(flowQueue, options_.queues, fallback != nullptr);
  if (agentForQueue(options_.queues, fallback, queue) == nullptr) {
    spdlog::error(
        "event=twilio_no_agent contact={} queue=\"{}\" error=\"no agent for the fail-safe "
        "transfer: set [twilio] default_agent\"",
        context.callSid, queue);
    w.element("Say", sayAttrs, std::string(kCannotVerifyNoAgentText)).empty("Hangup");
    turn.end = Turn::End::kDisconnected;
    turn.outcome = "fail-safe-no-agent";
    return;
  }
  w.element("Say", sayAttrs, std::string(kCannotVerifyText));
  dial(w, flow::TransferToQueue{queue, unverifiedAttributes()}, context, sayAttrs, turn);
  turn.outcome = "fail-safe";
}

std::string TurnRunner::signedVerdict(const TurnContext& context, const std::string& target,
                                      const std::string& queue) const {
  if (options_.verdicts == nullptr) return {};
  auto verdict = options_.verdicts->issue(VerdictRequest{
      VerdictChannel::kTwilio, context.callSid, target, context.callSid, context.caller,
      context.dialled, context.attestation, queue, context.callStarted});
  if (verdict.ok()) return std::move(verdict->jwt);
  // No token is read as "not verified" by the agent side: the call still goes to the agent.
  spdlog::error("event=verdict_failed contact={} error=\"{}\"", context.callSid,
                verdict.error().message());
  return {};
}

void TurnRunner::dial(TwimlWriter& w, const flow::TransferToQueue& transfer,
                      const TurnContext& context, const XmlAttributes& sayAttrs, Turn& turn) const {
  const AgentRoute<AgentTarget> route = routeToAgent(
      transfer, options_.queues, options_.defaultAgent ? &*options_.defaultAgent : nullptr);
  turn.agentAttributes = route.handoff.attributes;
  if (route.target == nullptr) {
    spdlog::error(
        "event=twilio_no_agent contact={} queue=\"{}\" error=\"no [twilio.queues] "
        "entry and no default_agent\"",
        context.callSid, transfer.queue);
    w.element("Say", sayAttrs, kNoAgentText).empty("Hangup");
    turn.end = Turn::End::kDisconnected;
    turn.outcome = "no-agent";
    return;
  }
  const AgentTarget& target = *route.target;
  w.open("Dial", {{"action", context.sessionUrl + "/status"}, {"method", "POST"}});
  if (target.kind == AgentTarget::Kind::kSip) {
    w.element("Sip", {},
              sipUriWithVerdict(target.address, turn.agentAttributes,
                                signedVerdict(context, target.address, transfer.queue)));
  } else {
    // A phone number cannot carry the token, but the verdict is still minted: its handoff record
    // is the agent console's screen pop for this call.
    (void)signedVerdict(context, "", transfer.queue);
    w.element("Number", {{"url", context.sessionUrl + "/whisper"}, {"method", "POST"}},
              target.address);
  }
  w.close();
  turn.end = Turn::End::kTransferred;
  turn.outcome = "transfer";
}

}  // namespace callgate::twilio_voice
