// Speech recognition accuracy benchmark (issue 5): user ids (8 digits), PINs (4) and codes (6)
// spoken by flite and espeak-ng voices at three speeds, through G.711, decoded by
// PocketsphinxRecognizer. Prints first-pass accuracy (exact-length grammar), the free digit-loop
// baseline of the same run, accuracy after a simulated confirmation turn, the accepted-wrong
// rate and the median real-time factor. Run by bench/asr/run.sh (`make bench-asr`).
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "adapters/asr/pocketsphinx_recognizer.h"
#include "bench/asr/corpus.h"
#include "core/speech/grammar.h"
#include "core/spoken_digits.h"

using namespace callgate;

namespace {

struct Config {
  int perKind = 4;
  double threshold = 0.6;
  unsigned seed = 7;
  int threads = 1;
  bool espeak = true;
  bool firstOnly = false;
  bool pauses = false;
  std::string only;  // run only the voices whose name contains this
  std::string details;
  asr::PocketsphinxOptions options;
};

struct Item {
  asrbench::Voice voice;
  double rate = 1.0;
  std::string digits;
  std::string spoken;
};

struct Outcome {
  bool firstRight = false, baselineRight = false, confidentFirst = false;
  bool finalRight = false, acceptedWrong = false, gaveUp = false;
  int attempts = 0;
  double rtf = 0, posterior = 0, confidence = 0;
  std::string hyp, second;
};

double threadCpu() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

std::string speak(const std::string& digits, std::mt19937& rng, bool pauses) {
  static const char* kWords[] = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"};
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (!out.empty()) out += pauses ? ", " : " ";
    const int d = digits[i] - '0';
    if (i + 1 < digits.size() && digits[i + 1] == digits[i] && rng() % 3 == 0) {
      out += std::string("double ") + kWords[d];
      ++i;
      continue;
    }
    out += (d == 0 && rng() % 2 == 0) ? "oh" : kWords[d];
  }
  return out;
}

std::string digitsOf(const std::string& text) { return spokenDigits(text).value_or(""); }

