// WAV prompt files: reading the 8 kHz mono 16-bit PCM recordings that override synthesised
// prompts (prompts/<language>/<promptId or slug>.wav), and writing the same format (tests and
// tools). Only that format is accepted: G.711 wants 8 kHz, and resampling a studio recording
// belongs in the studio (`sox in.wav -r 8000 -c 1 -b 16 out.wav`). Plain functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/audio.h"
#include "common/result.h"

namespace callgate::tts {

// kNotFound when the file does not exist, kInvalidArgument naming the file for anything that is
// not RIFF/WAVE PCM (format 1, or WAVE_FORMAT_EXTENSIBLE with the PCM subformat) at 8000 Hz,
// one channel, 16 bits, or is larger than 64 MiB; kUnavailable when it cannot be read.
Result<audio::AudioPtr> readWav8k(const std::string& path);
// The bytes of such a file (canonical 44-byte header).
std::string encodeWav8k(const audio::Audio& audio);

}  // namespace callgate::tts
