// CallRun's speech inputs (see call_run.h): the audio tap, the endpointer, decoding on the speech
// pool and the SpeechTurn's steps; and a Lex bot block's recognised intent.
#include <spdlog/spdlog.h>

#include "channels/sip_voice/call_run.h"
#include "channels/sip_voice/call_run_work.h"
#include "core/flow/lex_bot.h"

namespace callgate::sip_voice {

void CallRun::intentHeard(const speech::Recognition& heard) {
  flow::IntentRecognized event = flow::intentFromWords(*intent_->bot, heard.text, "speech");
  event.confidence *= heard.confidence;
  // The intent only: slot values and words may be an account number.
  spdlog::info("event=sip_intent contact={} bot=\"{}\" intent=\"{}\" confidence={:.2f}",
               session_.state().call.contactId, intent_->bot->name(), event.intent,
               event.confidence);
  feed(event);
}

void CallRun::speechStep(speech::TurnStep step) {
  if (auto* done = std::get_if<speech::Finished>(&step)) {
    stopListening();
    recognizing_ = false;
    const std::string& how = done->how;
    logSpeech(how == "speech" || how == "speech-confirmed" ? std::string_view("accepted")
                                                           : std::string_view(how),
              how == "speech" || how == "speech-confirmed" ? lastConfidence_ : 0.0);
    std::optional<std::string> digits = std::move(done->digits);
    turn_.reset();
    listen_.reset();
    collecting_.reset();
    if (digits)
      feed(flow::DigitsCollected{std::move(*digits)});
    else
      feed(flow::InputTimedOut{});
    return;
  }
  listen(std::get<speech::Listen>(step));
}

void CallRun::listen(const speech::Listen& l) {
  // What the turn asks next (the entry, a read-back or check, a group of it); never the digits.
  spdlog::info("event=sip_speech_listen contact={} confirming={} offset={} length={}",
               session_.state().call.contactId, l.confirming, l.partOffset, l.partLength);
  ++generation_;
  timer_.cancel();
  listen_ = l;
  entered_.clear();
  collecting_ = input_;
  if (l.confirming) {  // one key answers: 1 yes, 2 no
    collecting_->maxDigits = 1;
    collecting_->terminator.clear();
  }
  if (!typeAhead_.empty()) {
    // Keyed ahead during an earlier prompt: that is the answer; no prompt, no speech.
    startCollecting();
    return;
  }
  endpointer_.reset();
  endpointer_.expectSpeech(l.minSpeechMs);
  listening_ = true;
  openTap();
  prompting_ = true;
  playPrompt(l.prompt, [this] {
    prompting_ = false;
    // Speech already under way (it stopped the prompt): its result decides, not a timer.
    if (endpointer_.speaking() || recognizing_) return;
    startCollecting();
  });
}

void CallRun::openTap() {
  if (tapOpen_) return;
  tapOpen_ = true;
  std::weak_ptr<CallRun> weak = shared_from_this();
  media_->onAudio([weak](std::span<const int16_t> samples) {
    if (auto self = weak.lock()) self->audio(samples);
  });
}

void CallRun::closeTapUnlessNeeded() {
  if (!tapOpen_ || listening_ || observedSamples_ < kObserveSamples) return;
  tapOpen_ = false;
  media_->onAudio(nullptr);
}

void CallRun::stopListening() {
  if (!listening_) return;
  listening_ = false;
  closeTapUnlessNeeded();
}

void CallRun::audio(std::span<const int16_t> samples) {
  if (!listening_) {
    // The call's first audio, before any input: the line's noise floor (bounded, then closed).
    endpointer_.observe(samples);
    observedSamples_ += samples.size();
    closeTapUnlessNeeded();
    return;
  }
  if (ignoringCaller()) return;
  switch (endpointer_.feed(samples)) {
    case speech::Endpointer::Event::kSpeechStarted:
      timer_.cancel();  // the no-input limit is met
      spdlog::info("event=sip_speech_start contact={}", session_.state().call.contactId);
      if (prompting_) media_->stopPlayback();  // barge-in
      break;
    case speech::Endpointer::Event::kPause:
      checkPause();
      break;
    case speech::Endpointer::Event::kSpeechEnded:
    case speech::Endpointer::Event::kMaxSpeech:
      recognize(endpointer_.takeUtterance());
      break;
    case speech::Endpointer::Event::kNone:
      break;
  }
}

void CallRun::checkPause() {
  if (!listen_ || !listen_->grammar.isDigitSlot()) return;  // the incomplete silence ends it
  const uint64_t gen = generation_;
  const int pause = endpointer_.pauses();
  postWork(deps_.speechPool(), [self = shared_from_this(), gen, pause, entry = listen_->grammar,
                                utterance = endpointer_.utteranceSoFar()] {
    Result<speech::Recognition> so =
        self->deps_.options.recognizer->recognize(utterance, speech::pauseCheckGrammar(entry));
    const bool whole = so.ok() && speech::entryIsWhole(entry, so->text);
    self->post([self, gen, pause, whole] {
      // Still this input, still silent since that pause: judge it.
      if (gen != self->generation_ || self->over() || !self->listening_ ||
          !self->endpointer_.paused() || self->endpointer_.pauses() != pause)
        return;
      spdlog::info("event=sip_speech_pause contact={} whole={}",
                   self->session_.state().call.contactId, whole);
      if (whole) self->recognize(self->endpointer_.endNow());
    });
  });
}

void CallRun::recognize(std::vector<int16_t> utterance) {
  stopListening();
  recognizing_ = true;
  const uint64_t gen = generation_;
  postWork(deps_.speechPool(), [self = shared_from_this(), gen, grammar = listen_->grammar,
                                utterance = std::move(utterance)] {
    Result<speech::Recognition> result =
        self->deps_.options.recognizer->recognize(utterance, grammar);
    self->post([self, gen, result = std::move(result)] {
      if (gen != self->generation_ || self->over() || !self->recognizing_ ||
          (!self->turn_ && !self->intent_))
        return;
      self->recognizing_ = false;
      speech::Recognition heard;
      if (result.ok()) {
        heard = *result;
      } else {
        spdlog::warn("event=sip_speech_error contact={} error=\"{}\"",
                     self->session_.state().call.contactId, result.error().message());
      }
      if (self->intent_) {
        self->intentHeard(heard);
        return;
      }
      self->lastConfidence_ = heard.confidence;
      speech::TurnStep step = self->turn_->heard(heard);
      if (const auto* again = std::get_if<speech::Listen>(&step))
        self->logSpeech(again->confirming ? "confirm" : "reprompt", heard.confidence);
      self->speechStep(std::move(step));
    });
  });
}

void CallRun::logSpeech(std::string_view outcome, double confidence) const {
  // Never the words or digits: a spoken entry may be a PIN or a one-time code.
  spdlog::info("event=sip_speech contact={} outcome={} confidence={:.2f} attempt={}",
               session_.state().call.contactId, outcome, confidence, turn_ ? turn_->attempts() : 0);
}

}  // namespace callgate::sip_voice