Outcome run(asr::PocketsphinxRecognizer& rec, const Item& item, double threshold, bool firstOnly) {
  Outcome o;
  const auto grammar = speech::digitGrammar(static_cast<int>(item.digits.size()), static_cast<int>(item.digits.size()));
  double rate = item.rate;
  for (int attempt = 1; attempt <= 3; ++attempt) {
    o.attempts = attempt;
    auto audio = asrbench::synthesize(item.voice, item.spoken, rate);
    if (!audio) { std::fprintf(stderr, "synthesis failed (%s)\n", item.voice.name.c_str()); std::exit(1); }
    const double t0 = threadCpu();
    auto d = rec.decode(*audio, grammar);
    const double cpu = threadCpu() - t0;
    if (!d.ok()) { std::fprintf(stderr, "%s\n", d.error().toString().c_str()); std::exit(1); }
    const bool right = digitsOf(d->text) == item.digits;
    if (attempt == 1) {
      o.rtf = cpu / (static_cast<double>(audio->size()) / 8000.0);
      o.firstRight = right;
      o.posterior = d->margin;
      o.confidence = d->confidence;
      o.confidentFirst = d->confidence >= threshold;
      o.hyp = d->text;
      o.second = d->secondText;
      auto base = rec.decode(*audio, speech::digitLoopGrammar());
      o.baselineRight = base.ok() && digitsOf(base->text) == item.digits;
      if (firstOnly) return o;
    }
    if (!d->text.empty() && d->confidence >= threshold) {
      o.finalRight = right;
      o.acceptedWrong = !right;
      return o;
    }
    if (!d->text.empty()) {
      // Read back; the caller answers truthfully, the answer is recognised.
      auto answer = asrbench::synthesize(item.voice, right ? "yes" : "no", item.rate);
      if (!answer) std::exit(1);
      auto yn = rec.recognize(*answer, speech::yesNoGrammar());
      const auto heard = yn.ok() ? yn->text : std::string();
      const bool yes = heard == "yes" || heard == "yeah" || heard == "yep" || heard == "correct" ||
                       heard == "right" || heard == "that's right" || heard == "one";
      if (yes) {
        o.finalRight = right;
        o.acceptedWrong = !right;
        return o;
      }
    }
    rate *= 1.25;  // the caller repeats more slowly
  }
  o.gaveUp = true;
  return o;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  Config cfg;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--first-only") cfg.firstOnly = true;
    else if (a == "--pauses") cfg.pauses = true;
    else if (a == "--only") cfg.only = next();
    else if (a == "--noise") cfg.options.noiseRms = std::atof(next().c_str());
    else if (a == "--margin-scale") cfg.options.marginScale = std::atof(next().c_str());
    else if (a == "--no-second") cfg.options.secondOpinion = false;
    else if (a == "--per-kind") cfg.perKind = std::atoi(next().c_str());
    else if (a == "--threshold") cfg.threshold = std::atof(next().c_str());
    else if (a == "--seed") cfg.seed = static_cast<unsigned>(std::atoi(next().c_str()));
    else if (a == "--threads") cfg.threads = std::max(1, std::atoi(next().c_str()));
    else if (a == "--no-espeak") cfg.espeak = false;
    else if (a == "--details") cfg.details = next();
    else if (a == "--model") cfg.options.modelDir = next();
    else if (a == "--dict") cfg.options.dictionary = next();
    else if (a == "--quality") cfg.options.resamplerQuality = std::atoi(next().c_str());
    else if (a == "--padding") cfg.options.paddingMs = std::atoi(next().c_str());
    else if (a == "--arg") {
      std::string kv = next();
      auto eq = kv.find('=');
      cfg.options.extraArgs.emplace_back(kv.substr(0, eq), eq == std::string::npos ? "" : kv.substr(eq + 1));
    } else {
      std::fprintf(stderr, "usage: asr_bench [--per-kind N] [--threshold C] [--seed S] [--threads T] [--no-espeak]\n"
                           "  [--details FILE.tsv] [--model DIR] [--dict FILE] [--quality 0-10] [--padding MS]\n"
                           "  [--arg -name=value]...\n");
      return 2;
    }
  }
  auto rec = asr::PocketsphinxRecognizer::create(cfg.options);
  if (!rec.ok()) { std::fprintf(stderr, "%s\n", rec.error().toString().c_str()); return 1; }

  std::mt19937 rng(cfg.seed);  // a benchmark corpus, reproducible: not a security use
  std::vector<std::string> strings;
  for (int len : {8, 4, 6}) {
    for (int k = 0; k < cfg.perKind; ++k) {
      std::string s;
      for (int j = 0; j < len; ++j) s += static_cast<char>('0' + rng() % 10);
      strings.push_back(s);
    }
  }
  std::vector<Item> items;
  for (const auto& voice : asrbench::availableVoices(cfg.espeak)) {
    if (!cfg.only.empty() && voice.name.find(cfg.only) == std::string::npos) continue;
    for (double rate : {0.85, 1.0, 1.2}) {
      for (const auto& s : strings) items.push_back({voice, rate, s, speak(s, rng, cfg.pauses)});
    }
  }
  std::vector<Outcome> out(items.size());
  std::atomic<size_t> nextItem{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < cfg.threads; ++t) {
    pool.emplace_back([&] {
      for (size_t i; (i = nextItem++) < items.size();) out[i] = run(**rec, items[i], cfg.threshold, cfg.firstOnly);
    });
  }
  for (auto& t : pool) t.join();

  size_t first = 0, base = 0, fin = 0, wrong = 0, gave = 0, confident = 0, confidentWrong = 0;
  std::vector<double> rtfs;
  std::map<std::string, std::pair<int, int>> byVoice;
  size_t counted = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    const auto& o = out[i];
    auto& v = byVoice[items[i].voice.engine + ":" + items[i].voice.name + (items[i].voice.apart ? " (apart)" : "")];
    v.first += o.firstRight;
    v.second += 1;
    if (items[i].voice.apart) continue;
    ++counted;
    first += o.firstRight; base += o.baselineRight; fin += o.finalRight; wrong += o.acceptedWrong;
    gave += o.gaveUp; confident += o.confidentFirst; confidentWrong += o.confidentFirst && !o.firstRight;
    rtfs.push_back(o.rtf);
  }
  const double n = static_cast<double>(counted);
  std::printf("utterances: %zu in the totals (%zu strings x %zu voice/speed renderings)%s\n", counted,
              strings.size(), counted / strings.size(), cfg.pauses ? ", digits separated by pauses" : "");
  std::printf("baseline (free digit loop) first pass: %5.1f%%\n", 100.0 * static_cast<double>(base) / n);
  std::printf("first pass (exact-length grammar):     %5.1f%%  (%.2fx baseline)\n",
              100.0 * static_cast<double>(first) / n, base ? static_cast<double>(first) / static_cast<double>(base) : 0.0);
  std::printf("confident first results: %5.1f%%, of them wrong: %zu\n", 100.0 * static_cast<double>(confident) / n, confidentWrong);
  std::printf("after confirmation (max 3 attempts):   %5.1f%%\n", 100.0 * static_cast<double>(fin) / n);
  std::printf("accepted wrong: %5.2f%%   gave up: %5.2f%%\n", 100.0 * static_cast<double>(wrong) / n,
              100.0 * static_cast<double>(gave) / n);
  std::printf("real-time factor (median, grammar + second-opinion decode): %.4f\n", median(rtfs));
  for (const auto& [voice, c] : byVoice) std::printf("  %-18s first pass %3d/%d\n", voice.c_str(), c.first, c.second);
  if (!cfg.details.empty()) {
    std::ofstream f(cfg.details);
    f << "voice\trate\ttruth\thyp\tsecond\tmargin\tconfidence\tfirst_right\tfinal_right\tattempts\n";
    for (size_t i = 0; i < items.size(); ++i) {
      const auto& o = out[i];
      f << items[i].voice.name << '\t' << items[i].rate << '\t' << items[i].digits << '\t' << digitsOf(o.hyp) << '\t'
        << digitsOf(o.second) << '\t' << o.posterior << '\t' << o.confidence << '\t' << o.firstRight << '\t'
        << o.finalRight << '\t' << o.attempts << '\n';
    }
  }
  return 0;
}
