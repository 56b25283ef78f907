// Speech recognition accuracy benchmark: user ids (8 digits), PINs (4) and codes (6)
// spoken by flite, espeak-ng and festival voices at three speeds, continuously, digit by digit
// and in groups, clean, at other levels and in steady or babble noise (conditions.h), through
// G.711, decoded by PocketsphinxRecognizer. Prints first-pass accuracy (exact-length grammar), the
// free digit-loop baseline of the same run, how well the confidence (and the N-best gap) separates
// right from wrong first results, where the truth ranks among Recognition::alternatives, accuracy
// after the confirmation dialog (the product's speech::SpeechTurn, Confirm Auto and Always, with a
// simulated caller answering yes/no by voice, or by key for a recorded voice), the accepted-wrong
// rate and the median real-time factor, per condition and in total, against the issue's goals
// (report.h). Run by bench/asr/run.sh (`make bench-asr`).
#include <algorithm>
#include <atomic>
#include <cmath>
#include <compare>
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
#include <utility>
#include <variant>
#include <vector>

#include "adapters/speech/asr/pocketsphinx_recognizer.h"
#include "bench/asr/conditions.h"
#include "bench/asr/corpus.h"
#include "bench/asr/endpointed.h"
#include "bench/asr/report.h"
#include "core/flow/actions.h"
#include "core/speech/endpointer.h"
#include "core/speech/grammar.h"
#include "core/speech/speech_turn.h"
#include "core/spoken_digits.h"

using namespace callgate;
using asrbench::Item;
using asrbench::Outcome;
using asrbench::threadCpu;

