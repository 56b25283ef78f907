#include "adapters/speech/tts/flite_synthesizer.h"

#include <flite/flite.h>

#include <mutex>

extern "C" cst_voice* register_cmu_us_kal(const char* voxdir);

namespace callgate::tts {
namespace {

std::mutex& fliteMutex() {
  static std::mutex mutex;
  return mutex;
}

cst_voice* kalVoice() {
  static std::once_flag once;
  static cst_voice* voice = nullptr;
  std::call_once(once, [] {
    flite_init();
    voice = register_cmu_us_kal(nullptr);
  });
  return voice;
}

}  // namespace

Result<audio::AudioPtr> synthesizeWithFlite(const std::string& text, double durationStretch) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Error::invalidArgument("nothing to say: the prompt text is empty");
  }
  if (!(durationStretch >= 0.25 && durationStretch <= 4.0)) {
    return Error::invalidArgument("duration stretch must be within 0.25-4");
  }
  cst_voice* voice = kalVoice();
  if (voice == nullptr) return Error::internal("flite: cannot register the kal voice");
  auto audio = std::make_shared<audio::Audio>();
  {
    std::lock_guard lock(fliteMutex());
    feat_set_float(voice->features, "duration_stretch", static_cast<float>(durationStretch));
    cst_wave* wave = flite_text_to_wave(text.c_str(), voice);
    if (wave == nullptr) return Error::internal("flite: synthesis failed");
    if (cst_wave_sample_rate(wave) != audio::kSampleRate)
      cst_wave_resample(wave, audio::kSampleRate);
    const int channels = cst_wave_num_channels(wave) > 0 ? cst_wave_num_channels(wave) : 1;
    const int frames = cst_wave_num_samples(wave);
    audio->samples.reserve(static_cast<size_t>(frames > 0 ? frames : 0));
    for (int i = 0; i < frames; ++i) audio->samples.push_back(cst_wave_samples(wave)[i * channels]);
    delete_wave(wave);
  }
  if (audio->samples.empty()) return Error::internal("flite produced no audio");
  return audio::AudioPtr(std::move(audio));
}

}  // namespace callgate::tts
