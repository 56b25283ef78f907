#include "core/flow/lex_bot.h"

#include <algorithm>
#include <cctype>
#include <exception>
#include <functional>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "core/spoken_digits.h"

namespace callgate::flow {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kMaxBotJsonBytes = 1 << 20;
constexpr std::size_t kMaxNameBytes = 100;
// Words one number slot may span ("double five", "twenty one", sixteen digits said one by one).
constexpr std::size_t kMaxNumberWords = 20;
// Search steps per utterance and input: bounds the backtracking over slot spans.
constexpr int kMatchBudget = 4000;

// Skipped on both sides of a match: they carry no meaning for an intent.
const std::set<std::string, std::less<>> kFillers = {"uh",  "um", "umm",   "er",
                                                     "erm", "ah", "please"};

Error botError(std::string message) {
  return Error::invalidArgument("lex bot: " + std::move(message));
}

// obj[key], also spelt with an upper-case first letter (Lex V2 exports are camelCase,
// CloudFormation is PascalCase); the first of `keys` present wins.
const Json* member(const Json& obj, std::initializer_list<std::string_view> keys) {
  if (!obj.is_object()) return nullptr;
  for (std::string_view key : keys) {
    std::string k(key);
    if (auto it = obj.find(k); it != obj.end() && !it->is_null()) return &*it;
    k[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(k[0])));
    if (auto it = obj.find(k); it != obj.end() && !it->is_null()) return &*it;
  }
  return nullptr;
}

std::optional<std::string> text(const Json* j) {
  if (j == nullptr || !j->is_string()) return std::nullopt;
  return j->get<std::string>();
}

// A string, or an object holding it under one of `keys` ({"utterance": "..."}, {"value": "..."}).
std::optional<std::string> textOrNested(const Json& j,
                                        std::initializer_list<std::string_view> keys) {
  if (j.is_string()) return j.get<std::string>();
  return text(member(j, keys));
}

std::string joined(const std::vector<std::string>& words, std::size_t from, std::size_t to) {
  std::string out;
  for (std::size_t i = from; i < to; ++i) {
    if (i > from) out += ' ';
    out += words[i];
  }
  return out;
}

}  // namespace

std::vector<std::string> LexBot::normalise(std::string_view input) {
  std::vector<std::string> words;
  std::string word;
  auto flush = [&] {
    while (!word.empty() && word.front() == '\'') word.erase(word.begin());
    while (!word.empty() && word.back() == '\'') word.pop_back();
    if (!word.empty() && !kFillers.contains(word)) words.push_back(word);
    word.clear();
  };
  for (char c : input) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '\'' || u >= 0x80) {
      word += static_cast<char>(std::tolower(u));
    } else {
      flush();
    }
  }
  flush();
  return words;
}

// Builds a LexBot from a parsed document; a friend of LexBot.
class LexBotBuilder {
 public:
  static Result<std::shared_ptr<const LexBot>> build(const Json& document,
                                                     std::string_view fallbackName) {
    const Json* root = &document;
    if (!root->is_object()) return botError("the bot file must be a JSON object");
    if (const Json* props = member(*root, {"properties"}); props && props->is_object())
      root = props;  // a CloudFormation AWS::Lex::Bot resource
    std::shared_ptr<LexBot> bot(new LexBot());
    bot->name_ = text(member(*root, {"name", "botName"})).value_or(std::string(fallbackName));
    if (bot->name_.empty() || bot->name_.size() > kMaxNameBytes)
      return botError("the bot name must be 1 to 100 bytes");

    const Json* locale = root;
    if (const Json* locales = member(*root, {"botLocales"})) {
      if (!locales->is_array() || locales->empty())
        return botError("botLocales must be a non-empty array");
      locale = &(*locales)[0];
      for (const Json& l : *locales) {
        std::optional<std::string> id = text(member(l, {"localeId"}));
        if (id == "en_US" || id == "en-US") locale = &l;
      }
    }
    LexBotBuilder b(*bot);
    if (Status s = b.readSlotTypes(*locale); !s.ok()) return s.error();
    if (Status s = b.readIntents(*locale); !s.ok()) return s.error();
    return std::shared_ptr<const LexBot>(std::move(bot));
  }

