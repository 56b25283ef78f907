// CallRun: one SIP call running through its flow. It performs the Session's actions with the
// call's media and SIP leg and feeds the outcomes back:
//   PlayPrompt     -> the prompt is rendered on the worker pool (WAV override or TTS, cached),
//                     then played; a key press stops it (barge-in) and is kept as type-ahead.
//   CollectDigits  -> its prompt as above, then digits (type-ahead first) until the terminator,
//                     maxDigits, or the flow's InputTimeLimitSeconds without a key: before the
//                     first digit that is InputTimedOut, between digits it ends the entry with
//                     what was keyed (Connect's "timeout between entries" uses the same limit).
//                     When the input allows speech and a recogniser is configured, the caller's
//                     audio is endpointed from the start of the prompt (speech stops the prompt),
//                     each utterance is decoded on the worker pool against the input's digit
//                     grammar, and a speech::SpeechTurn decides: accept, read back for a yes/no
//                     (key 1/2 or spoken), or ask again. Keys always work and win over speech.
//                     A pause in an entry is not its end until a decode of what was said so far
//                     holds as many digits as the entry needs (checkPause).
//                     Neither keys nor transcripts are ever logged.
//   RecognizeIntent-> (a Lex bot block) its prompt as above while listening: speech is endpointed
//                     and decoded against the bot's grammar (speech::intentGrammar) and matched to
//                     an intent; keys (ended by '#', the time limit between keys, or as soon as
//                     they alone choose an intent) are the bot's dtmf keys or matched as words. One
//                     utterance or key entry answers; nothing within the time limit is
//                     InputTimedOut. Without a recogniser, keys only.
//   InvokeFunction -> the built-in function runs on the worker pool, bounded by the flow's
//                     InvocationTimeLimitSeconds (a late result is dropped: FunctionFailed).
//   TransferToQueue-> REFER to the queue's agent URI with the verdict headers; our leg ends when
//                     the NOTIFY reports success; a refused transfer apologises (or not, per
//                     config) and hangs up.
//   TransferToNumber -> REFER to SipVoiceOptions::numberUri with the number filled in and no
//                     verdict (the third party is not an agent); as TransferToQueue otherwise.
//                     Caller ID and DTMF digits cannot travel in a REFER: they are logged.
//   Disconnect     -> BYE; but a flow error after a failed function (the database away and no
//                     Error branch) says kCannotVerifyText and transfers the call unauthenticated
//                     instead (channels/common/fail_safe.h).
//
// Threads: every member runs on the call's media executor (the MediaSession's strand), which
// serialises media callbacks, timers and results coming back from the worker pool; the public
// methods may be called from any thread and post there. Asynchronous completions carry the
// action generation they were started for and are dropped once the call has moved on.
// Phase: kNew -> (begin) kRunning -> (REFER sent) kTransferring -> (NOTIFY 2xx) kLeaving; a
// refused or unanswered REFER goes back to kRunning for the apology, then kLeaving (BYE); a
// Disconnect goes kRunning -> kLeaving; the dialog's end makes any phase kOver, which is final.
// Ownership: shared (enable_shared_from_this): pending handlers keep it alive; it owns the
// Session and shares the leg and media session. The Deps must outlive every CallRun.
#pragma once

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "adapters/net/rtp/media_session.h"
#include "adapters/net/sip/call_handler.h"
#include "channels/common/call_metrics.h"
#include "channels/common/fail_safe.h"
#include "core/flow/session.h"
#include "core/speech/endpointer.h"
#include "core/speech/intent_grammar.h"
#include "core/speech/recognizer.h"
#include "core/speech/speech_turn.h"
#include "core/trust_policy.h"
#include "core/verdict.h"
#include "functions/function.h"
#include "functions/verdict_issuer.h"

