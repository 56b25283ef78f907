#include "core/speech/speech_turn.h"

#include <algorithm>
#include <string_view>
#include <utility>

#include "core/spoken_digits.h"

namespace callgate::speech {

namespace {

constexpr std::string_view kSorry = "Sorry, let's try again.";
constexpr std::string_view kKeypadHint = "You can also use your keypad.";

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string lowerCase(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Whether a prompt already tells the caller about the keys (then the re-prompt needs no hint).
bool mentionsKeys(const flow::PlayPrompt& prompt) {
  const std::string text = lowerCase(prompt.text);
  for (std::string_view word : {"keypad", "press", "enter", "type", "key in", "dial"}) {
    if (text.find(word) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

std::vector<int> digitGroups(int length) {
  if (length <= 5) return {length};
  int fours = length / 4;
  while (fours > 0 && (length - 4 * fours) % 3 != 0) --fours;
  std::vector<int> groups((length - 4 * fours) / 3, 3);
  groups.insert(groups.end(), static_cast<size_t>(fours), 4);
  return groups;
}

std::string spacedDigits(const std::string& digits) {
  std::string spaced;
  size_t at = 0;
  for (int group : digitGroups(static_cast<int>(digits.size()))) {
    if (!spaced.empty()) spaced += ", ";
    for (int i = 0; i < group; ++i, ++at) {
      if (i > 0) spaced.push_back(' ');
      spaced.push_back(digits[at]);
    }
  }
  return spaced;
}

std::string readBackText(const std::string& digits) {
  return "I heard " + spacedDigits(digits) +
         ". If that is right, press 1 or say yes. If not, press 2 or say no.";
}

std::string keyConfirmText(const std::string& digits) {
  return "To confirm " + spacedDigits(digits) + ", press 1. If not, press 2.";
}

std::string alternativeText(const std::string& digits) {
  return "Sorry. Did you say " + spacedDigits(digits) +
         "? If so, press 1 or say yes. If not, press 2 or say no.";
}

flow::PlayPrompt sorryPrompt(const flow::PlayPrompt& original) {
  flow::PlayPrompt out = original;
  if (!original.promptId.empty()) return out;  // a recording: replayed as it is
  const std::string apology = mentionsKeys(original) || original.text.empty()
                                  ? std::string(kSorry)
                                  : std::string(kSorry) + " " + std::string(kKeypadHint);
  if (!original.ssml) {
    out.text = original.text.empty() ? apology : apology + " " + original.text;
    return out;
  }
  // SSML: the apology becomes the first words inside <speak ...>. Anything else (no <speak> root)
  // is replayed unchanged rather than risk making the document invalid.
  size_t at = 0;
  while (at < original.text.size() && isSpace(original.text[at])) ++at;
  if (original.text.compare(at, 6, "<speak") != 0) return out;
  const size_t close = original.text.find('>', at);
  if (close == std::string::npos || original.text[close - 1] == '/') return out;
  out.text = original.text.substr(0, close + 1) + apology + " " + original.text.substr(close + 1);
  return out;
}

SpeechTurn::SpeechTurn(const flow::CollectDigits& collect, SpeechTurnOptions options)
    : prompt_(collect.prompt),
      minDigits_(std::clamp(collect.speech.minDigits, 1, kMaxSpokenDigits)),
      maxDigits_(std::clamp(collect.speech.maxDigits, minDigits_, kMaxSpokenDigits)),
      alwaysConfirm_(collect.speech.alwaysConfirm),
      options_(options) {
  options_.maxAttempts = std::max(options_.maxAttempts, 1);
}

TurnStep SpeechTurn::start() {
  if (state_ == State::kFinished) return result_;
  state_ = State::kListening;
  return listenForEntry(prompt_);
}

TurnStep SpeechTurn::heard(const Recognition& result) {
  switch (state_) {
    case State::kFinished:
      return result_;
    case State::kConfirming:
    case State::kKeyConfirming:
      return answered(result);
    case State::kListening:
      break;
  }
  ++attempts_;
  std::optional<std::string> digits = spokenDigits(result.text);
  if (!digits || static_cast<int>(digits->size()) > maxDigits_) return retry();
  const bool inRange = static_cast<int>(digits->size()) >= minDigits_;
  // NaN confidence compares false: it is confirmed, never trusted. A threshold of 1 trusts
  // nothing, a confidence of 1 included.
  const bool confident = options_.confirmBelow < 1.0 && result.confidence >= options_.confirmBelow;
  if (inRange && confident && !alwaysConfirm_) return finish(std::move(digits), "speech");
  keepAlternatives(result.alternatives, *digits);
  std::string text = readBackText(*digits);
  return confirm(std::move(*digits), std::move(text));
}

TurnStep SpeechTurn::keyed(const std::string& keys) {
  switch (state_) {
    case State::kFinished:
      return result_;
    case State::kConfirming:
    case State::kKeyConfirming:
      if (keys == "1") return finish(std::move(pending_), "speech-confirmed");
      if (keys == "2") return rejected();
      return retry();  // a key that answers nothing
    case State::kListening:
      break;
  }
  return finish(keys, "dtmf");
}

TurnStep SpeechTurn::noInput() {
  switch (state_) {
    case State::kFinished:
      return result_;
    case State::kConfirming:
    case State::kKeyConfirming:
      return retry();
    case State::kListening:
      break;
  }
  return finish(std::nullopt, "no-input");
}

int SpeechTurn::attempts() const { return attempts_; }

bool SpeechTurn::askingForKey() const { return state_ == State::kKeyConfirming; }

TurnStep SpeechTurn::finish(std::optional<std::string> digits, std::string how) {
  pending_.clear();
  alternatives_.clear();
  state_ = State::kFinished;
  result_ = Finished{std::move(digits), std::move(how)};
  return result_;
}

TurnStep SpeechTurn::confirm(std::string digits, std::string text) {
  state_ = State::kConfirming;
  pending_ = std::move(digits);
  flow::PlayPrompt readBack;
  readBack.text = std::move(text);
  return Listen{std::move(readBack), yesNoGrammar(), true};
}

TurnStep SpeechTurn::answered(const Recognition& result) {
  const std::optional<bool> yes = spokenYesNo(result.text);
  if (!yes) return retry();
  if (!*yes) return rejected();
  // NaN confidence compares false: an unsure yes, never a trusted one.
  if (result.confidence >= options_.yesFrom) return finish(std::move(pending_), "speech-confirmed");
  // An unsure yes may be a misheard no: never taken, never counted as a no. The keys cannot be
  // misheard; after the key question a second unsure yes settles nothing, so the entry is asked
  // for again (one attempt gone, as for any answer that is no answer).
  if (state_ == State::kKeyConfirming) return retry();
  state_ = State::kKeyConfirming;
  flow::PlayPrompt ask;
  ask.text = keyConfirmText(pending_);
  return Listen{std::move(ask), yesNoGrammar(), true};
}

void SpeechTurn::keepAlternatives(const std::vector<std::string>& texts, const std::string& best) {
  alternatives_.clear();
  for (const std::string& text : texts) {
    if (static_cast<int>(alternatives_.size()) >= kMaxOfferedAlternatives) break;
    std::optional<std::string> digits = spokenDigits(text);
    if (!digits || *digits == best) continue;
    const int length = static_cast<int>(digits->size());
    if (length < minDigits_ || length > maxDigits_) continue;
    if (std::find(alternatives_.begin(), alternatives_.end(), *digits) != alternatives_.end())
      continue;
    alternatives_.push_back(std::move(*digits));
  }
  std::reverse(alternatives_.begin(), alternatives_.end());  // the next one to offer at the back
}

TurnStep SpeechTurn::rejected() {
  if (alternatives_.empty()) return retry();
  std::string next = std::move(alternatives_.back());
  alternatives_.pop_back();
  std::string text = alternativeText(next);
  return confirm(std::move(next), std::move(text));
}

TurnStep SpeechTurn::retry() {
  pending_.clear();
  alternatives_.clear();
  if (attempts_ >= options_.maxAttempts) return finish(std::nullopt, "gave-up");
  state_ = State::kListening;
  return listenForEntry(sorryPrompt(prompt_));
}

Listen SpeechTurn::listenForEntry(flow::PlayPrompt prompt) const {
  return Listen{std::move(prompt), digitGrammar(minDigits_, maxDigits_), false};
}

}  // namespace callgate::speech