 private:
  explicit LexBotBuilder(LexBot& bot) : bot_(bot) {}

  Status readSlotTypes(const Json& locale) {
    const Json* types = member(locale, {"slotTypes"});
    if (types == nullptr) return okStatus();
    if (!types->is_array()) return botError("slotTypes must be an array");
    for (const Json& t : *types) {
      std::optional<std::string> name = text(member(t, {"name", "slotTypeName"}));
      if (!name || name->empty()) return botError("every slot type needs a name");
      if (declared_.contains(*name)) return botError("slot type '" + *name + "' is defined twice");
      declared_.emplace(*name, &t);
    }
    return okStatus();
  }

  // The index of the slot type `name` in bot_.slotTypes_, added on first use.
  Result<std::size_t> slotType(const std::string& name) {
    for (std::size_t i = 0; i < bot_.slotTypes_.size(); ++i) {
      if (bot_.slotTypes_[i].name == name) return i;
    }
    LexSlotType type;
    type.name = name;
    if (auto it = declared_.find(name); it != declared_.end()) {
      if (Status s = readValues(*it->second, type); !s.ok()) return s.error();
    } else if (name == "AMAZON.Number" || name == "AMAZON.AlphaNumeric") {
      type.kind = LexSlotType::Kind::kNumber;
    } else if (name == "AMAZON.Confirmation") {
      addValue(type, "Yes", {"yes", "yeah", "yep", "correct", "sure", "right", "that's right"});
      addValue(type, "No", {"no", "nope", "wrong", "incorrect", "not right"});
    } else {
      return botError("slot type '" + name +
                      "' is not supported by the local bot (AMAZON.Number, AMAZON.AlphaNumeric, "
                      "AMAZON.Confirmation, or a slot type with values)");
    }
    bot_.slotTypes_.push_back(std::move(type));
    return bot_.slotTypes_.size() - 1;
  }

  static void addValue(LexSlotType& type, std::string value,
                       std::initializer_list<std::string_view> phrases) {
    LexSlotValue v;
    v.value = std::move(value);
    for (std::string_view p : phrases) v.phrases.push_back(LexBot::normalise(p));
    type.values.push_back(std::move(v));
  }

  Status readValues(const Json& t, LexSlotType& type) {
    const Json* strategy = member(t, {"valueSelectionSetting"});
    std::optional<std::string> resolution = strategy
                                                ? text(member(*strategy, {"resolutionStrategy"}))
                                                : text(member(t, {"resolution"}));
    type.originalValue = resolution == "OriginalValue" || resolution == "ORIGINAL_VALUE";
    const Json* values = member(t, {"values", "slotTypeValues", "enumerationValues"});
    if (values == nullptr || (values->is_array() && values->empty())) {
      // A regular-expression type over AMAZON.AlphaNumeric (account numbers and the like).
      std::optional<std::string> parent = text(member(t, {"parentSlotTypeSignature"}));
      if (parent == "AMAZON.AlphaNumeric" || parent == "AMAZON.Number") {
        type.kind = LexSlotType::Kind::kNumber;
        return okStatus();
      }
      return botError("slot type '" + type.name + "' has no values");
    }
    if (!values->is_array() || values->size() > kMaxLexSlotValues) {
      return botError("the values of slot type '" + type.name + "' must be an array of at most " +
                      std::to_string(kMaxLexSlotValues));
    }
    for (const Json& entry : *values) {
      LexSlotValue v;
      const Json* sample = member(entry, {"sampleValue"});
      std::optional<std::string> value =
          sample ? textOrNested(*sample, {"value"}) : textOrNested(entry, {"value"});
      if (!value || value->empty())
        return botError("slot type '" + type.name + "' has a value that is not a string");
      v.value = *value;
      v.phrases.push_back(LexBot::normalise(*value));
      if (const Json* synonyms = member(entry, {"synonyms"}); synonyms && synonyms->is_array()) {
        for (const Json& s : *synonyms) {
          std::optional<std::string> synonym = textOrNested(s, {"value"});
          if (!synonym) return botError("slot type '" + type.name + "' has a bad synonym");
          v.phrases.push_back(LexBot::normalise(*synonym));
        }
      }
      std::erase_if(v.phrases, [](const auto& words) { return words.empty(); });
      if (v.phrases.empty()) return botError("slot type '" + type.name + "' has an empty value");
      type.values.push_back(std::move(v));
    }
    return okStatus();
  }

