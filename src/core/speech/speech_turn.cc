#include "core/speech/speech_turn.h"

#include <algorithm>
#include <string_view>
#include <utility>

#include "common/text.h"
#include "core/spoken_digits.h"

namespace callgate::speech {

namespace {

constexpr std::string_view kSorry = "Sorry, let's try again.";
constexpr std::string_view kKeypadHint = "You can also use your keypad.";
constexpr std::string_view kCheckParts = "Let's check it in parts. ";
constexpr std::string_view kTakeParts = "Let's take it in parts. ";
constexpr std::string_view kYesNoKeys = "If so, press 1 or say yes. If not, press 2 or say no.";

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Whether a prompt already tells the caller about the keys (then the re-prompt needs no hint).
bool mentionsKeys(const flow::PlayPrompt& prompt) {
  const std::string text = toLowerAscii(prompt.text);
  for (std::string_view word : {"keypad", "press", "enter", "type", "key in", "dial"}) {
    if (text.find(word) != std::string::npos) return true;
  }
  return false;
}

// "the first four digits", "the next three digits", "the last four digits".
std::string partName(int length, int index, int count) {
  static constexpr std::string_view kCounts[] = {"zero", "one",  "two", "three",
                                                 "four", "five", "six"};
  const std::string_view which = index == 0 ? "first" : index + 1 == count ? "last" : "next";
  const std::string n = length >= 0 && length < static_cast<int>(std::size(kCounts))
                            ? std::string(kCounts[length])
                            : std::to_string(length);
  return "the " + std::string(which) + " " + n + " digits";
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
  return "Sorry. Did you say " + spacedDigits(digits) + "? " + std::string(kYesNoKeys);
}

std::string partCheckText(const std::string& digits, int index, int count) {
  return "Were " + partName(static_cast<int>(digits.size()), index, count) + " " +
         spacedDigits(digits) + "? " + std::string(kYesNoKeys);
}

std::string partAskText(int length, int index, int count) {
  return "Please say " + partName(length, index, count) + ".";
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
  if (options_.parts && minDigits_ == maxDigits_ && options_.maxAttempts >= 2) {
    groups_ = digitGroups(maxDigits_);
    if (groups_.size() < 2) groups_.clear();
  }
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
  if (inParts()) return heardPart(result);
  std::optional<std::string> digits = spokenDigits(result.text);
  if (!digits || static_cast<int>(digits->size()) > maxDigits_) return retry();
  const bool inRange = static_cast<int>(digits->size()) >= minDigits_;
  // NaN confidence compares false: it is confirmed, never trusted. A threshold of 1 trusts
  // nothing, a confidence of 1 included.
  const bool confident = options_.confirmBelow < 1.0 && result.confidence >= options_.confirmBelow;
  if (inRange && confident && !alwaysConfirm_) return finish(std::move(digits), "speech");
  keepAlternatives(result.alternatives, *digits);
  reading_ = *digits;
  std::string text = readBackText(*digits);
  return confirm(std::move(*digits), std::move(text));
}

TurnStep SpeechTurn::keyed(const std::string& keys) {
  switch (state_) {
    case State::kFinished:
      return result_;
    case State::kConfirming:
    case State::kKeyConfirming:
      if (keys == "1") return taken(std::move(pending_));
      if (keys == "2") return rejected();
      return retry();  // a key that answers nothing
    case State::kListening:
      break;
  }
  // Asked for a group, keys as long as the group are the group; any other entry is the entry.
  if (inParts() && static_cast<int>(keys.size()) == partLength()) return taken(keys);
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
  reading_.clear();
  taken_.clear();
  rejected_.clear();
  state_ = State::kFinished;
  result_ = Finished{std::move(digits), std::move(how)};
  return result_;
}

TurnStep SpeechTurn::confirm(std::string digits, std::string text) {
  state_ = State::kConfirming;
  pending_ = std::move(digits);
  flow::PlayPrompt readBack;
  readBack.text = std::move(text);
  return listen(std::move(readBack), yesNoGrammar(), true);
}

TurnStep SpeechTurn::answered(const Recognition& result) {
  const std::optional<bool> yes = spokenYesNo(result.text);
  if (!yes) return retry();
  if (!*yes) return rejected();
  // NaN confidence compares false: an unsure yes, never a trusted one. A yes said only as "one"
  // is never sure: in babble, "no" is heard as "one" far more often than "yes" is (bench-asr:
  // 49 times against 17, 4 of them at confidence 0.69 to 1.00).
  if (result.confidence >= options_.yesFrom && !spokenKeyOnly(result.text))
    return taken(std::move(pending_));
  // An unsure yes may be a misheard no: never taken, never counted as a no. The keys cannot be
  // misheard; after the key question a second unsure yes settles nothing, so the entry is asked
  // for again (one attempt gone, as for any answer that is no answer).
  if (state_ == State::kKeyConfirming) return retry();
  state_ = State::kKeyConfirming;
  flow::PlayPrompt ask;
  ask.text = keyConfirmText(pending_);
  return listen(std::move(ask), yesNoGrammar(), true);
}

TurnStep SpeechTurn::taken(std::string digits) {
  if (!inParts()) return finish(std::move(digits), "speech-confirmed");
  taken_ += digits;
  pending_.clear();
  alternatives_.clear();
  ++part_;
  partTries_ = 0;
  return nextPart("");
}

void SpeechTurn::keepAlternatives(const std::vector<std::string>& texts, const std::string& best) {
  alternatives_.clear();
  const int lo = inParts() ? partLength() : minDigits_;
  const int hi = inParts() ? partLength() : maxDigits_;
  for (const std::string& text : texts) {
    if (static_cast<int>(alternatives_.size()) >= kMaxOfferedAlternatives) break;
    std::optional<std::string> digits = spokenDigits(text);
    if (!digits || *digits == best) continue;
    const int length = static_cast<int>(digits->size());
    if (length < lo || length > hi) continue;
    if (std::find(alternatives_.begin(), alternatives_.end(), *digits) != alternatives_.end())
      continue;
    alternatives_.push_back(std::move(*digits));
  }
  std::reverse(alternatives_.begin(), alternatives_.end());  // the next one to offer at the back
}

TurnStep SpeechTurn::rejected() {
  if (!alternatives_.empty()) {
    std::string next = std::move(alternatives_.back());
    alternatives_.pop_back();
    std::string text = alternativeText(next);
    return confirm(std::move(next), std::move(text));
  }
  if (inParts()) {
    if (checking_) return askPart("");  // the group was not as read: the caller says it
    return retry();
  }
  if (groups_.empty()) return retry();
  // The whole entry was wrong: take it in parts, checking the rejected reading's groups first
  // when it has the entry's length.
  part_ = 0;
  taken_.clear();
  rejected_ = static_cast<int>(reading_.size()) == maxDigits_ ? std::move(reading_) : std::string();
  reading_.clear();
  pending_.clear();
  return nextPart(rejected_.empty() ? kTakeParts : kCheckParts);
}

TurnStep SpeechTurn::retry() {
  pending_.clear();
  alternatives_.clear();
  if (inParts()) {
    if (partTries_ >= options_.maxAttempts - 1) return finish(std::nullopt, "gave-up");
    return askPart(std::string(kSorry) + " ");
  }
  reading_.clear();
  if (attempts_ >= options_.maxAttempts) return finish(std::nullopt, "gave-up");
  state_ = State::kListening;
  return listenForEntry(sorryPrompt(prompt_));
}

Listen SpeechTurn::listen(flow::PlayPrompt prompt, Grammar grammar, bool confirming) const {
  Listen out{std::move(prompt), std::move(grammar), confirming};
  if (inParts()) {
    out.partOffset = partOffset();
    out.partLength = partLength();
  }
  if (!confirming && out.grammar.isDigitSlot())
    out.minSpeechMs = out.grammar.minDigits * kShortestMsPerDigit;
  return out;
}

Listen SpeechTurn::listenForEntry(flow::PlayPrompt prompt) const {
  return listen(std::move(prompt), digitGrammar(minDigits_, maxDigits_), false);
}

int SpeechTurn::partOffset() const {
  int offset = 0;
  for (int i = 0; i < part_ && i < static_cast<int>(groups_.size()); ++i) offset += groups_[i];
  return offset;
}

int SpeechTurn::partLength() const {
  return part_ >= 0 && part_ < static_cast<int>(groups_.size()) ? groups_[part_] : 0;
}

TurnStep SpeechTurn::nextPart(std::string_view intro) {
  const int count = static_cast<int>(groups_.size());
  if (part_ >= count) return finish(std::move(taken_), "speech-confirmed");
  // Every group before the last confirmed as read: the reading was wrong in the last one.
  const bool lastMustDiffer = part_ + 1 == count && !resaid_;
  if (rejected_.empty() || lastMustDiffer) return askPart(intro);
  checking_ = true;
  std::string group =
      rejected_.substr(static_cast<size_t>(partOffset()), static_cast<size_t>(partLength()));
  std::string text = std::string(intro) + partCheckText(group, part_, count);
  return confirm(std::move(group), std::move(text));
}

TurnStep SpeechTurn::askPart(std::string_view before) {
  checking_ = false;
  resaid_ = true;
  pending_.clear();
  alternatives_.clear();
  state_ = State::kListening;
  flow::PlayPrompt ask;
  ask.text =
      std::string(before) + partAskText(partLength(), part_, static_cast<int>(groups_.size()));
  return listen(std::move(ask), digitGrammar(partLength(), partLength()), false);
}

TurnStep SpeechTurn::heardPart(const Recognition& result) {
  ++partTries_;
  std::optional<std::string> digits = spokenDigits(result.text);
  if (!digits || static_cast<int>(digits->size()) != partLength()) return retry();
  // Every group is read back, however sure the recogniser is: the caller has already said no
  // to one reading, and the confidence was calibrated on whole entries, not on groups.
  keepAlternatives(result.alternatives, *digits);
  std::string text = readBackText(*digits);
  return confirm(std::move(*digits), std::move(text));
}

}  // namespace callgate::speech
