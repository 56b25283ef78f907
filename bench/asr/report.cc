#include "bench/asr/report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <functional>
#include <map>

#include "core/speech/recognizer.h"
#include "core/spoken_digits.h"

namespace callgate::asrbench {

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double threadCpu() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

namespace {

std::string digitsOf(const std::string& text) { return spokenDigits(text).value_or(""); }

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

// One row of a table: the utterances of a condition, a voice family, ...
struct Tally {
  size_t n = 0, base = 0, first = 0, fin = 0, wrong = 0, gave = 0, always = 0, alwaysWrong = 0;
  std::vector<double> rtf, baseRtf;
  void add(const Outcome& o) {
    ++n;
    base += o.baselineRight;
    first += o.firstRight;
    fin += o.finalRight;
    wrong += o.acceptedWrong;
    gave += o.gaveUp;
    always += o.alwaysRight;
    alwaysWrong += o.alwaysWrong;
    rtf.push_back(o.rtf);
    baseRtf.push_back(o.baselineRtf);
  }
  double pct(size_t k) const {
    return n ? 100.0 * static_cast<double>(k) / static_cast<double>(n) : 0;
  }
  double frac(size_t k) const { return n ? static_cast<double>(k) / static_cast<double>(n) : 0; }
};

void header(const char* what) {
  std::printf("\n%-36s %4s %6s %6s %6s %5s %6s %6s %5s %6s\n", what, "n", "base%", "first%",
              "auto%", "wrong", "gave%", "alw%", "awrng", "RTF");
}

void row(const std::string& name, const Tally& t) {
  std::printf("%-36s %4zu %6.1f %6.1f %6.1f %5zu %6.1f %6.1f %5zu %6.3f\n", name.c_str(), t.n,
              t.pct(t.base), t.pct(t.first), t.pct(t.fin), t.wrong, t.pct(t.gave), t.pct(t.always),
              t.alwaysWrong, median(t.rtf));
}

void table(const char* what, const std::vector<Item>& items, const std::vector<Outcome>& out,
           const std::function<std::string(const Item&)>& key) {
  std::map<std::string, Tally> rows;
  for (size_t i = 0; i < items.size(); ++i) {
    if (!items[i].voice.apart) rows[key(items[i])].add(out[i]);
  }
  header(what);
  for (const auto& [name, t] : rows) row(name, t);
}

void goal(const char* what, bool met, const std::string& detail) {
  std::printf("GOAL %s: %s (%s)\n", met ? "MET" : "NOT MET", what, detail.c_str());
}

void jsonLine(FILE* f, const std::string& metric, double value, double baseline,
              const std::string& goalText, bool met) {
  if (f == nullptr) return;
  const double ratio = baseline != 0 ? value / baseline : 0;
  std::fprintf(f,
               "{\"bench\": \"asr\", \"metric\": \"%s\", \"value\": %.4g, \"baseline\": %.4g, "
               "\"ratio\": %.4g, \"goal\": \"%s\", \"met\": %s}\n",
               metric.c_str(), value, baseline, ratio, goalText.c_str(), met ? "true" : "false");
}

}  // namespace

void printReport(const std::vector<Item>& items, const std::vector<Outcome>& out,
                 const std::vector<Condition>& conditions, size_t strings,
                 const ReportOptions& options) {
  // Per condition, in the matrix's order.
  std::vector<Tally> byCondition(conditions.size());
  Tally all, easy;
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].voice.apart) continue;
    byCondition[items[i].condition].add(out[i]);
    all.add(out[i]);
    if (conditions[items[i].condition].easy()) easy.add(out[i]);
  }
  std::printf(
      "columns: base%% = free digit loop first pass; first%% = exact-length grammar; auto%% = "
      "right "
      "after SpeechTurn, Confirm Auto (below %.2f, %d attempts); wrong = accepted wrong (Auto); "
      "gave%% = gave up (Auto); alw%% / awrng = Confirm Always; RTF = median\n",
      options.threshold, options.maxAttempts);
  header("condition");
  for (size_t c = 0; c < conditions.size(); ++c) {
    if (byCondition[c].n > 0) row(conditions[c].name(), byCondition[c]);
  }
  table("voice family", items, out, [](const Item& i) { return i.voice.family(); });
  table("way of speaking", items, out,
        [&](const Item& i) { return conditions[i.condition].wayName(); });
  table("noise (nominal level)", items, out, [&](const Item& i) {
    const auto& c = conditions[i.condition];
    return c.noiseName() + (c.loud || c.gainDb != 0 ? " " + c.levelName() : "");
  });
  table("tempo", items, out, [](const Item& i) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.2f", i.rate);
    return std::string(buf);
  });
  table("voice", items, out, [](const Item& i) { return i.voice.engine + ":" + i.voice.name; });
  header("clean (any level) + 20 dB SNR");
  row("(the goals' conditions)", easy);
  header("all");
  row("(totals)", all);

  // The totals, as before.
  size_t confident = 0, confidentWrong = 0, firstWrong = 0, withAlternatives = 0;
  size_t gapConfident = 0, gapConfidentWrong = 0;
  int answers[2] = {0, 0}, misheard[2] = {0, 0};
  std::vector<size_t> rank(speech::kMaxAlternatives + 1, 0);
  std::vector<double> confRight, confWrong, gapRight, gapWrong;
  std::map<std::pair<char, char>, int> confusions;
  std::map<std::string, int> lengthErrors;
  for (size_t i = 0; i < items.size(); ++i) {
    const auto& o = out[i];
    if (items[i].voice.apart) continue;
    confident += o.confidentFirst;
    confidentWrong += o.confidentFirst && !o.firstRight;
    withAlternatives += o.alternatives > 0;
    for (int k = 0; k < 2; ++k) {
      answers[k] += o.answers[k];
      misheard[k] += o.misheard[k];
    }
    // As the recogniser reports it: a result with no rival reading is not certainty.
    const double gapConfidence =
        o.gap < 0 ? speech::kNoRivalConfidence : 1.0 - std::exp(-o.gap / options.gapScale);
    gapConfident += gapConfidence >= options.threshold;
    gapConfidentWrong += gapConfidence >= options.threshold && !o.firstRight;
    (o.firstRight ? confRight : confWrong).push_back(o.confidence);
    (o.firstRight ? gapRight : gapWrong).push_back(o.gap < 0 ? 1e9 : o.gap);
    if (!o.firstRight && !o.hyp.empty()) {
      ++firstWrong;
      rank[static_cast<size_t>(o.rightAlternative)] += 1;
    }
    if (!o.firstRight) {
      const std::string h = digitsOf(o.hyp);
      const std::string& t = items[i].digits;
      if (h.empty()) {
        lengthErrors["nothing recognised"] += 1;
      } else {
        for (size_t k = 0; k < t.size() && k < h.size(); ++k) {
          if (t[k] != h[k]) confusions[{t[k], h[k]}] += 1;
        }
      }
    }
  }
  const double n = static_cast<double>(all.n);
  const size_t used = static_cast<size_t>(std::count_if(byCondition.begin(), byCondition.end(),
                                                        [](const Tally& t) { return t.n > 0; }));
  std::printf("\nutterances: %zu in the totals (%zu strings, %zu conditions)\n", all.n, strings,
              used);
  std::printf("baseline (free digit loop) first pass: %5.1f%%\n", all.pct(all.base));
  std::printf("first pass (exact-length grammar):     %5.1f%%  (%.2fx baseline)\n",
              all.pct(all.first),
              all.base ? static_cast<double>(all.first) / static_cast<double>(all.base) : 0.0);
  std::printf("confident first results: %5.1f%%, of them wrong: %zu\n",
              100.0 * static_cast<double>(confident) / n, confidentWrong);
  std::printf("confidence separation (P(right > wrong)): reported %.3f, N-best gap %.3f\n",
              separation(confRight, confWrong), separation(gapRight, gapWrong));
  std::printf("N-best gap confidence (scale %.2f) >= %.2f: %5.1f%%, of them wrong: %zu\n",
              options.gapScale, options.threshold, 100.0 * static_cast<double>(gapConfident) / n,
              gapConfidentWrong);
  std::printf(
      "wrong first results with a reading: %zu; right reading among alternatives: 1st %zu, 2nd "
      "%zu, 3rd %zu, 4th %zu, none %zu; results with alternatives: %zu\n",
      firstWrong, rank[1], rank[2], rank[3], rank[4], rank[0], withAlternatives);
  std::vector<std::pair<int, std::pair<char, char>>> top;
  for (const auto& [pair, count] : confusions) top.push_back({count, pair});
  std::sort(top.rbegin(), top.rend());
  std::printf("first-pass digit confusions (truth->heard, same position):");
  for (size_t k = 0; k < top.size() && k < 12; ++k)
    std::printf(" %c->%c %d", top[k].second.first, top[k].second.second, top[k].first);
  for (const auto& [what, count] : lengthErrors) std::printf("; %s %d", what.c_str(), count);
  std::printf("\n");
  if (!options.firstOnly) {
    std::printf("after confirmation, SpeechTurn, Confirm Auto (below %.2f, %d attempts): %5.1f%%\n",
                options.threshold, options.maxAttempts, all.pct(all.fin));
    std::printf("  accepted wrong: %zu (%5.2f%%)   gave up: %5.2f%%\n", all.wrong,
                all.pct(all.wrong), all.pct(all.gave));
    std::printf(
        "after confirmation, SpeechTurn, Confirm Always:                  %5.1f%%  accepted wrong: "
        "%zu\n",
        all.pct(all.always), all.alwaysWrong);
    std::printf("  caller's yes/no misheard: Auto %d of %d answers, Always %d of %d\n", misheard[0],
                answers[0], misheard[1], answers[1]);
  }
  const double rtf = median(all.rtf), baseRtf = median(all.baseRtf);
  std::printf(
      "real-time factor (median, one recognize(): %s): %.4f; free digit loop %.4f\n",
      options.secondOpinion ? "grammar + N-best + second-opinion decode" : "one decode + N-best",
      rtf, baseRtf);
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].voice.apart)
      std::printf("  apart: %s:%s first pass %d\n", items[i].voice.engine.c_str(),
                  items[i].voice.name.c_str(), out[i].firstRight);
  }

  // The goals.
  size_t worst = conditions.size();
  for (size_t c = 0; c < conditions.size(); ++c) {
    if (byCondition[c].n == 0) continue;
    if (worst == conditions.size() ||
        byCondition[c].frac(byCondition[c].fin) < byCondition[worst].frac(byCondition[worst].fin))
      worst = c;
  }
  char detail[160];
  std::printf("\n");
  std::snprintf(detail, sizeof detail, "%.1f%% of %zu; free loop %.1f%%", easy.pct(easy.first),
                easy.n, easy.pct(easy.base));
  const bool firstMet = easy.frac(easy.first) >= 0.95;
  goal("first pass >= 95% on clean and 20 dB conditions", firstMet, detail);
  FILE* json = nullptr;
  if (!options.resultsFile.empty()) json = std::fopen(options.resultsFile.c_str(), "a");
  jsonLine(json, "first pass, clean+20 dB", easy.frac(easy.first), easy.frac(easy.base), ">= 0.95",
           firstMet);
  if (!options.firstOnly) {
    std::snprintf(detail, sizeof detail, "Auto %.1f%%, Always %.1f%% of %zu", easy.pct(easy.fin),
                  easy.pct(easy.always), easy.n);
    const bool finMet = easy.frac(easy.fin) >= 0.99;
    goal("after confirmation >= 99% on clean and 20 dB conditions (Auto)", finMet, detail);
    // Baseline: the free loop's first pass on the same audio (it has no confirmation turn).
    jsonLine(json, "after confirmation, clean+20 dB", easy.frac(easy.fin), easy.frac(easy.base),
             ">= 0.99", finMet);
    if (worst < conditions.size()) {
      const Tally& w = byCondition[worst];
      std::snprintf(detail, sizeof detail, "worst: %s, %.1f%% of %zu",
                    conditions[worst].name().c_str(), w.pct(w.fin), w.n);
      const bool worstMet = w.frac(w.fin) >= 0.90;
      goal("no condition below 90% after confirmation (Auto)", worstMet, detail);
      jsonLine(json, "worst condition after confirmation", w.frac(w.fin), w.frac(w.base), ">= 0.90",
               worstMet);
    }
    std::snprintf(detail, sizeof detail, "Auto %zu, Always %zu of %zu", all.wrong, all.alwaysWrong,
                  all.n);
    goal("accepted wrong 0 in every condition", all.wrong == 0 && all.alwaysWrong == 0, detail);
    // Baseline: what the free loop would accept with no grammar and no confirmation (its wrong
    // first results).
    jsonLine(json, "accepted wrong", static_cast<double>(all.wrong),
             static_cast<double>(all.n - all.base), "0", all.wrong == 0);
  }
  jsonLine(json, "real-time factor", rtf, baseRtf, "< 0.05", rtf < 0.05);
  if (json != nullptr) std::fclose(json);

  if (!options.details.empty()) {
    std::ofstream f(options.details);
    f << "condition\tvoice\trate\ttruth\tsaid\thyp\tbaseline\tgap\tconfidence\tfirst_right\tright_"
         "alt\tfinal_right\tattempts\talways_right\tscore\n";
    for (size_t i = 0; i < items.size(); ++i) {
      const auto& o = out[i];
      std::string said;
      for (const auto& c : items[i].chunks) said += (said.empty() ? "" : ", ") + c;
      f << conditions[items[i].condition].name() << '\t' << items[i].voice.name << '\t'
        << items[i].rate << '\t' << items[i].digits << '\t' << said << '\t' << digitsOf(o.hyp)
        << '\t' << digitsOf(o.baselineHyp) << '\t' << o.gap << '\t' << o.confidence << '\t'
        << o.firstRight << '\t' << o.rightAlternative << '\t' << o.finalRight << '\t' << o.attempts
        << '\t' << o.alwaysRight << '\t' << o.score << '\n';
    }
  }
}

}  // namespace callgate::asrbench
