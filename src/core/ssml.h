// SSML prompts as plain text. Flows may write prompts in SSML; callgate's own synthesiser and
// Twilio's <Say> (which accepts only a subset of SSML and rejects a document that is not
// well-formed) both speak them as plain text rather than pass flow-authored markup through.
// Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace callgate {

// The text an SSML prompt speaks: tags removed, the five predefined entities decoded, whitespace
// runs collapsed.
std::string ssmlToText(std::string_view ssml);

}  // namespace callgate
