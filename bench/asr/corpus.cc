#include "bench/asr/corpus.h"

#include <flite/flite.h>
#include <speex/speex_resampler.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>

#include "adapters/net/rtp/g711.h"

extern "C" {
cst_voice* register_cmu_us_kal(const char* voxdir);
cst_voice* register_cmu_us_slt(const char* voxdir);
cst_voice* register_cmu_us_rms(const char* voxdir);
cst_voice* register_cmu_us_awb(const char* voxdir);
}

namespace callgate::asrbench {
namespace {

std::mutex fliteMutex;

cst_voice* fliteVoice(const std::string& name) {
  static std::once_flag once;
  static cst_voice *kal, *slt, *rms, *awb;
  std::call_once(once, [] {
    flite_init();
    kal = register_cmu_us_kal(nullptr);
    slt = register_cmu_us_slt(nullptr);
    rms = register_cmu_us_rms(nullptr);
    awb = register_cmu_us_awb(nullptr);
  });
  if (name == "kal") return kal;
  if (name == "slt") return slt;
  if (name == "rms") return rms;
  if (name == "awb") return awb;
  return nullptr;
}

std::vector<int16_t> resampleTo8k(const std::vector<int16_t>& in, int rate) {
  if (rate == 8000) return in;
  int err = 0;
  SpeexResamplerState* st =
      speex_resampler_init(1, static_cast<spx_uint32_t>(rate), 8000, 10, &err);
  speex_resampler_skip_zeros(st);
  std::vector<int16_t> input = in;
  input.resize(input.size() + static_cast<size_t>(speex_resampler_get_input_latency(st)), 0);
  std::vector<int16_t> out(input.size() * 8000 / static_cast<size_t>(rate) + 64);
  spx_uint32_t inLen = static_cast<spx_uint32_t>(input.size());
  spx_uint32_t outLen = static_cast<spx_uint32_t>(out.size());
  speex_resampler_process_int(st, 0, input.data(), &inLen, out.data(), &outLen);
  speex_resampler_destroy(st);
  out.resize(outLen);
  return out;
}

std::optional<std::vector<int16_t>> flite(const std::string& name, const std::string& text,
                                          double rate) {
  std::lock_guard lock(fliteMutex);
  cst_voice* voice = fliteVoice(name);
  if (voice == nullptr) return std::nullopt;
  feat_set_float(voice->features, "duration_stretch", static_cast<float>(rate));
  // flite's clustergen voices (slt, rms, awb) excite unvoiced sounds with rand(): seeded from
  // what is said, the same text is the same audio whatever was synthesised before it (unseeded,
  // extra syntheses earlier in a run moved 59 of the 87 first results of these three voices).
  uint32_t seed = 2166136261u;  // FNV-1a of voice, text and rate
  for (char c : name + '|' + text + '|' + std::to_string(rate)) {
    seed = (seed ^ static_cast<unsigned char>(c)) * 16777619u;
  }
  std::srand(seed);
  cst_wave* wave = flite_text_to_wave(text.c_str(), voice);
  if (wave == nullptr) return std::nullopt;
  std::vector<int16_t> samples(cst_wave_samples(wave),
                               cst_wave_samples(wave) + cst_wave_num_samples(wave));
  const int sr = cst_wave_sample_rate(wave);
  delete_wave(wave);
  return resampleTo8k(samples, sr);
}

// A RIFF WAV (mono 16-bit) as 8 kHz samples. espeak-ng --stdout may leave the data size open,
// so the data chunk is taken to the end of the bytes.
std::optional<std::vector<int16_t>> wavTo8k(const std::string& bytes) {
  if (bytes.size() < 44 || bytes.compare(0, 4, "RIFF") != 0) return std::nullopt;
  uint32_t sr = 0;
  std::memcpy(&sr, bytes.data() + 24, 4);
  size_t pos = 12;
  while (pos + 8 <= bytes.size() && bytes.compare(pos, 4, "data") != 0) {
    uint32_t len = 0;
    std::memcpy(&len, bytes.data() + pos + 4, 4);
    pos += 8 + len;
  }
  if (pos + 8 > bytes.size()) return std::nullopt;
  pos += 8;
  std::vector<int16_t> samples((bytes.size() - pos) / 2);
  std::memcpy(samples.data(), bytes.data() + pos, samples.size() * 2);
  return resampleTo8k(samples, static_cast<int>(sr));
}

std::optional<std::string> readAll(FILE* f) {
  if (f == nullptr) return std::nullopt;
  std::string bytes;
  std::array<char, 65536> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), f)) > 0) bytes.append(buf.data(), n);
  return bytes;
}

std::optional<std::vector<int16_t>> espeak(const std::string& name, const std::string& text,
                                           double rate) {
  const int wpm = static_cast<int>(175.0 / rate);
  std::string cmd = "espeak-ng --stdout -v " + name + " -s " + std::to_string(wpm) + " \"" + text +
                    "\" 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  auto bytes = readAll(p);
  if (p == nullptr || pclose(p) != 0 || !bytes) return std::nullopt;
  return wavTo8k(*bytes);
}

