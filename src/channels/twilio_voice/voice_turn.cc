#include "channels/twilio_voice/voice_turn.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "channels/common/flow_channel.h"
#include "channels/twilio_voice/twiml.h"
#include "channels/twilio_voice/voice_input.h"
#include "core/customer.h"
#include "core/ssml.h"
#include "core/verdict.h"

namespace callgate::twilio_voice {

namespace {

constexpr const char* kNoAgentText =
    "Sorry, we cannot connect your call right now. Please call back later. Goodbye.";

bool isUrl(std::string_view s) { return s.starts_with("https://") || s.starts_with("http://"); }

XmlAttributes sayAttributes(const VoiceOptions& options, const std::string& language) {
  XmlAttributes attrs;
  if (!options.voice.empty()) attrs.emplace_back("voice", options.voice);
  attrs.emplace_back("language", language);
  return attrs;
}

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
  Function* fn = functions_.find(call.function);
  if (fn == nullptr) return flow::FunctionFailed{"no function named " + call.function};
  Result<StringMap> result = invokeLogged(*fn, functionRequest(session, context.attestation, call));
  if (!result.ok()) return flow::FunctionFailed{result.error().message()};
  return flow::FunctionCompleted{std::move(*result)};
}

Turn TurnRunner::run(flow::Session& session, flow::Action action,
                     const TurnContext& context) const {
  TwimlWriter w;
  Turn turn;
  for (int actions = 0;; ++actions) {
    logFlowSteps(session, context.callSid);
    const XmlAttributes sayAttrs = sayAttributes(options_, languageFor(session));
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
    if (const auto* play = std::get_if<flow::PlayPrompt>(&action)) {
      say(w, *play, sayAttrs);
      action = session.handle(flow::PromptPlayed{});
    } else if (const auto* fn = std::get_if<flow::InvokeFunction>(&action)) {
      action = session.handle(invoke(*fn, session, context));
    } else if (const auto* collect = std::get_if<flow::CollectDigits>(&action)) {
      const std::string url = gatherUrl(context.sessionUrl, context.step);
      const bool speech = speechOffered(options_.speech, *collect);
      XmlAttributes gather{{"input", speech ? "dtmf speech" : "dtmf"},
                           {"action", url},
                           {"method", "POST"},
                           {"numDigits", std::to_string(collect->maxDigits)},
                           // Twilio ends input on one key only; "" (no key) must be written out,
                           // since its default is "#".
                           {"finishOnKey", collect->terminator.substr(0, 1)},
                           {"timeout", std::to_string(collect->timeoutSeconds)}};
      if (speech) {
        // numbers_and_commands is Twilio's generic model for digits and short commands; a
        // speechModel requires a whole-second speechTimeout ("auto" is refused with it).
        gather.emplace_back("speechTimeout", std::to_string(kSpeechTimeoutSeconds));
        gather.emplace_back("speechModel", "numbers_and_commands");
        gather.emplace_back("hints", kDigitHints);
        gather.emplace_back("language", languageFor(session));
      }
      w.open("Gather", gather);
      say(w, collect->prompt, sayAttrs);
      w.close();
      // Without input Twilio skips the action and falls through to this: the no-input event.
      w.element("Redirect", {{"method", "POST"}}, url);
      turn.end = Turn::End::kWaiting;
      turn.outcome = "gather";
      break;
    } else if (const auto* transfer = std::get_if<flow::TransferToQueue>(&action)) {
      turn.agentAttributes = agentAttributes(transfer->attributes);
      const AgentTarget* target = nullptr;
      if (auto it = options_.queues.find(transfer->queue); it != options_.queues.end()) {
        target = &it->second;
      } else if (options_.defaultAgent) {
        target = &*options_.defaultAgent;
      }
      if (target == nullptr) {
        spdlog::error(
            "event=twilio_no_agent contact={} queue=\"{}\" error=\"no [twilio.queues] "
            "entry and no default_agent\"",
            context.callSid, transfer->queue);
        w.element("Say", sayAttrs, kNoAgentText).empty("Hangup");
        turn.end = Turn::End::kDisconnected;
        turn.outcome = "no-agent";
        break;
      }
      w.open("Dial", {{"action", context.sessionUrl + "/status"}, {"method", "POST"}});
      if (target->kind == AgentTarget::Kind::kSip) {
        w.element("Sip", {}, sipUriWithVerdict(target->address, turn.agentAttributes));
      } else {
        w.element("Number", {{"url", context.sessionUrl + "/whisper"}, {"method", "POST"}},
                  target->address);
      }
      w.close();
      turn.end = Turn::End::kTransferred;
      turn.outcome = "transfer";
      break;
    } else {
      const auto& hangup = std::get<flow::Disconnect>(action);
      const bool flowError = hangup.reason.rfind("flow error", 0) == 0;
      if (flowError) {
        spdlog::warn("event=twilio_flow_error contact={} error=\"{}\"", context.callSid,
                     hangup.reason);
      }
      w.empty("Hangup");
      turn.end = Turn::End::kDisconnected;
      turn.outcome = flowError ? "flow-error" : "hangup";
      break;
    }
  }
  logFlowSteps(session, context.callSid);
  turn.twiml = w.finish();
  return turn;
}

}  // namespace callgate::twilio_voice
