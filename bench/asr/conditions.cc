#include "bench/asr/conditions.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/speech/speech_turn.h"

namespace callgate::asrbench {
namespace {

constexpr size_t kFrame = 80;  // 10 ms at 8 kHz

std::vector<float>& babbleBed() {
  static std::vector<float> bed;
  return bed;
}

// Mean power of the speech-active part: 10 ms frames within 40 dB of the loudest one (TTS audio
// has digital silence between words, which must not dilute the speech's level).
double activePower(const std::vector<double>& x) {
  std::vector<double> frames;
  for (size_t i = 0; i + kFrame <= x.size(); i += kFrame) {
    double e = 0;
    for (size_t j = i; j < i + kFrame; ++j) e += x[j] * x[j];
    frames.push_back(e / kFrame);
  }
  if (frames.empty()) return 0;
  const double loudest = *std::max_element(frames.begin(), frames.end());
  double sum = 0;
  size_t n = 0;
  for (double e : frames) {
    if (e >= loudest * 1e-4) {
      sum += e;
      ++n;
    }
  }
  return n ? sum / static_cast<double>(n) : 0;
}

// The chunk without its leading and trailing silence (20 ms kept either side).
std::vector<int16_t> trimmed(const std::vector<int16_t>& in) {
  std::vector<double> x(in.begin(), in.end());
  double loudest = 0;
  std::vector<double> frames;
  for (size_t i = 0; i + kFrame <= x.size(); i += kFrame) {
    double e = 0;
    for (size_t j = i; j < i + kFrame; ++j) e += x[j] * x[j];
    frames.push_back(e);
    loudest = std::max(loudest, e);
  }
  size_t first = frames.size(), last = 0;
  for (size_t f = 0; f < frames.size(); ++f) {
    if (frames[f] >= loudest * 1e-4) {
      first = std::min(first, f);
      last = f;
    }
  }
  if (first > last) return in;
  const size_t from = first >= 2 ? (first - 2) * kFrame : 0;
  const size_t to = std::min(in.size(), (last + 3) * kFrame);
  return {in.begin() + static_cast<long>(from), in.begin() + static_cast<long>(to)};
}

// Pink-ish hiss (Paul Kellet's three-pole filter over Gaussian white noise) plus mains hum at
// 60 Hz with odd harmonics, the hum 10 dB below the hiss: a steady line noise.
std::vector<double> steadyNoise(size_t n, std::mt19937_64& rng) {
  std::normal_distribution<double> white(0.0, 1.0);
  std::uniform_real_distribution<double> phase(0.0, 2 * M_PI);
  std::vector<double> hiss(n), hum(n);
  double b0 = 0, b1 = 0, b2 = 0;
  for (size_t i = 0; i < n; ++i) {
    const double w = white(rng);
    b0 = 0.99765 * b0 + w * 0.0990460;
    b1 = 0.96300 * b1 + w * 0.2965164;
    b2 = 0.57000 * b2 + w * 1.0526913;
    hiss[i] = b0 + b1 + b2 + w * 0.1848;
  }
  const double p1 = phase(rng), p3 = phase(rng), p5 = phase(rng);
  for (size_t i = 0; i < n; ++i) {
    const double t = static_cast<double>(i) / 8000.0;
    hum[i] = std::sin(2 * M_PI * 60 * t + p1) + 0.5 * std::sin(2 * M_PI * 180 * t + p3) +
             0.3 * std::sin(2 * M_PI * 300 * t + p5);
  }
  double ph = 0, pm = 0;
  for (size_t i = 0; i < n; ++i) {
    ph += hiss[i] * hiss[i];
    pm += hum[i] * hum[i];
  }
  const double humScale = pm > 0 ? std::sqrt(0.1 * ph / pm) : 0;
  for (size_t i = 0; i < n; ++i) hiss[i] += humScale * hum[i];
  return hiss;
}

VoicedSpan voicedSpan(const std::vector<int16_t>& speech, size_t offset) {
  std::vector<double> frames;
  for (size_t i = 0; i + kFrame <= speech.size(); i += kFrame) {
    double e = 0;
    for (size_t j = i; j < i + kFrame; ++j) e += static_cast<double>(speech[j]) * speech[j];
    frames.push_back(e);
  }
  if (frames.empty()) return {offset, offset};
  const double loudest = *std::max_element(frames.begin(), frames.end());
  size_t first = frames.size(), last = 0;
  for (size_t f = 0; f < frames.size(); ++f) {
    if (frames[f] >= loudest * 1e-3) {
      first = std::min(first, f);
      last = f + 1;
    }
  }
  if (first > last) return {offset, offset};
  return {offset + first * kFrame, offset + last * kFrame};
}

std::vector<double> babbleNoise(size_t n, std::mt19937_64& rng) {
  const auto& bed = babbleBed();
  std::vector<double> out(n);
  size_t at = static_cast<size_t>(rng() % bed.size());
  for (size_t i = 0; i < n; ++i, at = (at + 1) % bed.size()) out[i] = bed[at];
  return out;
}

}  // namespace

std::string Condition::wayName() const {
  switch (way) {
    case Way::kContinuous:
      return "continuous";
    case Way::kDigits:
      return "digits+pauses";
    case Way::kGrouped:
      return "grouped";
  }
  return "?";
}

std::string Condition::noiseName() const {
  if (noise == Noise::kNone) return "clean";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s %.0f dB", noise == Noise::kSteady ? "steady" : "babble",
                snrDb);
  return buf;
}

