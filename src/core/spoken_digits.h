// Spoken numbers to keypad digits: turns a speech transcript such as "five oh five seven",
// "double two three one", "1 2 3 4." or "one-two-three" into "5057", "2231", "1234", "123", so a
// caller may say what they would otherwise key. Deliberately simple (digit words, "oh"/"o" for
// zero, "double"/"triple", numerals, a few fillers); the speech-input work replaces or extends it
// (tens like "twenty one" are not understood yet and make the whole transcript unusable).
// Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace callgate {

// The digits the transcript spells, or nullopt when any word is not part of a spoken number
// (so "I don't know" never becomes an empty or partial entry) or no digit is left.
std::optional<std::string> spokenDigits(std::string_view transcript);

}  // namespace callgate
