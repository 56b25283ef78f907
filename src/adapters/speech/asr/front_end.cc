#include "adapters/speech/asr/front_end.h"

#include <speex/speex_resampler.h>

#include <algorithm>
#include <cmath>

namespace callgate::asr {

// 8 kHz -> 16 kHz, flushing the resampler's filter delay so the utterance's end is kept.
std::vector<int16_t> upsample(std::span<const int16_t> in, int quality, int paddingMs) {
  int err = 0;
  SpeexResamplerState* st = speex_resampler_init(1, 8000, 16000, quality, &err);
  if (st == nullptr) return {};
  speex_resampler_skip_zeros(st);
  const size_t pad = static_cast<size_t>(paddingMs) * 8;
  const size_t latency = static_cast<size_t>(speex_resampler_get_input_latency(st));
  std::vector<int16_t> input(pad, 0);
  input.insert(input.end(), in.begin(), in.end());
  input.resize(input.size() + pad + latency, 0);
  std::vector<int16_t> out(input.size() * 2 + 64);
  spx_uint32_t inLen = static_cast<spx_uint32_t>(input.size());
  spx_uint32_t outLen = static_cast<spx_uint32_t>(out.size());
  speex_resampler_process_int(st, 0, input.data(), &inLen, out.data(), &outLen);
  speex_resampler_destroy(st);
  out.resize(std::min<size_t>(outLen, (in.size() + 2 * pad) * 2));
  return out;
}

// Adds white noise of the given RMS (in 16-bit steps) over the whole 0-8 kHz band: digital
// silence and the empty band above 4 kHz otherwise give the model's filterbank channels log
// energies it never saw in training. Signal processing, not a secret: a fixed-seed LCG keeps
// decodes reproducible.
void addNoise(std::vector<int16_t>& samples, double rms) {
  if (rms <= 0) return;
  uint32_t state = 0x2545F491u;
  const double amplitude = rms * std::sqrt(3.0);  // uniform in [-a, a] has RMS a / sqrt(3)
  for (auto& s : samples) {
    state = state * 1664525u + 1013904223u;
    const double u = static_cast<double>(state >> 8) / static_cast<double>(1u << 24) * 2.0 - 1.0;
    const double v = std::clamp(static_cast<double>(s) + u * amplitude, -32768.0, 32767.0);
    s = static_cast<int16_t>(std::lround(v));
  }
}

namespace {

// Mean square of each whole frame of `frame` samples.
std::vector<double> frameMeanSquares(std::span<const int16_t> audio, size_t frame) {
  std::vector<double> out;
  for (size_t at = 0; at + frame <= audio.size(); at += frame) {
    double sum = 0;
    for (size_t i = at; i < at + frame; ++i) sum += static_cast<double>(audio[i]) * audio[i];
    out.push_back(sum / static_cast<double>(frame));
  }
  return out;
}

}  // namespace

// `audio` (8 kHz) with every pause longer than maxPauseMs cut down to maxPauseMs: its first and
// last halves are kept, the middle dropped. A pause is a run of 10 ms frames quieter than 10 dB
// above the utterance's quiet floor (its 10th-percentile frame) or 40 dB below its loud frames
// (95th percentile), whichever is higher, and always 20 dB below the loud frames (so speech
// without pauses, or in noise closer than that, is left whole). Digits said one by one are half
// pauses; batch CMN would otherwise take its mean over as much silence as speech.
std::vector<int16_t> shortenPauses(std::span<const int16_t> audio, int maxPauseMs) {
  constexpr size_t kFrame = 80;
  const size_t frames = audio.size() / kFrame;
  const size_t keep = static_cast<size_t>(maxPauseMs) / 10;
  if (maxPauseMs <= 0 || frames < 2 * keep + 2) return {audio.begin(), audio.end()};
  std::vector<double> db = frameMeanSquares(audio, kFrame);
  for (double& e : db) e = 10.0 * std::log10(std::max(e, 1.0));
  std::vector<double> sorted = db;
  std::sort(sorted.begin(), sorted.end());
  const double loud = sorted[frames * 95 / 100];
  const double threshold = std::min(std::max(sorted[frames / 10] + 10.0, loud - 40.0), loud - 20.0);
  // Copy everything but the middle of each long pause.
  std::vector<int16_t> out;
  out.reserve(audio.size());
  size_t copied = 0;  // samples of `audio` dealt with
  for (size_t f = 0; f < frames;) {
    size_t end = f;
    while (end < frames && db[end] < threshold) ++end;
    if (end - f > keep) {
      out.insert(out.end(), audio.begin() + copied, audio.begin() + (f + keep / 2) * kFrame);
      copied = (end - (keep - keep / 2)) * kFrame;
    }
    f = std::max(end, f + 1);
  }
  out.insert(out.end(), audio.begin() + copied, audio.end());
  return out;
}

double loudDbfs(std::span<const int16_t> audio) {
  std::vector<double> energies = frameMeanSquares(audio, 80);
  if (energies.empty()) return -100.0;
  std::sort(energies.begin(), energies.end());
  const double loud = energies[energies.size() * 95 / 100];
  return 10.0 * std::log10(std::max(loud, 1e-10) / (32768.0 * 32768.0));
}

double noiseRmsFor(std::span<const int16_t> audio, double belowDb) {
  if (belowDb <= 0) return 0.0;
  const double rms = 32768.0 * std::pow(10.0, (loudDbfs(audio) - belowDb) / 20.0);
  return std::clamp(rms, kMinNoiseRms, kMaxNoiseRms);
}

// The utterance's signal-to-noise ratio in dB, roughly: the loud frames' energy (90th
// percentile of 20 ms frames) over the quiet ones' (20th percentile). Babble or steady noise
// close to the speech's level gives a few dB; clean speech with pauses 30 and more.
double snrDb(std::span<const int16_t> audio) {
  std::vector<double> energies = frameMeanSquares(audio, 160);
  if (energies.size() < 5) return 0.0;
  std::sort(energies.begin(), energies.end());
  const double loud = energies[energies.size() * 9 / 10];
  const double quiet = std::max(energies[energies.size() / 5], 1.0);
  return 10.0 * std::log10(std::max(loud, 1.0) / quiet);
}

}  // namespace callgate::asr
