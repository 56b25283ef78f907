#include "channels/twilio_voice/voice_input.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "core/flow/lex_bot.h"
#include "core/spoken_digits.h"

namespace callgate::twilio_voice {

namespace {

constexpr size_t kMaxDigitsBytes = 64;

}  // namespace

bool speechOffered(bool channelAllowsSpeech, const flow::CollectDigits& collect) {
  return channelAllowsSpeech && collect.speech.enabled;
}

flow::Event inputEvent(const VoiceWebhook& hook, const flow::CollectDigits& collect,
                       bool speechWasOffered, const std::string& callSid) {
  std::string source = "none";
  flow::Event event = flow::InputTimedOut{};
  if (hook.digits && !hook.digits->empty()) {
    source = "dtmf";
    event = flow::DigitsCollected{hook.digits->substr(0, kMaxDigitsBytes)};
  } else if (hook.speechResult && !hook.speechResult->empty()) {
    if (!speechWasOffered) {
      source = "speech-not-offered";  // this input takes keys only: whatever was said is ignored
    } else if (auto digits = spokenDigits(*hook.speechResult); !digits) {
      source = "speech-unrecognised";  // counts as no input: nothing usable was said
    } else {
      const int most = std::max(1, std::min(collect.maxDigits, collect.speech.maxDigits));
      const int least = std::clamp(collect.speech.minDigits, 1, most);
      const auto length = static_cast<int>(digits->size());
      if (length < least || length > most) {
        source = "speech-wrong-length";  // a misheard entry: ask again rather than check it
      } else {
        source = "speech";
        event = flow::DigitsCollected{std::move(*digits)};
      }
    }
  }
  // Never the digits or the transcript: they may be a PIN.
  const auto* collected = std::get_if<flow::DigitsCollected>(&event);
  spdlog::info("event=twilio_input contact={} source={} length={} confidence={:.2f}", callSid,
               source, collected ? collected->digits.size() : 0, hook.confidence.value_or(-1.0));
  return event;
}

std::string intentHints(const flow::RecognizeIntent& recognize) {
  std::set<std::string> words;
  auto add = [&](const std::string& w) {
    if (words.size() < kMaxIntentHints) words.insert(w);
  };
  for (const flow::LexIntent& intent : recognize.bot->intents()) {
    for (const auto& utterance : intent.utterances) {
      for (const flow::LexToken& token : utterance) {
        if (!token.isSlot()) add(token.word);
      }
    }
  }
  for (const flow::LexSlotType& type : recognize.bot->slotTypes()) {
    for (const flow::LexSlotValue& v : type.values) {
      for (const auto& phrase : v.phrases) {
        for (const std::string& w : phrase) add(w);
      }
    }
  }
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : ", ") + w;
  return out;
}

flow::Event intentEvent(const VoiceWebhook& hook, const flow::RecognizeIntent& recognize,
                        const std::string& callSid) {
  flow::Event event = flow::InputTimedOut{};
  std::string source = "none";
  if (hook.digits && !hook.digits->empty()) {
    source = "dtmf";
    event = flow::intentFromKeys(*recognize.bot, hook.digits->substr(0, kMaxDigitsBytes));
  } else if (hook.speechResult && !hook.speechResult->empty()) {
    source = "speech";
    event = flow::intentFromWords(*recognize.bot, *hook.speechResult, "speech");
  }
  const auto* heard = std::get_if<flow::IntentRecognized>(&event);
  // Never the transcript or slot values: a caller may say an account number.
  spdlog::info(
      "event=twilio_intent contact={} source={} bot=\"{}\" intent=\"{}\" confidence={:.2f}",
      callSid, source, recognize.bot->name(), heard ? heard->intent : std::string(),
      heard ? heard->confidence : 0.0);
  return event;
}

}  // namespace callgate::twilio_voice
