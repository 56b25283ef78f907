// Internal to the contact actions (blocks_contact.h): what their files share. blocks_contact.cc
// dispatches and runs the simple actions; blocks_contact_phone.cc holds those that deal in phone
// numbers (TransferParticipantToThirdParty, UpdateContactCallbackNumber, GetParticipantInput's
// PhoneNumberValidation) and blocks_contact_voice.cc the text-to-speech voice settings
// (UpdateContactTextToSpeechVoice and the same keys of UpdateContactData). Not part of the flow
// engine's API.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "core/flow/blocks_contact.h"

namespace callgate::flow::contact::internal {

inline constexpr std::string_view kNoMatchingError = "NoMatchingError";

Result<BlockParams> wrap(auto value) {
  return BlockParams(ContactParams{std::make_shared<const Params>(Params{std::move(value)})});
}

template <typename T>
const T& paramsOf(const Block& block) {
  return std::get<T>(std::get<ContactParams>(block.params).params->value);
}

inline Step next() { return Step{Step::Kind::kNext, "", std::nullopt}; }
inline Step fail(std::string errorType) {
  return Step{Step::Kind::kError, std::move(errorType), std::nullopt};
}

Result<BlockParams> parseCallbackNumber(const detail::ActionScope& scope,
                                        const detail::Json& params);
Result<BlockParams> parseThirdParty(const detail::ActionScope& scope, const detail::Json& params);
Step enterCallbackNumber(const Block& block, ContactState& state);
Step enterThirdParty(const Block& block, ContactState& state);

// TextToSpeechVoice (required when `required`), TextToSpeechEngine, TextToSpeechStyle: a static
// value checked and made canonical when the flow loads (blocks_contact_voice.cc).
Result<std::optional<TextToSpeechVoice>> parseVoice(const detail::ActionScope& scope,
                                                    const detail::Json& params, bool required);
// The voice settings rendered and checked, in canonical case; nullopt when one is not valid.
std::optional<std::array<std::string, 3>> renderVoice(const TextToSpeechVoice& voice,
                                                      const ContactState& state);
void applyVoice(std::array<std::string, 3> voice, ContactState& state);

}  // namespace callgate::flow::contact::internal