// festival's text2wave, one process per text (~0.3 s: festival loads its lexicon each time).
// The HTS voice ignores Duration_Stretch; its engine's own speed (-r, > 1 faster) is set instead.
std::optional<std::vector<int16_t>> festival(const std::string& name, const std::string& text,
                                             double rate) {
  char path[] = "/tmp/asr-bench-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return std::nullopt;
  close(fd);
  const bool hts = name.ends_with("_hts");
  const std::string speed =
      hts ? "(set! hts_engine_params (append hts_engine_params (list (list \"-r\" " +
                std::to_string(1.0 / rate) + "))))"
          : "(Parameter.set (quote Duration_Stretch) " + std::to_string(rate) + ")";
  const std::string cmd = "printf '%s' '" + text + "' | text2wave -o " + path + " -eval '(voice_" +
                          name + ")' -eval '" + speed + "' >/dev/null 2>&1";
  const int rc = std::system(cmd.c_str());
  FILE* f = std::fopen(path, "rb");
  auto bytes = readAll(f);
  if (f != nullptr) std::fclose(f);
  std::remove(path);
  if (rc != 0 || !bytes) return std::nullopt;
  return wavTo8k(*bytes);
}

// A human voice: Allison Smith's recordings of the digits (Debian asterisk-core-sounds-en-wav,
// telephone prompts recorded at 8 kHz), one file per digit word ("oh" has its own). Only single
// digit words exist, so the voice can say only digit-by-digit speech. Tempo other than 1 goes
// through sox's WSOLA `tempo` effect (pitch kept); -D: no dither, whose noise is random, so the
// same tempo gives the same audio in every run.
constexpr const char* kRecordedDigits = "/usr/share/asterisk/sounds/en_US_f_Allison/digits/";

std::optional<std::vector<int16_t>> recorded(const std::string& name, const std::string& text,
                                             double rate) {
  static const std::map<std::string, std::string> kFiles = {
      {"zero", "0"}, {"oh", "oh"}, {"one", "1"},   {"two", "2"},   {"three", "3"}, {"four", "4"},
      {"five", "5"}, {"six", "6"}, {"seven", "7"}, {"eight", "8"}, {"nine", "9"}};
  const auto file = kFiles.find(text);
  if (name != "allison" || file == kFiles.end()) return std::nullopt;
  char tempo[32];
  std::snprintf(tempo, sizeof tempo, "%.4f", 1.0 / rate);
  const std::string cmd = "sox -q -D " + std::string(kRecordedDigits) + file->second +
                          ".wav -t wav - tempo -s " + tempo + " 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  auto bytes = readAll(p);
  if (p == nullptr || pclose(p) != 0 || !bytes) return std::nullopt;
  return wavTo8k(*bytes);
}

std::optional<std::vector<int16_t>> synthesizeUncached(const Voice& voice, const std::string& text,
                                                       double rate) {
  if (voice.engine == "flite") return flite(voice.name, text, rate);
  if (voice.engine == "festival") return festival(voice.name, text, rate);
  if (voice.engine == "recorded") return recorded(voice.name, text, rate);
  return espeak(voice.name, text, rate);
}

}  // namespace

std::vector<int16_t> g711RoundTrip(const std::vector<int16_t>& in) {
  std::vector<uint8_t> coded(in.size());
  std::vector<int16_t> out(in.size());
  rtp::encodeG711(rtp::Codec::kPcmu, in.data(), in.size(), coded.data());
  rtp::decodeG711(rtp::Codec::kPcmu, coded.data(), coded.size(), out.data());
  return out;
}

std::optional<std::vector<int16_t>> synthesize8k(const Voice& voice, const std::string& text,
                                                 double rate) {
  // Short texts repeat across the corpus (every digit word of digit-by-digit speech, "yes").
  static std::mutex cacheMutex;
  static std::map<std::string, std::vector<int16_t>> cache;
  const bool cached = std::count(text.begin(), text.end(), ' ') <= 1;
  const std::string key = voice.engine + "|" + voice.name + "|" + std::to_string(rate) + "|" + text;
  if (cached) {
    std::lock_guard lock(cacheMutex);
    if (auto it = cache.find(key); it != cache.end()) return it->second;
  }
  auto audio = synthesizeUncached(voice, text, rate);
  if (!audio || audio->empty()) return std::nullopt;
  if (cached) {
    std::lock_guard lock(cacheMutex);
    cache.emplace(key, *audio);
  }
  return audio;
}

std::vector<Voice> availableVoices(bool withEspeak, bool withFestival, bool withFormant) {
  std::vector<Voice> voices = {
      {"flite", "kal"}, {"flite", "slt"}, {"flite", "rms"}, {"flite", "awb"}};
  if (withEspeak) {
    for (const char* v : {"en-us+klatt", "en-us+klatt4", "en+klatt", "en-gb-x-rp+klatt3"}) {
      voices.push_back({"espeak", v});
    }
  }
  if (withFestival) {
    voices.push_back({"festival", "cmu_us_slt_arctic_hts"});
    voices.push_back({"festival", "ked_diphone"});
  }
  if (withEspeak && withFormant) voices.push_back({"espeak", "en-us", true});
  return voices;
}

}  // namespace callgate::asrbench