  Status readIntents(const Json& locale) {
    const Json* intents = member(locale, {"intents"});
    if (intents == nullptr || !intents->is_array() || intents->empty())
      return botError("the bot needs an intents array");
    if (intents->size() > kMaxLexIntents)
      return botError("more than " + std::to_string(kMaxLexIntents) + " intents");
    for (const Json& i : *intents) {
      Result<LexIntent> intent = readIntent(i);
      if (!intent.ok()) return intent.error();
      if (bot_.findIntent(intent->name) != nullptr)
        return botError("intent '" + intent->name + "' is defined twice");
      bot_.intents_.push_back(std::move(intent).value());
    }
    return okStatus();
  }

  Result<LexIntent> readIntent(const Json& i) {
    LexIntent intent;
    std::optional<std::string> name = text(member(i, {"name", "intentName"}));
    if (!name || name->empty() || name->size() > kMaxNameBytes)
      return botError("every intent needs a name of 1 to 100 bytes");
    intent.name = *name;
    auto fail = [&](const std::string& m) {
      return botError("intent '" + intent.name + "': " + m);
    };
    intent.dtmf = text(member(i, {"dtmf"})).value_or("");
    for (char c : intent.dtmf) {
      if (!std::isdigit(static_cast<unsigned char>(c)) && c != '*' && c != '#')
        return fail("dtmf must be keys 0-9 * #");
    }
    if (const Json* slots = member(i, {"slots"})) {
      if (!slots->is_array()) return fail("slots must be an array");
      for (const Json& s : *slots) {
        std::optional<std::string> slotName = text(member(s, {"name", "slotName"}));
        std::optional<std::string> typeName = text(member(s, {"type", "slotTypeName"}));
        if (!slotName || slotName->empty() || !typeName)
          return fail("every slot needs a name and a type (slotTypeName)");
        Result<std::size_t> type = slotType(*typeName);
        if (!type.ok()) return fail(type.error().message());
        intent.slots.push_back(LexIntentSlot{*slotName, *type});
      }
    }
    const Json* utterances = member(i, {"utterances", "sampleUtterances"});
    if (utterances != nullptr) {
      if (!utterances->is_array() || utterances->size() > kMaxLexUtterancesPerIntent) {
        return fail("sample utterances must be an array of at most " +
                    std::to_string(kMaxLexUtterancesPerIntent));
      }
      for (const Json& u : *utterances) {
        std::optional<std::string> utterance = textOrNested(u, {"utterance"});
        if (!utterance) return fail("a sample utterance is not a string");
        Result<std::vector<LexToken>> tokens = tokenise(intent, *utterance);
        if (!tokens.ok()) return fail(tokens.error().message());
        if (!tokens->empty()) intent.utterances.push_back(std::move(tokens).value());
      }
    }
    return intent;
  }

  // "pay {Amount} dollars" -> pay, {slot 0}, dollars.
  static Result<std::vector<LexToken>> tokenise(const LexIntent& intent, std::string_view u) {
    std::vector<LexToken> out;
    std::size_t at = 0;
    while (at < u.size()) {
      std::size_t open = u.find('{', at);
      for (std::string& w : LexBot::normalise(u.substr(at, open - at)))
        out.push_back(LexToken{std::move(w), 0});
      if (open == std::string_view::npos) break;
      std::size_t close = u.find('}', open);
      if (close == std::string_view::npos)
        return Error::invalidArgument("unclosed { in '" + std::string(u) + "'");
      std::string_view slot = u.substr(open + 1, close - open - 1);
      auto it = std::find_if(intent.slots.begin(), intent.slots.end(),
                             [&](const LexIntentSlot& s) { return s.name == slot; });
      if (it == intent.slots.end()) {
        return Error::invalidArgument("utterance '" + std::string(u) + "' names slot '" +
                                      std::string(slot) + "', which the intent does not have");
      }
      out.push_back(LexToken{"", static_cast<std::size_t>(it - intent.slots.begin())});
      at = close + 1;
    }
    if (out.size() > kMaxLexUtteranceWords) {
      return Error::invalidArgument("utterance '" + std::string(u) + "' has more than " +
                                    std::to_string(kMaxLexUtteranceWords) + " words");
    }
    return out;
  }

