// The recogniser's audio front end, before pocketsphinx: pauses shortened, 8 -> 16 kHz, added
// noise; and a rough signal-to-noise ratio for yes/no answers. Pure functions of their input
// (the noise is a fixed-seed sequence, so decodes are reproducible); no pocketsphinx here.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace callgate::asr {

// 8 kHz -> 16 kHz (speex resampler at `quality`, 0..10), with paddingMs of silence either side;
// empty when the resampler cannot start.
std::vector<int16_t> upsample(std::span<const int16_t> in, int quality, int paddingMs);
// White noise of the given RMS (16-bit steps) over the whole band; rms <= 0 adds none.
void addNoise(std::vector<int16_t>& samples, double rms);
// The level of the utterance's loud 10 ms frames (95th percentile of their mean squares) in dBFS
// (a full-scale square wave is 0); -100 when there is no whole frame.
double loudDbfs(std::span<const int16_t> audio);
// The RMS of the noise addNoise() is given for `audio`: belowDb under its loud frames, within
// kMinNoiseRms..kMaxNoiseRms; 0 when belowDb <= 0 (no noise).
inline constexpr double kMinNoiseRms = 0.3;
inline constexpr double kMaxNoiseRms = 30.0;
double noiseRmsFor(std::span<const int16_t> audio, double belowDb);
// 8 kHz audio with every pause longer than maxPauseMs cut down to it (front_end.cc says what a
// pause is); maxPauseMs <= 0 keeps it whole.
std::vector<int16_t> shortenPauses(std::span<const int16_t> audio, int maxPauseMs);
// The utterance's signal-to-noise ratio in dB, roughly (0 under 100 ms of audio).
double snrDb(std::span<const int16_t> audio);

}  // namespace callgate::asr