namespace callgate::sip_voice {

struct SipVoiceOptions {
  std::map<std::string, std::string> queues;  // flow queue name -> agent SIP URI
  std::string defaultAgent;                   // for queues not listed; "" = none
  bool announceReferFailure = true;           // apologise before hanging up when REFER fails
  std::string language = "en-US";             // prompt language unless the contact has one
  std::chrono::seconds transferTimeout{32};   // REFER accepted but no final NOTIFY: give up
  // TransferToNumber's REFER target: "{number}" is replaced by the E.164 number, e.g.
  // "sip:{number}@gateway.example.com;user=phone"; "" = such transfers fail (apology, BYE).
  std::string numberUri;
  // Speech input. recognizer is borrowed (it must outlive every call); nullptr = inputs that
  // allow speech take keys only.
  speech::SpeechRecognizer* recognizer = nullptr;
  speech::EndpointerOptions endpointer;
  speech::SpeechTurnOptions speechTurn;
  int speechThreads = 1;  // threads decoding speech (the recogniser's decoders)
  // A prompt's audio when it is already rendered (cached), without blocking; nullptr = not
  // cached. A cached prompt then starts from the call's media thread instead of a round trip
  // through the worker pool (two thread wake-ups per prompt, the largest per-call cost after
  // SIP parsing; docs/PERFORMANCE.md). Empty = every prompt is rendered on the workers.
  std::function<audio::AudioPtr(const flow::PlayPrompt& prompt, const std::string& language)>
      cachedPrompt;
  // Mints the signed verdict sent as X-Callgate-Verdict with every REFER to an agent; borrowed,
  // must outlive every call. nullptr = no signed verdict (tests of other parts).
  VerdictIssuer* verdicts = nullptr;
};

// Audio for a prompt in a language (blocking; called on the worker pool). Production:
// tts::PromptLibrary::render.
using PromptRenderer = std::function<Result<audio::AudioPtr>(const flow::PlayPrompt& prompt,
                                                             const std::string& language)>;

// What every CallRun borrows.
struct CallDeps {
  const FunctionRegistry& functions;
  PromptRenderer renderPrompt;
  boost::asio::thread_pool& workers;  // functions and prompt synthesis
  const SipVoiceOptions& options;
  // Speech decoding, apart from `workers` so a PIN check never waits behind an utterance (a
  // decode holds its thread for as long as it waits for a decoder and decodes: seconds under
  // load). Sized to the recogniser's decoders, so no thread here ever waits for one either.
  // nullptr = on `workers` (tests of other parts).
  boost::asio::thread_pool* speechWorkers = nullptr;
  boost::asio::thread_pool& speechPool() const { return speechWorkers ? *speechWorkers : workers; }
};

class CallRun : public std::enable_shared_from_this<CallRun> {
 public:
  // `finished` runs once (on the media executor) when the call is over and may be forgotten.
  CallRun(const CallDeps& deps, std::shared_ptr<const flow::Flow> flow, flow::CallInfo info,
          Attestation attestation, std::shared_ptr<sip::CallLeg> leg,
          std::shared_ptr<rtp::MediaSession> media, std::function<void()> finished);

  // Thread-safe; each posts to the media executor.
  // The caller's ACK arrived: start the flow. `media`: parameters the media session takes first
  // (the confirmed call's), in the same hand-off to the media thread as the start.
  void begin(std::optional<rtp::MediaParams> media = std::nullopt);
  void mediaChanged(const rtp::MediaParams& params);
  void transferOutcome(const sip::TransferOutcome& outcome);
  void ended(sip::EndReason reason);

 private:
  template <typename F>
  void post(F&& f);

  // Where the call is as a whole (see the header comment). The flags below it describe the
  // current input only, reset with every action, and may hold together.
  enum class Phase {
    kNew,           // waiting for the caller's ACK
    kRunning,       // the flow is running: prompts, inputs, functions
    kTransferring,  // a REFER is out, waiting for its final NOTIFY (or the guard timer)
    kLeaving,       // we sent BYE or a REFER succeeded: ignore the caller from now on
    kOver,          // the SIP dialog has ended
  };

  bool over() const { return phase_ == Phase::kOver; }
  // Leaving or over: the caller's keys and audio no longer matter.
  bool ignoringCaller() const { return phase_ == Phase::kLeaving || phase_ == Phase::kOver; }