namespace {

struct Config {
  int perKind = 4;  // strings of each length (8, 4, 6) per condition: 288 utterances, ~8 min
  double threshold = 0.6;
  double yesFrom = speech::SpeechTurnOptions{}.yesFrom;  // a spoken yes needs this confidence
  int maxAttempts = 3;
  bool parts = true;  // --no-parts: a rejected entry is asked for whole again
  unsigned seed = 7;
  int threads = 1;
  bool espeak = true;
  bool festival = true;
  bool formant = false;  // espeak-ng's formant voice, apart (clean continuous only)
  bool firstOnly = false;
  // --slot MIN:MAX: the first entry is decoded against a slot of MIN to MAX digits instead of
  // exactly the string's length (a flow whose SpeechInput gives a range); --first-only only.
  int slotMin = 0, slotMax = 0;
  bool endpointer = false;  // --endpointer: decode the endpointer's cut (endpointed.h)
  asrbench::EndpointedOptions endpointed;  // --min-periodicity, --min-level, --line-after, ...
  std::string only;                        // run only the voices whose name contains this
  std::string conditions;                  // run only the conditions whose name contains this
  std::string details;
  std::string answersFile;  // --answers: every yes/no decode, for calibrating yesFrom
  std::string dumpDir;      // --dump: write the corpus as pocketsphinx hears it, decode nothing
  std::vector<asrbench::Voice> voices;  // --voices: these instead of availableVoices()
  asr::PocketsphinxOptions options;
  std::vector<asrbench::Condition> matrix = asrbench::conditionMatrix();
};

// Entry decodes made at the recogniser's frame rate for slow speech (PocketsphinxOptions).
std::atomic<int> slowDecodes{0};
std::atomic<int> warpedDecodes{0};  // entry decodes read at a warp other than 1

std::string digitsOf(const std::string& text) { return spokenDigits(text).value_or(""); }

// Digits a read-back prompt offers: "I heard 1 2 3 4. If ..." / "Sorry. Did you say 1 2 3 4? If
// ..." / "To confirm 1 2 3 4, press 1. If ...".
std::string offeredDigits(const std::string& prompt) {
  std::string out;
  const size_t end = std::min(prompt.find(" If "), prompt.find(", press "));
  for (size_t i = 0; i < std::min(end, prompt.size()); ++i) {
    if (prompt[i] >= '0' && prompt[i] <= '9') out.push_back(prompt[i]);
  }
  return out;
}

// What an entry Listen asks the caller to say: the whole item, or a group of it (SpeechTurn's
// parts): digits [offset, offset + length); length 0 is the whole.
struct Asked {
  int offset = 0, length = 0;
  auto operator<=>(const Asked&) const = default;
};

// The decodes of one corpus item, shared by the two simulated dialogs (Auto and Always): entry
// utterance k (spoken 25 % slower each time) of what was asked, and the caller's answers, decoded
// once each.
struct Cache {
  std::map<std::pair<int, Asked>, asr::Decoding> entries;
  std::map<std::pair<std::string, int>, speech::Recognition> answers;  // (word, k-th answer)
};

// The yes/no decodes of the run (--answers), for choosing yesFrom.
std::mutex answersMutex;
std::vector<std::string> answerLines;

// Entry utterance k of an item as the line carries it (k = 1 the first; the caller repeats 25 %
// slower each time): what entryDecode() decodes and --dump writes. A group is said the item's way
// (its words drawn from the item's seed).
std::optional<std::vector<int16_t>> entryAudio(const Item& item, const Config& cfg, int k,
                                               Asked asked = {}) {
  double rate = item.rate;
  for (int i = 1; i < k; ++i) rate *= 1.25;
  const auto& condition = cfg.matrix[item.condition];
  std::vector<std::string> chunks = item.chunks;
  if (asked.length > 0) {
    std::mt19937 rng(static_cast<uint32_t>(item.seed) ^ static_cast<uint32_t>(asked.offset));
    chunks = asrbench::chunksFor(
        item.digits.substr(static_cast<size_t>(asked.offset), static_cast<size_t>(asked.length)),
        condition.way, rng);
  }
  return asrbench::render(item.voice, chunks, condition.way, rate, condition,
                          item.seed + static_cast<uint64_t>(k));
}

asr::Decoding entryDecode(asr::PocketsphinxRecognizer& rec, const Item& item, const Config& cfg,
                          const speech::Grammar& grammar, int k, Cache& cache, Outcome* first,
                          Asked asked = {}) {
  if (auto it = cache.entries.find({k, asked}); it != cache.entries.end()) return it->second;
  auto audio = entryAudio(item, cfg, k, asked);
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
  if (d->frameRate == cfg.options.slowFrameRate && d->frameRate != cfg.options.frameRate) {
    ++slowDecodes;
  }
  if (d->warp != 1.0) ++warpedDecodes;
  if (k == 1 && asked.length == 0 && first != nullptr) {
    first->rtf = cpu / (static_cast<double>(audio->size()) / 8000.0);
    const double b0 = threadCpu();
    auto base = rec.decode(*audio, speech::digitLoopGrammar());
    first->baselineRtf = (threadCpu() - b0) / (static_cast<double>(audio->size()) / 8000.0);
    first->baselineRight = base.ok() && digitsOf(base->text) == item.digits;
    if (base.ok()) first->baselineHyp = base->text;
  }
  cache.entries[{k, asked}] = *d;
  return *d;
}

// One input as a call would run it: the product's speech::SpeechTurn drives the dialog; the
// simulated caller says what each entry prompt asks for (the item, or the group of it a part
// names) and answers each read-back truthfully ("yes"/"no", synthesised in the same voice and
// recognised against the Listen's grammar).
// Returns the Finished digits (nullopt: gave up) and the attempts used.
struct DialogEnd {
  std::optional<std::string> digits;
  int attempts = 0;
  int answers = 0,
      misheard = 0;    // read-backs answered, answers recognised as the other word / nothing
  int keyAsks = 0;     // unsure spoken yeses that made the turn ask for key 1 or 2
  bool parts = false;  // the turn went on group by group (SpeechTurn's parts)
};

// Confirmations that fell back to the keypad, per dialog (Auto, Always), summed over the run.
std::atomic<int> keyAsksTotal[2] = {0, 0};
std::atomic<int> keyAskItems[2] = {0, 0};
// Items whose dialog went on group by group, and of those the ones that ended with the right id.
std::atomic<int> partItems[2] = {0, 0};
std::atomic<int> partItemsRight[2] = {0, 0};

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
  speech::SpeechTurn turn(
      collect, speech::SpeechTurnOptions{cfg.threshold, cfg.maxAttempts, cfg.yesFrom, cfg.parts});
  speech::TurnStep step = turn.start();
  int entries = 0;
  for (int guard = 0; guard < 50; ++guard) {
    const auto* listen = std::get_if<speech::Listen>(&step);
    if (listen == nullptr) break;
    const Asked asked{listen->partOffset, listen->partLength};
    end.parts = end.parts || asked.length > 0;
    if (!listen->confirming) {
      const asr::Decoding d =
          entryDecode(rec, item, cfg, listen->grammar, ++entries, cache, first, asked);
      step = turn.heard(speech::Recognition{d.text, d.confidence, d.alternatives});
      continue;
    }
    const std::string truth = asked.length > 0
                                  ? item.digits.substr(static_cast<size_t>(asked.offset),
                                                       static_cast<size_t>(asked.length))
                                  : item.digits;
    const bool right = offeredDigits(listen->prompt.text) == truth;
    if (turn.askingForKey() || item.voice.engine == "recorded") {
      // Asked to press 1 or 2, a caller presses the right key (keys are never misheard). A
      // recorded voice has no "yes" or "no" to say: its caller answers every read-back by key.
      end.keyAsks += turn.askingForKey();
      step = turn.keyed(right ? "1" : "2");
      continue;
    }
    const std::string word = right ? "yes" : "no";
    const int k = end.answers;
    auto it = cache.answers.find({word, k});
    if (it == cache.answers.end()) {
      // The answer on the same line: the item's level and noise, said as one word. A caller
      // does not say "yes" the same way twice: each answer of a dialog is its own utterance
      // (tempo varied by up to 10 %, its own stretch of noise), so one misheard answer is not
      // misheard again at every later question.
      static constexpr double kAnswerTempo[] = {1.0, 1.1, 0.92, 1.05, 0.96};
      const auto& condition = cfg.matrix[item.condition];
      auto answer = asrbench::render(
          item.voice, {word}, asrbench::Way::kContinuous, item.rate * kAnswerTempo[k % 5],
          condition,
          (item.seed ^ (word == "yes" ? 0x7e5u : 0x40u)) + (static_cast<uint64_t>(k) << 40));
      if (!answer) std::exit(1);
      auto yn = rec.decode(*answer, listen->grammar);
      it = cache.answers
               .emplace(std::pair{word, k}, yn.ok()
                                                ? speech::Recognition{yn->text, yn->confidence, {}}
                                                : speech::Recognition{})
               .first;
      if (!cfg.answersFile.empty() && yn.ok()) {
        std::lock_guard lock(answersMutex);
        answerLines.push_back(condition.name() + "\t" + item.voice.name + "\t" + word + "\t" +
                              yn->text + "\t" + std::to_string(yn->confidence) + "\t" +
                              std::to_string(yn->gap) + "\t" + std::to_string(yn->snrDb));
      }
    }
    ++end.answers;
    end.misheard += spokenYesNo(it->second.text) != std::optional<bool>(word == "yes");
    step = turn.heard(it->second);
  }
  const auto* done = std::get_if<speech::Finished>(&step);
  end.digits = done ? done->digits : std::nullopt;
  end.attempts = turn.attempts();
  keyAsksTotal[always ? 1 : 0] += end.keyAsks;
  keyAskItems[always ? 1 : 0] += end.keyAsks > 0;
  partItems[always ? 1 : 0] += end.parts;
  partItemsRight[always ? 1 : 0] += end.parts && end.digits == item.digits;
  return end;
}