std::string Condition::levelName() const {
  char buf[40];
  if (loud) {
    std::snprintf(buf, sizeof buf, "loud +%.0f dB", gainDb);
  } else if (gainDb == 0) {
    return "nominal";
  } else {
    std::snprintf(buf, sizeof buf, "%+.0f dB", gainDb);
  }
  return buf;
}

std::string Condition::name() const {
  std::string s = wayName() + " / " + noiseName();
  if (loud || gainDb != 0) s += " " + levelName();
  return s;
}

std::vector<Condition> conditionMatrix() {
  std::vector<Condition> out;
  for (Way way : {Way::kContinuous, Way::kDigits, Way::kGrouped}) {
    out.push_back({way, Noise::kNone, 0, 0, false});
    for (Noise noise : {Noise::kSteady, Noise::kBabble}) {
      for (double snr : {20.0, 10.0}) out.push_back({way, noise, snr, 0, false});
    }
    out.push_back({way, Noise::kNone, 0, -6, false});
    out.push_back({way, Noise::kNone, 0, -20, false});
    out.push_back({way, Noise::kNone, 0, 6, true});
  }
  return out;
}

std::vector<std::string> chunksFor(const std::string& digits, Way way, std::mt19937& rng) {
  static const char* kWords[] = {"zero", "one", "two",   "three", "four",
                                 "five", "six", "seven", "eight", "nine"};
  auto say = [&](const std::string& part, bool doubles) {
    std::string out;
    for (size_t i = 0; i < part.size(); ++i) {
      if (!out.empty()) out += " ";
      const int d = part[i] - '0';
      if (doubles && i + 1 < part.size() && part[i + 1] == part[i] && rng() % 3 == 0) {
        out += std::string("double ") + kWords[d];
        ++i;
        continue;
      }
      out += (d == 0 && rng() % 2 == 0) ? "oh" : kWords[d];
    }
    return out;
  };
  if (way == Way::kContinuous) return {say(digits, true)};
  std::vector<std::string> chunks;
  if (way == Way::kDigits) {
    for (char c : digits) chunks.push_back(say(std::string(1, c), false));
    return chunks;
  }
  const int n = static_cast<int>(digits.size());
  std::vector<int> groups = n == 4 ? std::vector<int>{2, 2} : speech::digitGroups(n);
  size_t at = 0;
  for (int g : groups) {
    chunks.push_back(say(digits.substr(at, static_cast<size_t>(g)), true));
    at += static_cast<size_t>(g);
  }
  return chunks;
}