  LexBot& bot_;
  std::map<std::string, const Json*> declared_;  // slot types the file defines
};

Result<std::shared_ptr<const LexBot>> LexBot::parse(std::string_view json,
                                                    std::string_view fallbackName) {
  if (json.size() > kMaxBotJsonBytes) return botError("the bot file is larger than 1 MiB");
  try {
    Json document = Json::parse(json.begin(), json.end());
    return LexBotBuilder::build(document, fallbackName);
  } catch (const std::exception& e) {
    return botError(std::string("malformed JSON: ") + e.what());
  }
}

const LexIntent* LexBot::findIntent(std::string_view name) const {
  for (const LexIntent& i : intents_) {
    if (i.name == name) return &i;
  }
  return nullptr;
}

std::optional<std::string> LexBot::slotValue(const LexSlotType& type,
                                             const std::vector<std::string>& words,
                                             std::size_t from, std::size_t to) const {
  if (type.kind == LexSlotType::Kind::kNumber) {
    if (to - from > kMaxNumberWords) return std::nullopt;
    std::optional<std::string> digits = spokenDigits(joined(words, from, to));
    if (!digits || digits->size() > kMaxLexSpokenDigits) return std::nullopt;
    return digits;
  }
  for (const LexSlotValue& v : type.values) {
    for (const std::vector<std::string>& phrase : v.phrases) {
      if (phrase.size() == to - from &&
          std::equal(phrase.begin(), phrase.end(),
                     words.begin() + static_cast<std::ptrdiff_t>(from))) {
        return type.originalValue ? joined(words, from, to) : v.value;
      }
    }
  }
  return std::nullopt;
}

namespace {

// One utterance against the input words: where a match starting at `i` ends (nullopt = none),
// with the slot values it took. Slots try their longest span first.
class UtteranceSearch {
 public:
  using SlotValueFn =
      std::function<std::optional<std::string>(std::size_t slot, std::size_t from, std::size_t to)>;
  UtteranceSearch(const std::vector<LexToken>& utterance, const std::vector<std::string>& words,
                  SlotValueFn value)
      : utterance_(utterance), words_(words), value_(std::move(value)) {}

  std::optional<std::size_t> from(std::size_t i, bool wholeInput) {
    budget_ = kMatchBudget;
    values_.clear();
    return run(i, 0, wholeInput);
  }
  const std::map<std::size_t, std::string>& values() const { return values_; }

 private:
  std::optional<std::size_t> run(std::size_t i, std::size_t j, bool wholeInput) {
    if (--budget_ <= 0) return std::nullopt;
    if (j == utterance_.size()) {
      if (wholeInput && i != words_.size()) return std::nullopt;
      return i;
    }
    const LexToken& token = utterance_[j];
    if (!token.isSlot()) {
      if (i < words_.size() && words_[i] == token.word) return run(i + 1, j + 1, wholeInput);
      return std::nullopt;
    }
    for (std::size_t to = words_.size(); to > i; --to) {
      std::optional<std::string> v = value_(token.slot, i, to);
      if (!v) continue;
      values_[token.slot] = std::move(*v);
      if (std::optional<std::size_t> end = run(to, j + 1, wholeInput)) return end;
      values_.erase(token.slot);
    }
    return std::nullopt;
  }

