// The speech benchmark's voices, generated at run time: text spoken by flite voices (linked),
// espeak-ng voices (its CLI) and festival voices (its text2wave CLI: the HTS voice
// cmu_us_slt_arctic_hts and the diphone voice ked_diphone), resampled to 8 kHz; and one human
// voice, recorded digit words (engine "recorded", digit by digit only). conditions.h turns
// that audio into a caller's line (ways of speaking, level, noise, the G.711 round trip). Used by
// asr_bench only. Thread-safety: synthesize8k() holds a process-wide lock around flite; espeak and
// festival runs are processes; the word cache has its own lock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace callgate::asrbench {

struct Voice {
  std::string engine;  // "flite", "espeak", "festival" or "recorded"
  // flite: kal/slt/rms/awb; espeak: e.g. en-us+klatt; festival: its voice; recorded: "allison",
  // a human voice's recorded digit words (digit by digit only: see corpus.cc)
  std::string name;
  bool apart = false;  // reported on its own line, outside the totals
  std::string family() const { return engine == "espeak" ? "espeak-klatt" : engine; }
};

// `rate` 1.0 is the voice's own pace; 1.3 is slower (longer), 0.8 faster. Returns 8 kHz linear
// samples (no codec yet), nullopt when the engine failed. Texts of at most two words (digit
// words, "double five", "yes") are cached per voice and rate: digit-by-digit speech is made of
// them.
std::optional<std::vector<int16_t>> synthesize8k(const Voice& voice, const std::string& text,
                                                 double rate);

// G.711 μ-law encode and decode, as the line does to a caller's audio.
std::vector<int16_t> g711RoundTrip(const std::vector<int16_t>& in);

// flite kal/slt/rms/awb; espeak-ng's Klatt-synthesiser voices en-us+klatt, en-us+klatt4,
// en+klatt, en-gb-x-rp+klatt3; festival's cmu_us_slt_arctic_hts and ked_diphone (when
// withFestival); with withFormant also espeak-ng's default formant voice en-us, `apart` (this
// acoustic model hears it badly even on wideband audio; see docs/PERFORMANCE.md).
std::vector<Voice> availableVoices(bool withEspeak, bool withFestival, bool withFormant);

}  // namespace callgate::asrbench
