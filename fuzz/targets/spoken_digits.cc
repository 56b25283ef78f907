// Fuzz target: a speech transcript (core/spoken_digits), as the recogniser or Twilio's
// SpeechResult hands it over. Invariants (the header's contract): the answer is digits only and
// never empty, a transcript over 1024 bytes is refused, and an answer is stable: the digits
// themselves, said back as a numeral, read as the same digits.
#include "core/spoken_digits.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view transcript(reinterpret_cast<const char*>(data), size);
  const auto digits = callgate::spokenDigits(transcript);
  (void)callgate::spokenYesNo(transcript);
  if (!digits) return 0;
  if (size > 1024 || digits->empty() ||
      digits->find_first_not_of("0123456789") != std::string::npos) {
    std::abort();
  }
  const auto again = callgate::spokenDigits(*digits);
  if (digits->size() <= 1024 && again != digits) std::abort();
  return 0;
}
