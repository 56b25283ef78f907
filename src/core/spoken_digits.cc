#include "core/spoken_digits.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#include "common/text.h"

namespace callgate {

namespace {

// No real entry or answer is anywhere near this long; refusing more bounds the work.
constexpr size_t kMaxTranscriptBytes = 1024;

enum class Kind {
  kZero,  // zero, oh, o, nought: always one digit of its own
  kUnit,  // one .. nine (value 1..9)
  kTeen,  // ten .. nineteen (10..19)
  kTens,  // twenty .. ninety (20..90)
  kHundred,
  kThousand,
  kAnd,
  kA,       // "a hundred", "a thousand"
  kRepeat,  // double (2), triple (3)
  kFiller,
  kNumeral,  // "42"
  kOther,
};

struct Word {
  std::string_view text;
  Kind kind;
  int value;
};

constexpr std::array<Word, 43> kWords{{
    {"zero", Kind::kZero, 0},
    {"oh", Kind::kZero, 0},
    {"o", Kind::kZero, 0},
    {"nought", Kind::kZero, 0},
    {"one", Kind::kUnit, 1},
    {"two", Kind::kUnit, 2},
    {"three", Kind::kUnit, 3},
    {"four", Kind::kUnit, 4},
    {"five", Kind::kUnit, 5},
    {"six", Kind::kUnit, 6},
    {"seven", Kind::kUnit, 7},
    {"eight", Kind::kUnit, 8},
    {"nine", Kind::kUnit, 9},
    {"ten", Kind::kTeen, 10},
    {"eleven", Kind::kTeen, 11},
    {"twelve", Kind::kTeen, 12},
    {"thirteen", Kind::kTeen, 13},
    {"fourteen", Kind::kTeen, 14},
    {"fifteen", Kind::kTeen, 15},
    {"sixteen", Kind::kTeen, 16},
    {"seventeen", Kind::kTeen, 17},
    {"eighteen", Kind::kTeen, 18},
    {"nineteen", Kind::kTeen, 19},
    {"twenty", Kind::kTens, 20},
    {"thirty", Kind::kTens, 30},
    {"forty", Kind::kTens, 40},
    {"fifty", Kind::kTens, 50},
    {"sixty", Kind::kTens, 60},
    {"seventy", Kind::kTens, 70},
    {"eighty", Kind::kTens, 80},
    {"ninety", Kind::kTens, 90},
    {"hundred", Kind::kHundred, 0},
    {"thousand", Kind::kThousand, 0},
    {"and", Kind::kAnd, 0},
    {"a", Kind::kA, 0},
    {"double", Kind::kRepeat, 2},
    {"triple", Kind::kRepeat, 3},
    {"uh", Kind::kFiller, 0},
    {"um", Kind::kFiller, 0},
    {"umm", Kind::kFiller, 0},
    {"er", Kind::kFiller, 0},
    {"erm", Kind::kFiller, 0},
    {"ah", Kind::kFiller, 0},
}};

bool isSeparator(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == '.' || c == '-' ||
         c == '!' || c == '?' || c == ';' || c == ':';
}

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  std::string current;
  for (char c : text) {
    if (isSeparator(c)) {
      if (!current.empty()) out.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  if (!current.empty()) out.push_back(std::move(current));
  return out;
}

bool isNumeral(const std::string& word) {
  bool numeral = !word.empty();
  for (char c : word) numeral = numeral && c >= '0' && c <= '9';
  return numeral;
}

Word classify(const std::string& token) {
  if (isNumeral(token)) return {token, Kind::kNumeral, 0};
  for (const Word& w : kWords) {
    if (token == w.text) return w;
  }
  return {token, Kind::kOther, 0};
}

// One cardinal number said in words ("five hundred and six"), built word by word. What was said
// last decides what may join it; a word that cannot join closes it and starts the next piece.
class Cardinal {
 public:
  enum class Last { kUnit, kTeen, kTens, kTensUnit, kHundred, kThousand, kAnd, kA };

  bool open() const { return open_; }

  void start(Last last, int value) {
    open_ = true;
    thousands_ = 0;
    current_ = value;
    hundredUsed_ = false;
    thousandUsed_ = false;
    last_ = last;
  }

  // A unit (1..9), teen or ten joins after hundred/thousand/and, a unit also after a ten.
  bool tryJoin(Kind kind, int value) {
    if (!open_) return false;
    const bool afterMultiplier =
        last_ == Last::kHundred || last_ == Last::kThousand || last_ == Last::kAnd;
    if (kind == Kind::kUnit && last_ == Last::kTens) {
      current_ += value;
      last_ = Last::kTensUnit;
      return true;
    }
    if (!afterMultiplier) return false;
    current_ += value;
    last_ = kind == Kind::kUnit ? Last::kUnit : kind == Kind::kTeen ? Last::kTeen : Last::kTens;
    return true;
  }

  bool hundred() {
    if (!open_ || hundredUsed_) return false;
    if (last_ == Last::kHundred || last_ == Last::kThousand || last_ == Last::kAnd) return false;
    // After a thousand only "two thousand five hundred"; "two thousand twenty one hundred" is
    // no number.
    const bool ok = thousandUsed_ ? (last_ == Last::kUnit && current_ >= 1 && current_ <= 9)
                                  : (current_ >= 1 && current_ <= 99);
    if (!ok) return false;
    current_ *= 100;
    hundredUsed_ = true;
    last_ = Last::kHundred;
    return true;
  }

  bool thousand() {
    if (!open_ || thousandUsed_) return false;
    if (last_ == Last::kThousand || last_ == Last::kAnd) return false;
    if (current_ < 1 || current_ > 999) return false;
    thousands_ = current_ * 1000;
    current_ = 0;
    hundredUsed_ = false;
    thousandUsed_ = true;
    last_ = Last::kThousand;
    return true;
  }

  bool andWord() {
    if (!open_ || (last_ != Last::kHundred && last_ != Last::kThousand)) return false;
    last_ = Last::kAnd;
    return true;
  }

  // Appends the number's digits to `out`; false when it ended on "and" or a lone "a".
  bool close(std::string& out) {
    if (!open_) return true;
    open_ = false;
    if (last_ == Last::kAnd || last_ == Last::kA) return false;
    out += std::to_string(thousands_ + current_);
    return true;
  }

 private:
  bool open_ = false;
  int64_t thousands_ = 0;
  int64_t current_ = 0;
  bool hundredUsed_ = false;
  bool thousandUsed_ = false;
  Last last_ = Last::kUnit;
};

}  // namespace

std::optional<std::string> spokenDigits(std::string_view transcript) {
  if (transcript.size() > kMaxTranscriptBytes) return std::nullopt;
  const std::vector<std::string> tokens = words(toLowerAscii(transcript));
  std::string out;
  Cardinal number;
  int repeat = 1;  // pending "double" (2) / "triple" (3) for the next digit
  for (const std::string& token : tokens) {
    const Word word = classify(token);
    if (word.kind == Kind::kFiller) continue;
    if (repeat != 1) {
      // "double 5" -> 55; "double 56" -> 556: the repetition applies to the next digit only, and
      // only a digit may follow ("double twenty", "double triple" mean nothing).
      std::string digits;
      if (word.kind == Kind::kNumeral) {
        digits = token;
      } else if (word.kind == Kind::kZero || word.kind == Kind::kUnit) {
        digits = std::to_string(word.value);
      } else {
        return std::nullopt;
      }
      out.append(static_cast<size_t>(repeat - 1), digits[0]);
      out += digits;
      repeat = 1;
      continue;
    }
    switch (word.kind) {
      case Kind::kUnit:
      case Kind::kTeen:
      case Kind::kTens:
        if (number.tryJoin(word.kind, word.value)) break;
        if (!number.close(out)) return std::nullopt;
        number.start(word.kind == Kind::kUnit   ? Cardinal::Last::kUnit
                     : word.kind == Kind::kTeen ? Cardinal::Last::kTeen
                                                : Cardinal::Last::kTens,
                     word.value);
        break;
      case Kind::kZero:
        if (!number.close(out)) return std::nullopt;
        out.push_back('0');
        break;
      case Kind::kNumeral:
        if (!number.close(out)) return std::nullopt;
        out += token;
        break;
      case Kind::kA:
        if (!number.close(out)) return std::nullopt;
        number.start(Cardinal::Last::kA, 1);
        break;
      case Kind::kHundred:
        if (!number.hundred()) return std::nullopt;
        break;
      case Kind::kThousand:
        if (!number.thousand()) return std::nullopt;
        break;
      case Kind::kAnd:
        if (!number.andWord()) return std::nullopt;
        break;
      case Kind::kRepeat:
        if (!number.close(out)) return std::nullopt;
        repeat = word.value;
        break;
      case Kind::kFiller:
        break;
      case Kind::kOther:
        return std::nullopt;
    }
  }
  if (!number.close(out)) return std::nullopt;
  if (repeat != 1 || out.empty()) return std::nullopt;
  return out;
}

std::optional<bool> spokenYesNo(std::string_view transcript) {
  if (transcript.size() > kMaxTranscriptBytes) return std::nullopt;
  // Recognisers that write typographic apostrophes: "that’s" is "that's".
  // (Copied rather than std::string::replace'd: GCC 12 warns falsely about the latter at -O2.)
  const std::string lower = toLowerAscii(transcript);
  constexpr std::string_view kRightQuote = "\xE2\x80\x99";
  std::string text;
  text.reserve(lower.size());
  for (size_t i = 0; i < lower.size(); ++i) {
    if (std::string_view(lower).substr(i, kRightQuote.size()) == kRightQuote) {
      text.push_back('\'');
      i += kRightQuote.size() - 1;
    } else {
      text.push_back(lower[i]);
    }
  }
  const std::vector<std::string> tokens = words(text);
  std::optional<bool> answer;
  const auto agree = [&answer](bool value) {
    if (answer && *answer != value) return false;
    answer = value;
    return true;
  };
  for (size_t i = 0; i < tokens.size(); ++i) {
    const std::string& t = tokens[i];
    if (classify(t).kind == Kind::kFiller) continue;
    // "that's" / "that is" only lead into an answer word, which the loop then reads.
    if (t == "that's" || t == "thats" || t == "it's") {
      if (i + 1 == tokens.size()) return std::nullopt;
      continue;
    }
    if ((t == "that" || t == "it") && i + 1 < tokens.size() && tokens[i + 1] == "is") {
      if (i + 2 == tokens.size()) return std::nullopt;
      ++i;
      continue;
    }
    if (t == "not") {
      if (i + 1 == tokens.size()) return std::nullopt;
      const std::string& next = tokens[++i];
      if (next != "right" && next != "correct") return std::nullopt;
      if (!agree(false)) return std::nullopt;
      continue;
    }
    if (t == "yes" || t == "yeah" || t == "yep" || t == "yup" || t == "correct" || t == "right" ||
        t == "one" || t == "1") {
      if (!agree(true)) return std::nullopt;
    } else if (t == "no" || t == "nope" || t == "wrong" || t == "incorrect" || t == "two" ||
               t == "2") {
      if (!agree(false)) return std::nullopt;
    } else {
      return std::nullopt;
    }
  }
  return answer;
}

bool spokenKeyOnly(std::string_view transcript) {
  if (transcript.size() > kMaxTranscriptBytes) return false;
  const std::vector<std::string> tokens = words(toLowerAscii(transcript));
  return !tokens.empty() && std::all_of(tokens.begin(), tokens.end(), [](const std::string& t) {
    return t == "one" || t == "1";
  });
}

}  // namespace callgate