  void perform(flow::Action action);
  void feed(const flow::Event& event);
  void playPrompt(const flow::PlayPrompt& prompt, std::function<void()> then);
  // Plays rendered audio for the action of generation `gen`; `then` once it has been played.
  void playAudio(uint64_t gen, audio::AudioPtr audio, std::function<void()> then);
  void startInput(const flow::CollectDigits& collect);  // a CollectDigits action
  void startCollecting();
  void digit(char key);
  bool accept(char key);  // true when the entry is complete
  void armInputTimer();
  void entryDone(std::string keys);  // a complete key entry
  void noEntry();                    // the input time limit passed with nothing keyed or said
  // Speech inputs (see the header comment).
  void speechStep(speech::TurnStep step);
  void listen(const speech::Listen& listen);
  void stopListening();
  void openTap();
  void closeTapUnlessNeeded();  // once neither an input nor the first audio needs it
  void audio(std::span<const int16_t> samples);
  void recognize(std::vector<int16_t> utterance);
  // A pause in a digit entry (Endpointer kPause): the utterance so far is decoded against
  // speech::pauseCheckGrammar (1..max digits, each priced); as many digits as the entry needs end
  // it there, fewer leave it open.
  void checkPause();
  void logSpeech(std::string_view outcome, double confidence) const;
  // Lex bots (see the header comment).
  void startIntent(const flow::RecognizeIntent& recognize);
  void intentHeard(const speech::Recognition& heard);
  void invoke(const flow::InvokeFunction& call);
  void transfer(const flow::TransferToQueue& transfer);
  void transfer(const flow::TransferToNumber& transfer);
  // REFER to `target`, then wait up to `guard` for the final NOTIFY (transferOutcome).
  void refer(const std::string& target, const HeaderFields& headers, std::chrono::seconds guard);
  void transferFailed(const std::string& why);
  // A flow error after a failed function: tell the caller, transfer unauthenticated (fail_safe.h).
  std::string failSafeQueue() const;
  void failSafeHandoff(FailSafeHandoff handoff);
  void hangUp(const std::string& reason);
  void finish();
  std::string language() const;
  void logSteps();

  CallDeps deps_;
  flow::Session session_;
  Attestation attestation_;
  const TimePoint startedAt_;  // when the INVITE was accepted: the handoff's time to verdict
  std::shared_ptr<sip::CallLeg> leg_;
  std::shared_ptr<rtp::MediaSession> media_;
  std::function<void()> finished_;
  boost::asio::steady_timer timer_;  // input and function time limits, transfer guard

  uint64_t generation_ = 0;  // bumped whenever the call moves to a new action
  Phase phase_ = Phase::kNew;
  std::optional<flow::CollectDigits> collecting_;
  bool prompting_ = false;  // the collect prompt is still playing
  std::string typeAhead_;   // keys pressed during a prompt, for the next entry
  std::string entered_;     // the entry being collected

  std::optional<speech::SpeechTurn> turn_;  // the current input allows speech
  flow::CollectDigits input_;               // that input, as the flow asked for it
  std::optional<speech::Listen> listen_;    // what the turn is listening for
  speech::Endpointer endpointer_;
  // Independent of prompting_: the tap is on from the start of the prompt (speech barges in).
  bool listening_ = false;  // the audio tap feeds the endpointer
  bool tapOpen_ = false;    // the media session hands this call its audio
  // Audio seen outside inputs, for the noise floor: the first kObserveSamples of the call.
  static constexpr size_t kObserveSamples = 8000 * 3;
  size_t observedSamples_ = 0;
  bool recognizing_ = false;  // an utterance is being decoded (nothing listens meanwhile)
  double lastConfidence_ = 0.0;
  std::optional<flow::RecognizeIntent> intent_;  // a Lex bot block is listening
  CallFailSafe failSafe_;                        // did a function of this call fail?
  CallMetrics metrics_{"sip"};
  std::string loggedVoice_;  // the flow's text-to-speech voice last logged as unavailable
};

}  // namespace callgate::sip_voice
