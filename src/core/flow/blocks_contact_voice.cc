// The text-to-speech voice settings of the contact actions (blocks_contact_internal.h).

#include <algorithm>
#include <array>
#include <cctype>
#include <span>
#include <tuple>

#include "core/flow/blocks_contact_internal.h"
#include "core/flow/session.h"

namespace callgate::flow::contact {

using detail::ActionScope;
using detail::Json;

namespace {

constexpr std::string_view kEngines[] = {"standard", "neural", "generative", "long-form"};
constexpr std::string_view kStyles[] = {"None", "Conversational", "Newscaster"};

// `value` as written in `allowed` (compared without case), or nullopt.
std::optional<std::string> canonical(std::string_view value,
                                     std::span<const std::string_view> allowed) {
  for (std::string_view a : allowed) {
    if (a.size() == value.size() &&
        std::equal(a.begin(), a.end(), value.begin(), [](char x, char y) {
          return std::tolower(static_cast<unsigned char>(x)) ==
                 std::tolower(static_cast<unsigned char>(y));
        }))
      return std::string(a);
  }
  return std::nullopt;
}

// A voice is named by letters ("Joanna", "Lupe", "Léa"): ASCII letters and the bytes of non-ASCII
// UTF-8 characters, never a space, digit, quote or other markup a channel might copy it into.
bool validVoiceName(std::string_view name) {
  return !name.empty() && name.size() <= kMaxVoiceNameBytes &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                  static_cast<unsigned char>(c) >= 0x80;
         });
}

// One of TextToSpeechVoice, TextToSpeechEngine, TextToSpeechStyle: a dynamic value as written, a
// static one checked and made canonical.
Result<Template> voiceSetting(const ActionScope& scope, std::string_view name,
                              const std::string& value, std::span<const std::string_view> allowed) {
  Result<Template> t = scope.dynamicValue(value);
  if (!t.ok() || !t->isStatic()) return t;
  if (allowed.empty()) {
    if (!validVoiceName(value))
      return scope.error(std::string(name) + " '" + value + "' is not a voice name");
    return t;
  }
  if (std::optional<std::string> c = canonical(value, allowed)) return Template::literal(*c);
  std::string list;
  for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  return scope.error(std::string(name) + " must be one of " + list + ", not '" + value + "'");
}

}  // namespace

namespace internal {

// TextToSpeechVoice (required when `required`), TextToSpeechEngine, TextToSpeechStyle.
Result<std::optional<TextToSpeechVoice>> parseVoice(const ActionScope& scope, const Json& params,
                                                    bool required) {
  Result<std::optional<std::string>> voice = scope.optionalString(params, "TextToSpeechVoice");
  if (!voice.ok()) return voice.error();
  Result<std::optional<std::string>> engine = scope.optionalString(params, "TextToSpeechEngine");
  if (!engine.ok()) return engine.error();
  Result<std::optional<std::string>> style = scope.optionalString(params, "TextToSpeechStyle");
  if (!style.ok()) return style.error();
  if (!voice->has_value()) {
    if (required) return scope.error("missing required parameter TextToSpeechVoice");
    if (engine->has_value() || style->has_value())
      return scope.error("TextToSpeechEngine and TextToSpeechStyle need TextToSpeechVoice");
    return std::optional<TextToSpeechVoice>();
  }
  TextToSpeechVoice out;
  for (auto [name, value, target, allowed] :
       {std::tuple{"TextToSpeechVoice", &*voice, &out.voice, std::span<const std::string_view>()},
        std::tuple{"TextToSpeechEngine", &*engine, &out.engine,
                   std::span<const std::string_view>(kEngines)},
        std::tuple{"TextToSpeechStyle", &*style, &out.style,
                   std::span<const std::string_view>(kStyles)}}) {
    if (!value->has_value()) continue;
    Result<Template> t = voiceSetting(scope, name, **value, allowed);
    if (!t.ok()) return t.error();
    *target = std::move(t).value();
  }
  return std::optional<TextToSpeechVoice>(std::move(out));
}

// The voice settings rendered and checked, in canonical case; nullopt when one is not valid.
std::optional<std::array<std::string, 3>> renderVoice(const TextToSpeechVoice& voice,
                                                      const ContactState& state) {
  std::optional<std::string> name = voice.voice.render(state, kMaxVoiceNameBytes);
  std::optional<std::string> engine = voice.engine.render(state, kMaxValueBytes);
  std::optional<std::string> style = voice.style.render(state, kMaxValueBytes);
  if (!name || !engine || !style || !validVoiceName(*name)) return std::nullopt;
  std::array<std::string, 3> out{*name, "", ""};
  for (auto [value, target, allowed] :
       {std::tuple{&*engine, &out[1], std::span<const std::string_view>(kEngines)},
        std::tuple{&*style, &out[2], std::span<const std::string_view>(kStyles)}}) {
    if (value->empty()) continue;
    std::optional<std::string> c = canonical(*value, allowed);
    if (!c) return std::nullopt;
    *target = std::move(*c);
  }
  return out;
}

void applyVoice(std::array<std::string, 3> voice, ContactState& state) {
  state.contact.ttsVoice = std::move(voice[0]);
  state.contact.ttsEngine = std::move(voice[1]);
  state.contact.ttsStyle = std::move(voice[2]);
}

}  // namespace internal
}  // namespace callgate::flow::contact