  const std::vector<LexToken>& utterance_;
  const std::vector<std::string>& words_;
  SlotValueFn value_;
  int budget_ = 0;
  std::map<std::size_t, std::string> values_;
};

std::size_t literalWords(const std::vector<LexToken>& utterance) {
  return static_cast<std::size_t>(std::count_if(utterance.begin(), utterance.end(),
                                                [](const LexToken& t) { return !t.isSlot(); }));
}

}  // namespace

std::optional<LexMatch> LexBot::match(std::string_view input) const {
  std::vector<std::string> words = normalise(input.substr(0, 1024));
  if (words.empty() || words.size() > kMaxLexInputWords) return std::nullopt;
  std::optional<LexMatch> best;
  std::size_t bestLiterals = 0;
  for (const LexIntent& intent : intents_) {
    auto value = [&](std::size_t slot, std::size_t from, std::size_t to) {
      return slotValue(slotTypes_[intent.slots[slot].type], words, from, to);
    };
    for (const std::vector<LexToken>& utterance : intent.utterances) {
      UtteranceSearch search(utterance, words, value);
      // The whole input first; then the utterance inside a longer input.
      double confidence = 0.0;
      std::map<std::size_t, std::string> values;
      if (search.from(0, /*wholeInput=*/true)) {
        confidence = 1.0;
        values = search.values();
      } else {
        for (std::size_t start = 0; start < words.size(); ++start) {
          std::optional<std::size_t> end = search.from(start, /*wholeInput=*/false);
          if (!end) continue;
          double covered = static_cast<double>(*end - start) / static_cast<double>(words.size());
          if (covered > confidence) {
            confidence = covered;
            values = search.values();
          }
        }
        if (confidence < kMinPartialConfidence) continue;
      }
      const std::size_t literals = literalWords(utterance);
      // Better confidence wins; at equal confidence the utterance with more fixed words (the more
      // specific one); at equal both, the earlier intent.
      if (best && (confidence < best->confidence ||
                   (confidence == best->confidence && literals <= bestLiterals)))
        continue;
      LexMatch m;
      m.intent = intent.name;
      m.confidence = confidence;
      for (std::size_t s = 0; s < intent.slots.size(); ++s) {
        auto it = values.find(s);
        m.slots[intent.slots[s].name] = it == values.end() ? std::string() : it->second;
      }
      best = std::move(m);
      bestLiterals = literals;
    }
  }
  return best;
}

std::optional<LexMatch> LexBot::matchKeys(std::string_view keys) const {
  if (keys.empty()) return std::nullopt;
  for (const LexIntent& intent : intents_) {
    if (intent.dtmf.empty() || intent.dtmf != keys) continue;
    LexMatch m;
    m.intent = intent.name;
    m.confidence = 1.0;
    for (const LexIntentSlot& s : intent.slots) m.slots[s.name] = "";
    return m;
  }
  return match(keys);
}

bool LexBot::keysChooseIntent(std::string_view keys) const {
  bool chosen = false;
  for (const LexIntent& intent : intents_) {
    if (intent.dtmf == keys) chosen = true;
    if (intent.dtmf.size() > keys.size() && intent.dtmf.starts_with(keys)) return false;
    for (const auto& utterance : intent.utterances) {
      if (utterance.size() == 1 && utterance.front().isSlot() &&
          slotTypes_[intent.slots[utterance.front().slot].type].kind == LexSlotType::Kind::kNumber)
        return false;
    }
  }
  return chosen;
}

namespace {

IntentRecognized recognized(std::optional<LexMatch> m, std::string how) {
  IntentRecognized out;
  out.how = std::move(how);
  if (!m) {
    out.intent = std::string(kFallbackIntent);
    return out;
  }
  out.intent = std::move(m->intent);
  out.slots = std::move(m->slots);
  out.confidence = m->confidence;
  return out;
}

}  // namespace

IntentRecognized intentFromWords(const LexBot& bot, std::string_view words, std::string how) {
  return recognized(bot.match(words), std::move(how));
}

IntentRecognized intentFromKeys(const LexBot& bot, std::string_view keys) {
  return recognized(bot.matchKeys(keys), "dtmf");
}

}  // namespace callgate::flow
