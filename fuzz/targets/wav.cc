// Fuzz target: a WAV prompt file (adapters/speech/tts), read by readWav8k, the reader of the
// prompts/<language>/*.wav overrides, from an in-memory file. Invariant: audio it accepts,
// encoded again with encodeWav8k, reads back to the same samples.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "adapters/speech/tts/wav_file.h"
#include "memfd_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static callgate::fuzz::MemFile file("callgate-fuzz-wav");
  auto audio = callgate::tts::readWav8k(file.write(data, size));
  if (!audio) return 0;
  const std::string again = callgate::tts::encodeWav8k(**audio);
  auto back = callgate::tts::readWav8k(file.write(again.data(), again.size()));
  if (!back || (*back)->samples != (*audio)->samples) std::abort();
  return 0;
}
