// The speech benchmark's corpus, generated at run time: digit strings spoken by flite voices
// (linked) and espeak-ng voices (its CLI), resampled to 8 kHz and put through a G.711 μ-law
// round trip, as a caller's audio reaches the recognizer. Used by asr_bench only.
// Thread-safety: synthesize() holds a process-wide lock around flite; espeak runs are processes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace callgate::asrbench {

struct Voice {
  std::string engine;  // "flite" or "espeak"
  std::string name;    // flite: kal/slt/rms/awb; espeak: a voice name such as en-us+klatt
  bool apart = false;  // reported on its own line, outside the totals
};

// `rate` 1.0 is the voice's own pace; 1.3 is slower (longer), 0.8 faster.
// Returns 8 kHz samples after the G.711 round trip, nullopt when the engine failed.
std::optional<std::vector<int16_t>> synthesize(const Voice& voice, const std::string& text,
                                               double rate);

// flite kal/slt/rms/awb; espeak-ng's Klatt-synthesiser voices en-us+klatt, en-us+klatt4,
// en+klatt, en-gb-x-rp+klatt3; and espeak-ng's default formant voice en-us, `apart` (this
// acoustic model hears it badly even on wideband audio; see docs/PERFORMANCE.md).
std::vector<Voice> availableVoices(bool withEspeak);

}  // namespace callgate::asrbench
