// Speech recognition accuracy benchmark: user ids (8 digits), PINs (4) and codes (6)
// spoken by flite and espeak-ng voices at three speeds, through G.711, decoded by
// PocketsphinxRecognizer. Prints first-pass accuracy (exact-length grammar), the free digit-loop
// baseline of the same run, how well the confidence (and the N-best gap) separates right from
// wrong first results, where the truth ranks among Recognition::alternatives, accuracy after the
// confirmation dialog (the product's speech::SpeechTurn, Confirm Auto and Always, with a
// simulated caller answering yes/no by voice), the accepted-wrong rate and the median real-time
// factor. Run by bench/asr/run.sh (`make bench-asr`).
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "adapters/speech/asr/pocketsphinx_recognizer.h"
#include "bench/asr/corpus.h"
#include "core/flow/actions.h"
#include "core/speech/grammar.h"
#include "core/speech/speech_turn.h"
#include "core/spoken_digits.h"

using namespace callgate;

namespace {

struct Config {
  int perKind = 4;
  double threshold = 0.6;
  int maxAttempts = 3;
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
  bool alwaysRight = false, alwaysWrong = false;
  int attempts = 0;
  int rightAlternative = 0;  // 1-based rank of the truth among the alternatives, 0: not there
  int alternatives = 0;
  int answers[2] = {0, 0}, misheard[2] = {0, 0};  // yes/no answers of the Auto / Always dialog
  double rtf = 0, posterior = 0, confidence = 0, gap = -1;
  std::string hyp, second;
};

double threadCpu() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

std::string speak(const std::string& digits, std::mt19937& rng, bool pauses) {
  static const char* kWords[] = {"zero", "one", "two",   "three", "four",
                                 "five", "six", "seven", "eight", "nine"};
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

// Digits a read-back prompt offers: "I heard 1 2 3 4. If ..." / "Sorry. Did you say 1 2 3 4? If
// ...".
std::string offeredDigits(const std::string& prompt) {
  std::string out;
  const size_t end = prompt.find(" If ");
  for (size_t i = 0; i < std::min(end, prompt.size()); ++i) {
    if (prompt[i] >= '0' && prompt[i] <= '9') out.push_back(prompt[i]);
  }
  return out;
}

// The decodes of one corpus item, shared by the two simulated dialogs (Auto and Always): entry
// utterance k (spoken 25 % slower each time) and the caller's answers, decoded once each.
struct Cache {
  std::map<int, asr::Decoding> entries;
  std::map<std::string, speech::Recognition> answers;
};

asr::Decoding entryDecode(asr::PocketsphinxRecognizer& rec, const Item& item,
                          const speech::Grammar& grammar, int k, Cache& cache, Outcome* first) {
  if (auto it = cache.entries.find(k); it != cache.entries.end()) return it->second;
  double rate = item.rate;
  for (int i = 1; i < k; ++i) rate *= 1.25;  // the caller repeats more slowly
  auto audio = asrbench::synthesize(item.voice, item.spoken, rate);
  if (!audio) {
    std::fprintf(stderr, "synthesis failed (%s)\n", item.voice.name.c_str());
    std::exit(1);
  }
  const double t0 = threadCpu();
  auto d = rec.decode(*audio, grammar);
  const double cpu = threadCpu() - t0;
  if (!d.ok()) {
    std::fprintf(stderr, "%s\n", d.error().toString().c_str());
    std::exit(1);
  }
  if (k == 1 && first != nullptr) {
    first->rtf = cpu / (static_cast<double>(audio->size()) / 8000.0);
    auto base = rec.decode(*audio, speech::digitLoopGrammar());
    first->baselineRight = base.ok() && digitsOf(base->text) == item.digits;
  }
  cache.entries[k] = *d;
  return *d;
}

// One input as a call would run it: the product's speech::SpeechTurn drives the dialog; the
// simulated caller says the item at each entry prompt and answers each read-back truthfully
// ("yes"/"no", synthesised in the same voice and recognised against the Listen's grammar).
// Returns the Finished digits (nullopt: gave up) and the attempts used.
struct DialogEnd {
  std::optional<std::string> digits;
  int attempts = 0;
  int answers = 0,
      misheard = 0;  // read-backs answered, answers recognised as the other word / nothing
};

DialogEnd dialog(asr::PocketsphinxRecognizer& rec, const Item& item, const Config& cfg, bool always,
                 Cache& cache, Outcome* first) {
  DialogEnd end;
  const int n = static_cast<int>(item.digits.size());
  flow::CollectDigits collect;
  collect.prompt.text = "Please say or enter the number.";
  collect.maxDigits = n;
  collect.terminator = "#";
  collect.timeoutSeconds = 5;
  collect.storeInput = false;
  collect.speech = flow::SpeechOptions{true, n, n, always};
  speech::SpeechTurn turn(collect, speech::SpeechTurnOptions{cfg.threshold, cfg.maxAttempts});
  speech::TurnStep step = turn.start();
  int entries = 0;
  for (int guard = 0; guard < 50; ++guard) {
    const auto* listen = std::get_if<speech::Listen>(&step);
    if (listen == nullptr) break;
    if (!listen->confirming) {
      const asr::Decoding d = entryDecode(rec, item, listen->grammar, ++entries, cache, first);
      step = turn.heard(speech::Recognition{d.text, d.confidence, d.alternatives});
      continue;
    }
    const std::string word = offeredDigits(listen->prompt.text) == item.digits ? "yes" : "no";
    auto it = cache.answers.find(word);
    if (it == cache.answers.end()) {
      auto answer = asrbench::synthesize(item.voice, word, item.rate);
      if (!answer) std::exit(1);
      auto yn = rec.recognize(*answer, listen->grammar);
      it = cache.answers.emplace(word, yn.ok() ? *yn : speech::Recognition{}).first;
    }
    ++end.answers;
    end.misheard += spokenYesNo(it->second.text) != std::optional<bool>(word == "yes");
    step = turn.heard(it->second);
  }
  const auto* done = std::get_if<speech::Finished>(&step);
  end.digits = done ? done->digits : std::nullopt;
  end.attempts = turn.attempts();
  return end;
}

Outcome run(asr::PocketsphinxRecognizer& rec, const Item& item, const Config& cfg) {
  Outcome o;
  Cache cache;
  const int n = static_cast<int>(item.digits.size());
  const asr::Decoding d = entryDecode(rec, item, speech::digitGrammar(n, n), 1, cache, &o);
  o.firstRight = digitsOf(d.text) == item.digits;
  o.posterior = d.margin;
  o.gap = d.gap;
  o.confidence = d.confidence;
  o.confidentFirst = d.confidence >= cfg.threshold;
  o.hyp = d.text;
  o.second = d.secondText;
  for (size_t i = 0; i < d.alternatives.size(); ++i) {
    if (digitsOf(d.alternatives[i]) == item.digits) o.rightAlternative = static_cast<int>(i) + 1;
  }
  o.alternatives = static_cast<int>(d.alternatives.size());
  if (cfg.firstOnly) return o;
  const DialogEnd autoEnd = dialog(rec, item, cfg, false, cache, &o);
  o.attempts = autoEnd.attempts;
  o.finalRight = autoEnd.digits == item.digits;
  o.acceptedWrong = autoEnd.digits && *autoEnd.digits != item.digits;
  o.gaveUp = !autoEnd.digits;
  o.answers[0] = autoEnd.answers;
  o.misheard[0] = autoEnd.misheard;
  const DialogEnd alwaysEnd = dialog(rec, item, cfg, true, cache, &o);
  o.alwaysRight = alwaysEnd.digits == item.digits;
  o.alwaysWrong = alwaysEnd.digits && *alwaysEnd.digits != item.digits;
  o.answers[1] = alwaysEnd.answers;
  o.misheard[1] = alwaysEnd.misheard;
  return o;
}

// Probability that a random right first result scores above a random wrong one (ties count
// half): how well a confidence measure separates them, 0.5 = not at all.
double separation(const std::vector<double>& right, const std::vector<double>& wrong) {
  if (right.empty() || wrong.empty()) return 0;
  double wins = 0;
  for (double r : right) {
    for (double w : wrong) wins += r > w ? 1.0 : r == w ? 0.5 : 0.0;
  }
  return wins / (static_cast<double>(right.size()) * static_cast<double>(wrong.size()));
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
    if (a == "--first-only")
      cfg.firstOnly = true;
    else if (a == "--pauses")
      cfg.pauses = true;
    else if (a == "--only")
      cfg.only = next();
    else if (a == "--noise")
      cfg.options.noiseRms = std::atof(next().c_str());
    else if (a == "--margin-scale")
      cfg.options.marginScale = std::atof(next().c_str());
    else if (a == "--no-second")
      cfg.options.secondOpinion = false;
    else if (a == "--confidence") {
      const std::string from = next();
      cfg.options.confidence =
          from == "gap" ? asr::ConfidenceFrom::kNbestGap : asr::ConfidenceFrom::kSecondOpinion;
    } else if (a == "--gap-scale")
      cfg.options.gapScale = std::atof(next().c_str());
    else if (a == "--nbest")
      cfg.options.nbestDepth = std::atoi(next().c_str());
    else if (a == "--attempts")
      cfg.maxAttempts = std::atoi(next().c_str());
    else if (a == "--per-kind")
      cfg.perKind = std::atoi(next().c_str());
    else if (a == "--threshold")
      cfg.threshold = std::atof(next().c_str());
    else if (a == "--seed")
      cfg.seed = static_cast<unsigned>(std::atoi(next().c_str()));
    else if (a == "--threads")
      cfg.threads = std::max(1, std::atoi(next().c_str()));
    else if (a == "--no-espeak")
      cfg.espeak = false;
    else if (a == "--details")
      cfg.details = next();
    else if (a == "--model")
      cfg.options.modelDir = next();
    else if (a == "--dict")
      cfg.options.dictionary = next();
    else if (a == "--quality")
      cfg.options.resamplerQuality = std::atoi(next().c_str());
    else if (a == "--padding")
      cfg.options.paddingMs = std::atoi(next().c_str());
    else if (a == "--arg") {
      std::string kv = next();
      auto eq = kv.find('=');
      cfg.options.extraArgs.emplace_back(kv.substr(0, eq),
                                         eq == std::string::npos ? "" : kv.substr(eq + 1));
    } else {
      std::fprintf(
          stderr,
          "usage: asr_bench [--per-kind N] [--threshold C] [--seed S] [--threads T] [--no-espeak]\n"
          "  [--details FILE.tsv] [--model DIR] [--dict FILE] [--quality 0-10] [--padding MS]\n"
          "  [--confidence second|gap] [--gap-scale G] [--nbest DEPTH] [--attempts N]\n"
          "  [--arg -name=value]...\n");
      return 2;
    }
  }
  auto rec = asr::PocketsphinxRecognizer::create(cfg.options);
  if (!rec.ok()) {
    std::fprintf(stderr, "%s\n", rec.error().toString().c_str());
    return 1;
  }

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
      for (size_t i; (i = nextItem++) < items.size();) out[i] = run(**rec, items[i], cfg);
    });
  }
  for (auto& t : pool) t.join();

  size_t first = 0, base = 0, fin = 0, wrong = 0, gave = 0, confident = 0, confidentWrong = 0;
  size_t alwaysRight = 0, alwaysWrong = 0, firstWrong = 0, withAlternatives = 0;
  size_t gapConfident = 0, gapConfidentWrong = 0;
  int answers[2] = {0, 0}, misheard[2] = {0, 0};
  std::vector<size_t> rank(speech::kMaxAlternatives + 1, 0);
  std::vector<double> rtfs, confRight, confWrong, gapRight, gapWrong;
  std::map<std::string, std::pair<int, int>> byVoice;
  size_t counted = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    const auto& o = out[i];
    auto& v = byVoice[items[i].voice.engine + ":" + items[i].voice.name +
                      (items[i].voice.apart ? " (apart)" : "")];
    v.first += o.firstRight;
    v.second += 1;
    if (items[i].voice.apart) continue;
    ++counted;
    first += o.firstRight;
    base += o.baselineRight;
    fin += o.finalRight;
    wrong += o.acceptedWrong;
    gave += o.gaveUp;
    confident += o.confidentFirst;
    confidentWrong += o.confidentFirst && !o.firstRight;
    alwaysRight += o.alwaysRight;
    alwaysWrong += o.alwaysWrong;
    withAlternatives += o.alternatives > 0;
    for (int k = 0; k < 2; ++k) {
      answers[k] += o.answers[k];
      misheard[k] += o.misheard[k];
    }
    const double gapConfidence = o.gap < 0 ? 1.0 : 1.0 - std::exp(-o.gap / cfg.options.gapScale);
    gapConfident += gapConfidence >= cfg.threshold;
    gapConfidentWrong += gapConfidence >= cfg.threshold && !o.firstRight;
    (o.firstRight ? confRight : confWrong).push_back(o.confidence);
    (o.firstRight ? gapRight : gapWrong).push_back(o.gap < 0 ? 1e9 : o.gap);
    if (!o.firstRight && !o.hyp.empty()) {
      ++firstWrong;
      rank[static_cast<size_t>(o.rightAlternative)] += 1;
    }
    rtfs.push_back(o.rtf);
  }
  const double n = static_cast<double>(counted);
  std::printf("utterances: %zu in the totals (%zu strings x %zu voice/speed renderings)%s\n",
              counted, strings.size(), counted / strings.size(),
              cfg.pauses ? ", digits separated by pauses" : "");
  std::printf("baseline (free digit loop) first pass: %5.1f%%\n",
              100.0 * static_cast<double>(base) / n);
  std::printf("first pass (exact-length grammar):     %5.1f%%  (%.2fx baseline)\n",
              100.0 * static_cast<double>(first) / n,
              base ? static_cast<double>(first) / static_cast<double>(base) : 0.0);
  std::printf("confident first results: %5.1f%%, of them wrong: %zu\n",
              100.0 * static_cast<double>(confident) / n, confidentWrong);
  std::printf("confidence separation (P(right > wrong)): reported %.3f, N-best gap %.3f\n",
              separation(confRight, confWrong), separation(gapRight, gapWrong));
  std::printf("N-best gap confidence (scale %.2f) >= %.2f: %5.1f%%, of them wrong: %zu\n",
              cfg.options.gapScale, cfg.threshold, 100.0 * static_cast<double>(gapConfident) / n,
              gapConfidentWrong);
  std::printf(
      "wrong first results with a reading: %zu; right reading among alternatives: 1st %zu, 2nd "
      "%zu, "
      "3rd %zu, 4th %zu, none %zu; results with alternatives: %zu\n",
      firstWrong, rank[1], rank[2], rank[3], rank[4], rank[0], withAlternatives);
  if (!cfg.firstOnly) {
    std::printf("after confirmation, SpeechTurn, Confirm Auto (below %.2f, %d attempts): %5.1f%%\n",
                cfg.threshold, cfg.maxAttempts, 100.0 * static_cast<double>(fin) / n);
    std::printf("  accepted wrong: %5.2f%%   gave up: %5.2f%%\n",
                100.0 * static_cast<double>(wrong) / n, 100.0 * static_cast<double>(gave) / n);
    std::printf(
        "after confirmation, SpeechTurn, Confirm Always:                  %5.1f%%  accepted wrong: "
        "%5.2f%%\n",
        100.0 * static_cast<double>(alwaysRight) / n, 100.0 * static_cast<double>(alwaysWrong) / n);
    std::printf("  caller's yes/no misheard: Auto %d of %d answers, Always %d of %d\n", misheard[0],
                answers[0], misheard[1], answers[1]);
  }
  std::printf("real-time factor (median, one recognize(): %s): %.4f\n",
              cfg.options.confidence == asr::ConfidenceFrom::kNbestGap
                  ? "one decode + N-best"
                  : "grammar + N-best + second-opinion decode",
              median(rtfs));
  for (const auto& [voice, c] : byVoice)
    std::printf("  %-18s first pass %3d/%d\n", voice.c_str(), c.first, c.second);
  if (!cfg.details.empty()) {
    std::ofstream f(cfg.details);
    f << "voice\trate\ttruth\thyp\tsecond\tmargin\tgap\tconfidence\tfirst_right\tright_alt\tfinal_"
         "right\tattempts\n";
    for (size_t i = 0; i < items.size(); ++i) {
      const auto& o = out[i];
      f << items[i].voice.name << '\t' << items[i].rate << '\t' << items[i].digits << '\t'
        << digitsOf(o.hyp) << '\t' << digitsOf(o.second) << '\t' << o.posterior << '\t' << o.gap
        << '\t' << o.confidence << '\t' << o.firstRight << '\t' << o.rightAlternative << '\t'
        << o.finalRight << '\t' << o.attempts << '\n';
    }
  }
  return 0;
}
