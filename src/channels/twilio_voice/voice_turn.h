// One turn of a Twilio call: runs a flow Session from a given action until the call must wait
// for the caller or ends, and renders everything the caller should hear meanwhile as one TwiML
// document. PlayPrompt -> <Say> (or <Play> for a URL prompt) and the session continues at once
// (Twilio plays the verbs in order); InvokeFunction -> the built-in function is called right here,
// synchronously (the webhook routes run on the worker pool); CollectDigits -> <Gather> with the
// prompt inside (and speech where allowed, see voice_input.h) and a <Redirect> to the same
// action URL for the no-input case; TransferToQueue -> <Dial> to the queue's agent with the
// verdict attached (see transfer.h); TransferToNumber -> <Dial><Number> to the third party, with
// the block's ring time, caller ID and DTMF digits and no verdict; Disconnect -> <Hangup/>, except
// a flow error after a function of the same turn failed, which becomes the fail-safe (failSafe()
// below).
//
// Ownership: borrows the registry and options, which must outlive it. Thread-safety: run() is
// const and may be called from several threads at once (on different sessions).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "channels/twilio_voice/transfer.h"
#include "channels/twilio_voice/twiml.h"
#include "core/flow/session.h"
#include "core/time.h"
#include "core/trust_policy.h"
#include "functions/function.h"
#include "functions/verdict_issuer.h"

namespace callgate::twilio_voice {

struct VoiceOptions {
  std::string voice;               // <Say voice="...">; "" leaves Twilio's default
  std::string language = "en-US";  // <Say>/<Gather> language unless the contact has its own
  // Allows speech where the flow enables it (CollectDigits.speech): such a <Gather> gets
  // input="dtmf speech"; every other input, and every input when false, takes keys only.
  bool speech = false;
  std::map<std::string, AgentTarget> queues;  // flow queue name -> where it rings
  std::optional<AgentTarget> defaultAgent;    // for queues not in `queues`
  Seconds sessionTtl{7200};  // a parked call is forgotten this long after its last step
  Seconds busyTimeout{30};   // a step claimed longer ago than this is presumed lost
  // Mints the signed verdict a <Dial><Sip> carries as X-Callgate-Verdict; borrowed, must outlive
  // the runtime. nullptr = none (tests of other parts).
  VerdictIssuer* verdicts = nullptr;
};

struct TurnContext {
  std::string callSid;  // for the logs
  Attestation attestation = Attestation::kNone;
  std::string sessionUrl;  // absolute, e.g. https://callgate.example.com/twilio/voice/<id>
  int64_t step = 0;        // what the Gather's action URL names as ?step=
  std::string caller;      // the webhook's From and To, for the signed verdict ("" unknown)
  std::string dialled;
  TimePoint callStarted{};  // when the call reached callgate (epoch = unknown), for the handoff
};

struct Turn {
  enum class End { kWaiting, kTransferred, kDisconnected };
  End end = End::kWaiting;
  std::string twiml;
  Attributes agentAttributes;  // kTransferred: what the agent was told
  std::string outcome;         // for the access log: "gather", "transfer", "hangup", "flow-error"
};

// The pause after speech that ends a spoken entry (<Gather speechTimeout>): long enough for
// digits said in groups.
inline constexpr int kSpeechTimeoutSeconds = 2;

// The most actions one turn runs before it gives up on the flow (a cycle of prompts and
// functions that never asks the caller anything).
inline constexpr int kMaxActionsPerTurn = 200;

class TurnRunner {
 public:
  TurnRunner(const FunctionRegistry& functions, const VoiceOptions& options)
      : functions_(functions), options_(options) {}

  Turn run(flow::Session& session, flow::Action action, const TurnContext& context) const;

  // The <Gather> action (and no-input <Redirect>) URL for a step.
  static std::string gatherUrl(const std::string& sessionUrl, int64_t step);

  // What a call gets when it cannot go on as its flow meant (channels/common/fail_safe.h): the
  // parked-call store is away, or the flow failed after a function did. kCannotVerifyText and a
  // <Dial> to the agent for failSafeQueue(flowQueue) with the unverified verdict (outcome
  // "fail-safe"); without an agent, kCannotVerifyNoAgentText and <Hangup/> ("fail-safe-no-agent").
  // The <Dial> callbacks go to context.sessionUrl, which need not be a stored session.
  Turn failSafe(const TurnContext& context, const std::string& flowQueue) const;

 private:
  flow::Event invoke(const flow::InvokeFunction& call, const flow::Session& session,
                     const TurnContext& context) const;
  std::string languageFor(const flow::Session& session) const;
  // CollectDigits: the <Gather> (prompt inside) and the no-input <Redirect>.
  void gather(TwimlWriter& w, const flow::CollectDigits& collect, const flow::Session& session,
              const TurnContext& context, const XmlAttributes& sayAttrs) const;
  // Lex bots: RecognizeIntent: a <Gather> for keys and speech (prompt inside) and the no-input
  // <Redirect>; the answer is matched against the bot (voice_input.h).
  void gatherIntent(TwimlWriter& w, const flow::RecognizeIntent& recognize,
                    const flow::Session& session, const TurnContext& context,
                    const XmlAttributes& sayAttrs) const;
  // TransferToQueue: the <Dial> to the queue's agent, or an apology and <Hangup/> without one.
  void dial(TwimlWriter& w, const flow::TransferToQueue& transfer, const TurnContext& context,
            const XmlAttributes& sayAttrs, Turn& turn) const;
  // The signed verdict for a hand-off to `target`, or "" when none is configured or it failed.
  std::string signedVerdict(const TurnContext& context, const std::string& target,
                            const std::string& queue) const;
  // TransferToNumber: the <Dial><Number> to the third party.
  void dialNumber(TwimlWriter& w, const flow::TransferToNumber& transfer,
                  const TurnContext& context, Turn& turn) const;
  // <Say> attributes for the session: the flow's text-to-speech voice (as Twilio's Amazon Polly
  // voice) when it set one, else VoiceOptions::voice.
  XmlAttributes sayAttributesFor(const flow::Session& session) const;
  void writeFailSafe(TwimlWriter& w, const std::string& flowQueue, const TurnContext& context,
                     const XmlAttributes& sayAttrs, Turn& turn) const;

  const FunctionRegistry& functions_;
  const VoiceOptions& options_;
};

}  // namespace callgate::twilio_voice
