#include "bench/asr/endpointed.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <map>
#include <thread>

#include "core/speech/endpointer.h"
#include "core/speech/grammar.h"
#include "core/spoken_digits.h"

namespace callgate::asrbench {
namespace {

constexpr size_t kRate = 8000;
constexpr size_t kBefore = kRate;  // 1.0 s of line, observed (the prompt)
constexpr size_t kFrame = 160;     // 20 ms, as RTP brings it

struct Result {
  bool started = false, ended = false, maxSpeech = false;
  int pauses = 0;             // kPause events (each decoded against 1..n digits)
  bool endedAtPause = false;  // a pause check found the entry whole
  bool noiseOnly = false;     // the cut ends before the speech's first voiced part
  bool cutEarly = false;      // the cut ends before the speech's last voiced part
  bool lateStart = false;     // the cut begins after the speech's first voiced part
  bool wholeRight = false, cutRight = false;
  size_t cutFrom = 0, cutTo = 0;  // in the stream, samples
  VoicedSpan voiced;
  std::string wholeHyp, cutHyp;
  std::string checkHyp;  // the last pause check's text
  // Each pause check's decode: CPU seconds per second of the audio so far (the caller waits for
  // it in the pause), and its audio's length.
  std::vector<double> checkRtf, checkSeconds;
};

std::string digitsOf(const std::string& text) { return spokenDigits(text).value_or(""); }

std::vector<int16_t> renderOrDie(const Item& item, const Condition& condition, size_t before,
                                 size_t after, VoicedSpan* voiced, double pauseScale) {
  // seed + 1: the default run's first entry (asr_bench's entryDecode, k = 1).
  auto audio = renderInLine(item.voice, item.chunks, condition.way, item.rate, condition,
                            item.seed + 1, before, after, voiced, pauseScale);
  if (!audio) {
    std::fprintf(stderr, "synthesis failed (%s)\n", item.voice.name.c_str());
    std::exit(1);
  }
  return std::move(*audio);
}

std::string decodeOrDie(asr::PocketsphinxRecognizer& rec, const std::vector<int16_t>& audio,
                        const speech::Grammar& grammar) {
  auto d = rec.decode(audio, grammar);
  if (!d.ok()) {
    std::fprintf(stderr, "%s\n", d.error().toString().c_str());
    std::exit(1);
  }
  return d->text;
}

Result runOne(asr::PocketsphinxRecognizer& rec, const Item& item, const Condition& condition,
              const EndpointedOptions& bench) {
  Result r;
  const int n = static_cast<int>(item.digits.size());
  const speech::Grammar entry = speech::digitGrammar(n, n);  // exact length, as the flow asks
  r.wholeHyp =
      decodeOrDie(rec, renderOrDie(item, condition, 0, 0, nullptr, bench.pauseScale), entry);
  r.wholeRight = digitsOf(r.wholeHyp) == item.digits;

  const size_t after = static_cast<size_t>(std::max(0, bench.lineAfterMs)) * kRate / 1000;
  const auto stream = renderOrDie(item, condition, kBefore, after, &r.voiced, bench.pauseScale);
  speech::Endpointer ep(bench.endpointer);
  ep.expectSpeech(n * bench.msPerDigit);
  for (size_t at = 0; at < kBefore; at += kFrame) {
    ep.observe(std::span<const int16_t>(stream.data() + at, std::min(kFrame, kBefore - at)));
  }
  std::vector<int16_t> cut;
  for (size_t at = kBefore; at < stream.size() && !r.ended; at += kFrame) {
    const auto e =
        ep.feed(std::span<const int16_t>(stream.data() + at, std::min(kFrame, stream.size() - at)));
    r.started |= e != speech::Endpointer::Event::kNone;
    r.maxSpeech |= e == speech::Endpointer::Event::kMaxSpeech;
    if (e == speech::Endpointer::Event::kPause) {
      // As the SIP channel does: the speech so far against 1..n digits; all n end it here (the
      // decode takes time on a call, during which the silence goes on: the same cut).
      ++r.pauses;
      const std::vector<int16_t> soFar = ep.utteranceSoFar();
      const double t0 = threadCpu();
      r.checkHyp = decodeOrDie(rec, soFar, speech::pauseCheckGrammar(entry, bench.pauseWeight));
      const double seconds = static_cast<double>(soFar.size()) / kRate;
      if (seconds > 0) {
        r.checkRtf.push_back((threadCpu() - t0) / seconds);
        r.checkSeconds.push_back(seconds);
      }
      if (speech::entryIsWhole(entry, r.checkHyp)) {
        r.ended = r.endedAtPause = true;
        cut = ep.endNow();
      }
    } else if (e == speech::Endpointer::Event::kSpeechEnded || r.maxSpeech) {
      r.ended = true;
      cut = ep.takeUtterance();
    }
  }
  if (!r.ended) return r;  // missed, or no end in the line after: nothing decoded, counted wrong
  // The cut is a contiguous copy of the fed stream: find where it lies.
  const auto at = std::search(stream.begin() + kBefore, stream.end(), cut.begin(), cut.end());
  if (at == stream.end()) {
    std::fprintf(stderr, "the endpointer's cut is not in the stream\n");
    std::exit(1);
  }
  r.cutFrom = static_cast<size_t>(at - stream.begin());
  r.cutTo = r.cutFrom + cut.size();
  r.noiseOnly = r.cutTo <= r.voiced.first;
  r.cutEarly = !r.noiseOnly && r.cutTo < r.voiced.last;
  r.lateStart = !r.noiseOnly && r.cutFrom > r.voiced.first;
  r.cutHyp = decodeOrDie(rec, cut, entry);
  r.cutRight = digitsOf(r.cutHyp) == item.digits;
  return r;
}

struct Tally {
  size_t n = 0, missed = 0, noEnd = 0, noiseOnly = 0, cutEarly = 0, lateStart = 0, maxSpeech = 0;
  size_t whole = 0, cut = 0;
  void add(const Result& r) {
    ++n;
    missed += !r.started;
    noEnd += r.started && !r.ended;
    noiseOnly += r.noiseOnly;
    cutEarly += r.cutEarly;
    lateStart += r.lateStart;
    maxSpeech += r.maxSpeech;
    whole += r.wholeRight;
    cut += r.cutRight;
  }
  double pct(size_t k) const {
    return n ? 100.0 * static_cast<double>(k) / static_cast<double>(n) : 0;
  }
};

void row(const std::string& name, const Tally& t) {
  std::printf("| %s | %zu | %zu | %zu | %zu | %zu | %zu | %zu | %.1f %% | %.1f %% |\n",
              name.c_str(), t.n, t.missed, t.noiseOnly, t.cutEarly, t.lateStart, t.noEnd,
              t.maxSpeech, t.pct(t.whole), t.pct(t.cut));
}

void writeDetails(const std::string& path, const std::vector<Item>& items,
                  const std::vector<Result>& results, const std::vector<Condition>& matrix) {
  std::ofstream f(path);
  f << "condition\tvoice\trate\tdigits\tstarted\tended\tcut_from_ms\tcut_to_ms\tvoiced_from_ms"
       "\tvoiced_to_ms\twhole\tcut\tpauses\tlast_check\n";
  auto ms = [](size_t samples) { return samples * 1000 / kRate; };
  for (size_t i = 0; i < items.size(); ++i) {
    const Result& r = results[i];
    f << matrix[items[i].condition].name() << "\t" << items[i].voice.name << "\t" << items[i].rate
      << "\t" << items[i].digits << "\t" << r.started << "\t" << r.ended << "\t" << ms(r.cutFrom)
      << "\t" << ms(r.cutTo) << "\t" << ms(r.voiced.first) << "\t" << ms(r.voiced.last) << "\t"
      << r.wholeHyp << "\t" << r.cutHyp << "\t" << r.pauses << "\t" << r.checkHyp << "\n";
  }
}

}  // namespace

int runEndpointed(asr::PocketsphinxRecognizer& rec, const std::vector<Item>& items,
                  const std::vector<Condition>& matrix, const EndpointedOptions& options) {
  std::vector<Result> results(items.size());
  std::atomic<size_t> next{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < std::max(1, options.threads); ++t) {
    pool.emplace_back([&] {
      for (size_t i; (i = next++) < items.size();) {
        results[i] = runOne(rec, items[i], matrix[items[i].condition], options);
      }
    });
  }
  for (auto& t : pool) t.join();

  const speech::EndpointerOptions& ep = options.endpointer;
  std::printf(
      "endpointer (minPeriodicity %.2f, minLevelDbfs %.0f, endSilenceMs %d, "
      "incompleteSilenceMs %d below %d ms per digit, preRollMs %d, floor %s; pauses x%.2f, "
      "pause check's weight per digit %.3g): 1.0 s "
      "of line observed, the utterance and %d ms of line fed in 20 ms frames; the first cut "
      "decoded (exact-length grammar)\n\n",
      ep.minPeriodicity, ep.minLevelDbfs, ep.endSilenceMs, ep.incompleteSilenceMs,
      options.msPerDigit, ep.preRollMs,
      ep.noiseFloor == speech::NoiseFloor::kQuietest  ? "min"
      : ep.noiseFloor == speech::NoiseFloor::kTypical ? "typical"
                                                      : "typical-end",
      options.pauseScale, options.pauseWeight, options.lineAfterMs);
  std::printf(
      "| condition | n | missed | noise only | cut early | late start | no end | max speech | "
      "first pass, whole | first pass, endpointed |\n|---|---|---|---|---|---|---|---|---|---|\n");
  std::vector<Tally> byCondition(matrix.size());
  std::map<std::string, Tally> byWay;
  Tally total;
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].voice.apart) continue;
    const Condition& c = matrix[items[i].condition];
    byCondition[items[i].condition].add(results[i]);
    byWay[c.wayName()].add(results[i]);
    total.add(results[i]);
  }
  for (size_t c = 0; c < matrix.size(); ++c) {
    if (byCondition[c].n > 0) row(matrix[c].name(), byCondition[c]);
  }
  for (const auto& [way, t] : byWay) row("**" + way + "**", t);
  row("**total**", total);
  size_t pauses = 0, atPause = 0;
  std::vector<double> checkRtf, checkSeconds;
  for (const Result& r : results) {
    pauses += static_cast<size_t>(r.pauses);
    atPause += r.endedAtPause;
    checkRtf.insert(checkRtf.end(), r.checkRtf.begin(), r.checkRtf.end());
    checkSeconds.insert(checkSeconds.end(), r.checkSeconds.begin(), r.checkSeconds.end());
  }
  std::printf(
      "\npauses checked (a decode against 1..n digits each): %zu in %zu utterances; %zu ended "
      "at a pause the check found whole, the others after the end or incomplete silence\n"
      "a check's decode: real-time factor median %.3f, max %.3f (audio so far: median %.1f s)\n",
      pauses, results.size(), atPause, median(checkRtf),
      checkRtf.empty() ? 0.0 : *std::max_element(checkRtf.begin(), checkRtf.end()),
      median(checkSeconds));
  if (!options.details.empty()) writeDetails(options.details, items, results, matrix);
  return 0;
}

}  // namespace callgate::asrbench
