// Audio: a prompt's samples as the media path plays them, 8 kHz mono 16-bit linear PCM (what
// G.711 encodes). Produced by the prompt library (adapters/speech/tts), played by
// rtp::MediaSession::play(). Ownership and thread-safety: shared through AudioPtr and never
// modified once shared, so any number of sessions on any threads may read the same clip at once
// without locks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace callgate::audio {

inline constexpr int kSampleRate = 8000;
inline constexpr size_t kSamplesPerPacket = 160;  // 20 ms at 8 kHz

struct Audio {
  std::vector<int16_t> samples;
};
using AudioPtr = std::shared_ptr<const Audio>;

}  // namespace callgate::audio