void buildBabble(unsigned seed) {
  static const char* kPhrases[] = {"I would like to check my account",
                                   "can you hear me",
                                   "hold on a second please",
                                   "thank you very much",
                                   "what was the number again",
                                   "yes that is right",
                                   "no I said the other one",
                                   "my card was declined yesterday",
                                   "let me find it",
                                   "could you repeat that",
                                   "one moment",
                                   "the reference is"};
  static const char* kVoices[] = {"kal", "slt", "rms", "awb", "kal", "awb"};
  static const double kRates[] = {0.9, 1.0, 1.1, 0.95, 1.15, 1.05};
  std::mt19937 rng(seed ^ 0xBABB1Eu);
  const size_t length = 30 * 8000;
  std::vector<double> sum(length, 0.0);
  for (int t = 0; t < 6; ++t) {
    std::vector<double> talker;
    talker.reserve(length + 8000 * 4);
    while (talker.size() < length) {
      std::string text;
      if (rng() % 2 == 0) {
        text = kPhrases[rng() % std::size(kPhrases)];
      } else {
        std::string digits;
        for (unsigned k = 0, len = 3 + rng() % 4; k < len; ++k) digits += char('0' + rng() % 10);
        text = chunksFor(digits, Way::kContinuous, rng)[0];
      }
      auto audio = synthesize8k({"flite", kVoices[t]}, text, kRates[t]);
      if (!audio) continue;
      talker.insert(talker.end(), audio->begin(), audio->end());
      talker.resize(talker.size() + 800 + rng() % 2400, 0.0);  // 0.1-0.4 s between phrases
    }
    talker.resize(length);
    const double p = activePower(talker);
    const double scale = p > 0 ? 1.0 / std::sqrt(p) : 0;
    const size_t shift = rng() % length;  // talkers start at different points of their speech
    for (size_t i = 0; i < length; ++i) sum[i] += scale * talker[(i + shift) % length];
  }
  babbleBed().assign(sum.begin(), sum.end());
}

std::optional<std::vector<int16_t>> render(const Voice& voice,
                                           const std::vector<std::string>& chunks, Way way,
                                           double rate, const Condition& condition, uint64_t seed) {
  return renderInLine(voice, chunks, way, rate, condition, seed, 0, 0, nullptr);
}

std::optional<std::vector<int16_t>> renderInLine(const Voice& voice,
                                                 const std::vector<std::string>& chunks, Way way,
                                                 double rate, const Condition& condition,
                                                 uint64_t seed, size_t before, size_t after,
                                                 VoicedSpan* voiced, double pauseScale) {
  std::mt19937_64 rng(seed);
  std::vector<int16_t> speech;
  if (chunks.size() == 1) {
    auto audio = synthesize8k(voice, chunks[0], rate);
    if (!audio) return std::nullopt;
    speech = std::move(*audio);
  } else {
    // Digit by digit: 300-600 ms between digits; groups: 500-750 ms between groups, times
    // pauseScale (at 1, below the endpointer's end of speech; with the words' quiet edges a
    // call's endpointer still ends some utterances in such a pause: --endpointer measures it).
    const size_t lo = way == Way::kDigits ? 2400 : 4000;
    const size_t hi = way == Way::kDigits ? 4800 : 6000;
    speech.assign(1200, 0);  // 150 ms lead
    for (size_t c = 0; c < chunks.size(); ++c) {
      auto audio = synthesize8k(voice, chunks[c], rate);
      if (!audio) return std::nullopt;
      if (c > 0) {
        const auto pause = static_cast<double>(lo + rng() % (hi - lo + 1)) * pauseScale;
        speech.resize(speech.size() + static_cast<size_t>(pause), 0);
      }
      const auto t = trimmed(*audio);
      speech.insert(speech.end(), t.begin(), t.end());
    }
    speech.resize(speech.size() + 1600, 0);  // 200 ms trail
  }
  if (voiced != nullptr) *voiced = voicedSpan(speech, before);
  // Digital silence adds nothing to activePower() (below its 40 dB cut), so the noise's level
  // against the speech is the same with or without the line around it.
  speech.insert(speech.begin(), before, 0);
  speech.resize(speech.size() + after, 0);
  std::vector<double> x(speech.begin(), speech.end());
  double gain = std::pow(10.0, condition.gainDb / 20.0);
  if (condition.loud) {
    double peak = 1;
    for (double v : x) peak = std::max(peak, std::fabs(v));
    gain *= 32767.0 / peak;
  }
  for (double& v : x) v = std::clamp(v * gain, -32768.0, 32767.0);
  if (condition.noise != Noise::kNone) {
    std::vector<double> noise =
        condition.noise == Noise::kSteady ? steadyNoise(x.size(), rng) : babbleNoise(x.size(), rng);
    double pn = 0;
    for (double v : noise) pn += v * v;
    pn /= static_cast<double>(std::max<size_t>(1, noise.size()));
    const double target = activePower(x) / std::pow(10.0, condition.snrDb / 10.0);
    const double scale = pn > 0 ? std::sqrt(target / pn) : 0;
    for (size_t i = 0; i < x.size(); ++i) x[i] += scale * noise[i];
  }
  std::vector<int16_t> line(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    line[i] = static_cast<int16_t>(std::lround(std::clamp(x[i], -32768.0, 32767.0)));
  }
  return g711RoundTrip(line);
}

}  // namespace callgate::asrbench