Outcome run(asr::PocketsphinxRecognizer& rec, const Item& item, const Config& cfg) {
  Outcome o;
  Cache cache;
  const int n = static_cast<int>(item.digits.size());
  const speech::Grammar entry =
      cfg.slotMin > 0 ? speech::digitGrammar(cfg.slotMin, cfg.slotMax) : speech::digitGrammar(n, n);
  const asr::Decoding d = entryDecode(rec, item, cfg, entry, 1, cache, &o);
  o.firstRight = digitsOf(d.text) == item.digits;
  o.posterior = d.margin;
  o.gap = d.gap;
  o.score = d.score;
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
  o.parts = autoEnd.parts;
  o.answers[0] = autoEnd.answers;
  o.misheard[0] = autoEnd.misheard;
  const DialogEnd alwaysEnd = dialog(rec, item, cfg, true, cache, &o);
  o.alwaysRight = alwaysEnd.digits == item.digits;
  o.alwaysWrong = alwaysEnd.digits && *alwaysEnd.digits != item.digits;
  o.answers[1] = alwaysEnd.answers;
  o.misheard[1] = alwaysEnd.misheard;
  return o;
}

// --dump DIR: each item's first entry as pocketsphinx hears it (16 kHz, 16-bit little-endian raw,
// after the recogniser's front end) in DIR/uNNNN.raw, with SphinxTrain's control file (fileids)
// and transcription of the words said: an adaptation corpus for bench/asr/adapt.sh.
int dumpCorpus(asr::PocketsphinxRecognizer& rec, const std::vector<Item>& items,
               const Config& cfg) {
  std::ofstream ids(cfg.dumpDir + "/fileids"), words(cfg.dumpDir + "/transcription");
  if (!ids || !words) {
    std::fprintf(stderr, "cannot write into %s\n", cfg.dumpDir.c_str());
    return 1;
  }
  for (size_t i = 0; i < items.size(); ++i) {
    const Item& item = items[i];
    auto audio = entryAudio(item, cfg, 1);
    if (!audio) {
      std::fprintf(stderr, "synthesis failed (%s)\n", item.voice.name.c_str());
      return 1;
    }
    const std::vector<int16_t> wide = rec.frontEnd(*audio);
    char name[32];
    std::snprintf(name, sizeof name, "u%04zu", i);
    std::ofstream raw(cfg.dumpDir + "/" + name + ".raw", std::ios::binary);
    raw.write(reinterpret_cast<const char*>(wide.data()),
              static_cast<std::streamsize>(wide.size() * sizeof(int16_t)));
    std::string said;
    // Chunks are said with a pause between them (conditions.h): silence for bw to align.
    for (const std::string& chunk : item.chunks) said += (said.empty() ? "" : " <sil> ") + chunk;
    ids << name << "\n";
    words << "<s> " << said << " </s> (" << name << ")\n";
  }
  std::printf("%zu utterances in %s\n", items.size(), cfg.dumpDir.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Config cfg;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--first-only")
      cfg.firstOnly = true;
    else if (a == "--endpointer")
      cfg.endpointer = true;
    else if (a == "--min-periodicity")
      cfg.endpointed.endpointer.minPeriodicity = std::atof(next().c_str());
    else if (a == "--min-level")
      cfg.endpointed.endpointer.minLevelDbfs = std::atof(next().c_str());
    else if (a == "--end-silence")
      cfg.endpointed.endpointer.endSilenceMs = std::atoi(next().c_str());
    else if (a == "--pre-roll")
      cfg.endpointed.endpointer.preRollMs = std::atoi(next().c_str());
    else if (a == "--floor") {
      const std::string how = next();
      if (how == "min")
        cfg.endpointed.endpointer.noiseFloor = speech::NoiseFloor::kQuietest;
      else if (how == "typical")
        cfg.endpointed.endpointer.noiseFloor = speech::NoiseFloor::kTypical;
      else if (how == "typical-end")
        cfg.endpointed.endpointer.noiseFloor = speech::NoiseFloor::kTypicalForEnd;
      else {
        std::fprintf(stderr, "--floor takes min, typical or typical-end\n");
        return 2;
      }
    } else if (a == "--line-after")
      cfg.endpointed.lineAfterMs = std::atoi(next().c_str());
    else if (a == "--incomplete-silence")
      cfg.endpointed.endpointer.incompleteSilenceMs = std::atoi(next().c_str());
    else if (a == "--ms-per-digit")
      cfg.endpointed.msPerDigit = std::atoi(next().c_str());
    else if (a == "--pause-scale")
      cfg.endpointed.pauseScale = std::atof(next().c_str());
    else if (a == "--pause-weight")
      cfg.endpointed.pauseWeight = std::atof(next().c_str());
    else if (a == "--only")
      cfg.only = next();
    else if (a == "--conditions")
      cfg.conditions = next();
    else if (a == "--no-festival")
      cfg.festival = false;
    else if (a == "--formant")
      cfg.formant = true;
    else if (a == "--noise-below")
      cfg.options.noiseBelowSpeechDb = std::atof(next().c_str());
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
    else if (a == "--no-parts")
      cfg.parts = false;
    else if (a == "--threshold")
      cfg.threshold = std::atof(next().c_str());
    else if (a == "--yes-threshold")
      cfg.yesFrom = std::atof(next().c_str());
    else if (a == "--yes-no-gap-scale")
      cfg.options.yesNoGapScale = std::atof(next().c_str());
    else if (a == "--answers")
      cfg.answersFile = next();
    else if (a == "--dump")
      cfg.dumpDir = next();
    else if (a == "--voices") {
      const std::string list = next();
      for (size_t at = 0; at < list.size();) {
        size_t end = list.find(',', at);
        if (end == std::string::npos) end = list.size();
        const std::string v = list.substr(at, end - at);
        const size_t colon = v.find(':');
        if (colon == std::string::npos) {
          std::fprintf(stderr, "--voices takes ENGINE:NAME[,ENGINE:NAME...]\n");
          return 2;
        }
        cfg.voices.push_back({v.substr(0, colon), v.substr(colon + 1)});
        at = end + 1;
      }
    } else if (a == "--seed")
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
    else if (a == "--mllr")
      cfg.options.mllr = next();
    else if (a == "--quality")
      cfg.options.resamplerQuality = std::atoi(next().c_str());
    else if (a == "--padding")
      cfg.options.paddingMs = std::atoi(next().c_str());
    else if (a == "--slow-frame-rate") {
      const std::string v = next();
      if (std::sscanf(v.c_str(), "%d:%d", &cfg.options.slowFrameRate,
                      &cfg.options.slowFromMsPerDigit) != 2) {
        std::fprintf(stderr, "--slow-frame-rate takes RATE:MS_PER_DIGIT\n");
        return 2;
      }
    } else if (a == "--warps") {
      // Comma-separated factors ("1" alone: no warping).
      cfg.options.warps.clear();
      const std::string v = next();
      for (size_t at = 0; at <= v.size();) {
        const size_t comma = std::min(v.find(',', at), v.size());
        cfg.options.warps.push_back(std::atof(v.substr(at, comma - at).c_str()));
        at = comma + 1;
      }
    } else if (a == "--warp-margin") {
      cfg.options.warpMargin = std::atof(next().c_str());
    } else if (a == "--slot") {
      const std::string v = next();
      if (std::sscanf(v.c_str(), "%d:%d", &cfg.slotMin, &cfg.slotMax) != 2 || cfg.slotMin < 1 ||
          cfg.slotMax < cfg.slotMin) {
        std::fprintf(stderr, "--slot takes MIN:MAX digits (1 <= MIN <= MAX)\n");
        return 2;
      }
    } else if (a == "--max-pause")
      cfg.options.maxPauseMs = std::atoi(next().c_str());
    else if (a == "--arg") {
      std::string kv = next();
      auto eq = kv.find('=');
      cfg.options.extraArgs.emplace_back(kv.substr(0, eq),
                                         eq == std::string::npos ? "" : kv.substr(eq + 1));
    } else {
      std::fprintf(
          stderr,
          "usage: asr_bench [--per-kind N] [--threshold C] [--yes-threshold C] [--seed S]\n"
          "  [--threads T] [--no-espeak] [--yes-no-gap-scale G] [--answers FILE.tsv]\n"
          "  [--no-festival] [--formant] [--only VOICE] [--conditions TEXT] [--first-only]\n"
          "  [--details FILE.tsv] [--model DIR] [--dict FILE] [--mllr FILE|''] [--quality 0-10]\n"
          "  [--padding MS] [--max-pause MS] [--noise-below DB] [--no-parts]\n"
          "  [--slow-frame-rate RATE:MS_PER_DIGIT]\n"
          "  [--slot MIN:MAX (with --first-only)] [--warps W,W,...] [--warp-margin M]\n"
          "  [--confidence second|gap] [--gap-scale G] [--nbest DEPTH] [--attempts N]\n"
          "  [--arg -name=value]... [--voices ENGINE:NAME,...] [--dump DIR]\n"
          "  (--voices recorded:allison --conditions digits+pauses: a human voice)\n"
          "  [--endpointer [--min-periodicity P]\n"
          "  [--min-level DBFS] [--end-silence MS] [--pre-roll MS] [--floor "
          "min|typical|typical-end]\n"
          "  [--line-after MS] [--incomplete-silence MS] [--ms-per-digit MS]\n"
          "  [--pause-scale X] [--pause-weight W]]\n");
      return 2;
    }
  }
  if (cfg.slotMin > 0 && (!cfg.firstOnly || cfg.endpointer || cfg.slotMin > 4 || cfg.slotMax < 8)) {
    std::fprintf(stderr, "--slot needs --first-only and must hold the corpus's 4 to 8 digits\n");
    return 2;
  }
  auto rec = asr::PocketsphinxRecognizer::create(cfg.options);
  if (!rec.ok()) {
    std::fprintf(stderr, "%s\n", rec.error().toString().c_str());
    return 1;
  }

  // The corpus: in each condition, perKind strings of each length, each said by one voice at
  // one tempo, the voice x tempo cells taken in turn (a different tempo for a voice's strings of
  // each length, rotated from one condition to the next), so every condition holds the same
  // mix of voices, tempos and lengths.
  std::mt19937 rng(cfg.seed);  // a benchmark corpus, reproducible: not a security use
  std::vector<asrbench::Voice> voices;
  const std::vector<asrbench::Voice> available =
      cfg.voices.empty() ? asrbench::availableVoices(cfg.espeak, cfg.festival, cfg.formant)
                         : cfg.voices;
  for (const auto& v : available) {
    if (cfg.only.empty() || v.name.find(cfg.only) != std::string::npos) voices.push_back(v);
  }
  if (voices.empty()) {
    std::fprintf(stderr, "no voice matches --only %s\n", cfg.only.c_str());
    return 2;
  }
  std::vector<asrbench::Voice> counted;
  for (const auto& v : voices) {
    if (!v.apart) counted.push_back(v);
  }
  const double kRates[] = {0.85, 1.0, 1.2};
  asrbench::buildBabble(cfg.seed);
  std::vector<Item> items;
  size_t strings = 0;
  for (size_t c = 0; c < cfg.matrix.size(); ++c) {
    const auto& condition = cfg.matrix[c];
    if (!cfg.conditions.empty() && condition.name().find(cfg.conditions) == std::string::npos)
      continue;
    size_t i = 0;
    for (int len : {8, 4, 6}) {
      for (int k = 0; k < cfg.perKind; ++k, ++i) {
        std::string s;
        for (int j = 0; j < len; ++j) s += static_cast<char>('0' + rng() % 10);
        ++strings;
        if (counted.empty()) continue;
        const size_t cell = i + c * 3 * static_cast<size_t>(cfg.perKind);  // voices rotate
        const size_t v = cell % counted.size(), round = cell / counted.size();
        const double rate = kRates[(v + 2 * round + c) % 3];
        const uint64_t seed = (static_cast<uint64_t>(cfg.seed) << 32) ^ (c << 20) ^ (i << 4);
        items.push_back({counted[v], rate, c, s, asrbench::chunksFor(s, condition.way, rng), seed});
      }
    }
    if (cfg.formant && condition.way == asrbench::Way::kContinuous &&
        condition.noise == asrbench::Noise::kNone && condition.gainDb == 0) {
      for (const auto& v : voices) {
        if (!v.apart) continue;
        for (size_t j = items.size() - 3 * static_cast<size_t>(cfg.perKind), e = items.size();
             j < e; ++j) {
          Item copy = items[j];
          copy.voice = v;
          items.push_back(copy);
        }
      }
    }
  }
  if (!cfg.dumpDir.empty()) return dumpCorpus(**rec, items, cfg);
  if (cfg.endpointer) {
    cfg.endpointed.threads = cfg.threads;
    cfg.endpointed.details = cfg.details;
    return asrbench::runEndpointed(**rec, items, cfg.matrix, cfg.endpointed);
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

  asrbench::ReportOptions report;
  report.threshold = cfg.threshold;
  report.maxAttempts = cfg.maxAttempts;
  report.gapScale = cfg.options.gapScale;
  report.firstOnly = cfg.firstOnly;
  report.secondOpinion = cfg.options.confidence != asr::ConfidenceFrom::kNbestGap;
  report.details = cfg.details;
  if (const char* f = std::getenv("CALLGATE_BENCH_RESULTS"); f != nullptr) report.resultsFile = f;
  asrbench::printReport(items, out, cfg.matrix, strings, report);
  if (cfg.options.slowFromMsPerDigit > 0) {
    std::printf("\nentries decoded at %d frames a second (%d ms or more per digit): %d\n",
                cfg.options.slowFrameRate, cfg.options.slowFromMsPerDigit, slowDecodes.load());
  }
  if (cfg.options.warps.size() > 1) {
    std::printf("entries read with the frequency axis warped (vocal tract length): %d\n",
                warpedDecodes.load());
  }
  if (!cfg.firstOnly) {
    std::printf(
        "\nspoken yes needs confidence >= %.2f; confirmations that fell back to the keypad "
        "(unsure yes): Auto %d (in %d of %zu utterances), Always %d (in %d)\n",
        cfg.yesFrom, keyAsksTotal[0].load(), keyAskItems[0].load(), items.size(),
        keyAsksTotal[1].load(), keyAskItems[1].load());
    std::printf(
        "taken group by group after a no: Auto %d utterances (%d ended right), Always %d "
        "(%d)\n",
        partItems[0].load(), partItemsRight[0].load(), partItems[1].load(),
        partItemsRight[1].load());
    std::vector<int> parts(cfg.matrix.size()), partsRight(cfg.matrix.size());
    for (size_t i = 0; i < items.size(); ++i) {
      parts[items[i].condition] += out[i].parts;
      partsRight[items[i].condition] += out[i].parts && out[i].finalRight;
    }
    std::printf("  by condition (Auto), turns in parts (ended right):");
    for (size_t c = 0; c < cfg.matrix.size(); ++c) {
      if (parts[c] == 0) continue;
      std::printf("\n    %-36s %3d (%d)", cfg.matrix[c].name().c_str(), parts[c], partsRight[c]);
    }
    std::printf("\n");
  }
  if (!cfg.answersFile.empty()) {
    std::ofstream f(cfg.answersFile);
    f << "condition\tvoice\tsaid\theard\tconfidence\tgap\tsnr_db\n";
    for (const std::string& line : answerLines) f << line << "\n";
  }
  return 0;
}
