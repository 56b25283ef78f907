#include "adapters/speech/asr/pocketsphinx_recognizer.h"

// pocketsphinx and sphinxbase stay inside this file (sphinxbase's int64 clashes with spandsp's
// tiff.h, so never include <spandsp.h> here).
#include <pocketsphinx.h>
#include <sphinxbase/ckd_alloc.h>
#include <sphinxbase/err.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>

#include "adapters/speech/asr/front_end.h"
#include "common/metrics_catalog.h"
#include "core/spoken_digits.h"

namespace callgate::asr {

// One pocketsphinx decoder, at one frame rate and one warp of the frequency axis.
struct PocketsphinxRecognizer::Engine {
  ps_decoder_t* ps = nullptr;
  std::set<std::string> searches;  // grammar names compiled into this decoder
  ~Engine() {
    if (ps != nullptr) ps_free(ps);
  }
};

// What one lease of the pool holds: an engine per frame rate (the slow one when it is on) and
// warp (1 and PocketsphinxOptions::warps).
struct PocketsphinxRecognizer::Decoder {
  std::map<std::pair<int, double>, std::unique_ptr<Engine>> engines;
  Engine& at(int rate, double warp) { return *engines.at({rate, warp}); }
};

namespace {

// Once for the process: sphinxbase's log is one global FILE. No decoder is given -logfn either:
// ps_init opens that file anew and closes the old one, which another thread's decode may be
// writing to (ThreadSanitizer saw the race when a second decoder was made during a decode).
void silencePocketsphinxLog() {
  static std::once_flag once;
  std::call_once(once, [] { err_set_logfp(nullptr); });
}

// An N-best hypothesis as words: fillers, sentence markers and pronunciation variants dropped.
std::string cleanWords(const char* hyp) {
  std::istringstream in(hyp);
  std::string word;
  std::string out;
  while (in >> word) {
    if (word.empty() || word[0] == '<' || word[0] == '[' || word[0] == '+') continue;
    const size_t paren = word.find('(');
    if (paren != std::string::npos) word.resize(paren);
    if (!out.empty()) out.push_back(' ');
    out += word;
  }
  return out;
}

// word -> phones of a cmudict-format file ("word PH ONES"; "word(2) ..." variants skipped), read
// once per path and kept for the process (a few MB for the full cmudict).
Result<const std::map<std::string, std::string>*> pronunciations(const std::string& path) {
  static std::mutex mutex;
  static std::map<std::string, std::map<std::string, std::string>> loaded;
  std::lock_guard lock(mutex);
  if (auto it = loaded.find(path); it != loaded.end()) return &it->second;
  std::ifstream in(path);
  if (!in) return Error::notFound("speech word dictionary not found: " + path);
  std::map<std::string, std::string> words;
  std::string line;
  while (std::getline(in, line)) {
    const size_t space = line.find(' ');
    if (space == std::string::npos || space == 0) continue;
    std::string word = line.substr(0, space);
    if (word.find('(') != std::string::npos) continue;
    words.emplace(std::move(word), line.substr(space + 1));
  }
  return &loaded.emplace(path, std::move(words)).first->second;
}

// Adds the grammar's words this decoder does not know yet, from the word dictionary.
Status addWords(ps_decoder_t* ps, const std::vector<std::string>& words, const std::string& path) {
  const std::map<std::string, std::string>* known = nullptr;
  for (const std::string& w : words) {
    char* phones = ps_lookup_word(ps, w.c_str());
    if (phones != nullptr) {
      ckd_free(phones);
      continue;
    }
    if (known == nullptr) {
      auto loaded = pronunciations(path);
      if (!loaded.ok()) return loaded.error();
      known = *loaded;
    }
    auto it = known->find(w);
    if (it == known->end()) {
      return Error::invalidArgument("speech grammar word '" + w + "' is not in " + path);
    }
    if (ps_add_word(ps, w.c_str(), it->second.c_str(), FALSE) < 0)
      return Error::internal("pocketsphinx: cannot add the word '" + w + "'");
  }
  return okStatus();
}

}  // namespace

class PocketsphinxRecognizer::Lease {
 public:
  Lease(PocketsphinxRecognizer& owner, std::unique_ptr<Decoder> d)
      : owner_(owner), d_(std::move(d)) {}
  ~Lease() { owner_.release(std::move(d_)); }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  Decoder& operator*() { return *d_; }

 private:
  PocketsphinxRecognizer& owner_;
  std::unique_ptr<Decoder> d_;
};

PocketsphinxRecognizer::PocketsphinxRecognizer(PocketsphinxOptions options)
    : options_(std::move(options)) {}

PocketsphinxRecognizer::~PocketsphinxRecognizer() = default;

Result<std::unique_ptr<PocketsphinxRecognizer>> PocketsphinxRecognizer::create(
    PocketsphinxOptions options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_regular_file(fs::path(options.modelDir) / "mdef", ec)) {
    return Error::notFound(
        "speech model not found: " + (fs::path(options.modelDir) / "mdef").string() +
        " (install pocketsphinx-en-us or set the model directory)");
  }
  if (!fs::is_regular_file(options.dictionary, ec)) {
    return Error::notFound("speech dictionary not found: " + options.dictionary);
  }
  if (!options.mllr.empty() && !fs::is_regular_file(options.mllr, ec)) {
    return Error::notFound("speech MLLR transform not found: " + options.mllr);
  }
  if (options.maxDecoders < 1) return Error::invalidArgument("max decoders must be at least 1");
  if (options.resamplerQuality < 0 || options.resamplerQuality > 10) {
    return Error::invalidArgument("resampler quality must be within 0..10");
  }
  if (options.paddingMs < 0 || options.paddingMs > 1000) {
    return Error::invalidArgument("padding must be within 0..1000 ms");
  }
  for (const int rate : {options.frameRate, options.slowFrameRate}) {
    if (rate < 50 || rate > 200) {
      return Error::invalidArgument("frame rates must be within 50..200 a second");
    }
  }
  for (const double warp : options.warps) {
    if (!(warp >= kMinWarp && warp <= kMaxWarp)) {
      return Error::invalidArgument("vocal tract warps must be within 0.8..1.25");
    }
  }
  silencePocketsphinxLog();
  std::unique_ptr<PocketsphinxRecognizer> r(new PocketsphinxRecognizer(std::move(options)));
  auto first = r->newDecoder();
  if (!first.ok()) return first.error();
  r->free_.push_back(std::move(first.value()));
  r->created_ = 1;
  return r;
}

Result<std::unique_ptr<PocketsphinxRecognizer::Engine>> PocketsphinxRecognizer::newEngine(
    int frameRate, double warp) const {
  std::vector<std::string> args = {"-hmm",          options_.modelDir,
                                   "-dict",         options_.dictionary,
                                   "-samprate",     "16000",
                                   "-silprob",      std::to_string(options_.silenceProbability),
                                   "-remove_noise", options_.removeNoise ? "yes" : "no",
                                   "-topn",         std::to_string(options_.gaussians),
                                   "-frate",        std::to_string(frameRate)};
  if (!options_.mllr.empty()) {
    args.push_back("-mllr");
    args.push_back(options_.mllr);
  }
  // Frequencies divided by the warp when the filterbank is built. sphinxbase keeps the warp's
  // parameters in process-wide statics, read as a decoder builds its filterbank, and skips
  // setting them when given the same text as last time, while a decoder without -warp_params
  // only marks them neutral: after [1.2, none, 1.2] the second 1.2 was built unwarped. So every
  // engine names its warp, 1 (exactly the unwarped filterbank) included, and engines are made
  // one at a time (below).
  args.insert(args.end(), {"-warp_type", "inverse_linear", "-warp_params", std::to_string(warp)});
  for (const auto& [name, value] : options_.extraArgs) {
    args.push_back(name);
    args.push_back(value);
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  static std::mutex sphinxbaseStatics;  // the warp's parameters (above); strtok
  std::lock_guard lock(sphinxbaseStatics);
  cmd_ln_t* config =
      cmd_ln_parse_r(nullptr, ps_args(), static_cast<int32>(argv.size()), argv.data(), FALSE);
  if (config == nullptr)
    return Error::invalidArgument("pocketsphinx rejected the decoder arguments");
  auto e = std::make_unique<Engine>();
  e->ps = ps_init(config);
  cmd_ln_free_r(config);  // the decoder holds its own reference
  if (e->ps == nullptr) {
    // pocketsphinx says why only in its own log, which is silenced: name what it was given.
    return Error::internal("pocketsphinx could not start (model " + options_.modelDir +
                           (options_.mllr.empty() ? "" : ", MLLR transform " + options_.mllr) +
                           ")");
  }
  return e;
}

Result<std::unique_ptr<PocketsphinxRecognizer::Decoder>> PocketsphinxRecognizer::newDecoder()
    const {
  std::set<int> rates = {options_.frameRate};
  if (options_.slowFromMsPerDigit > 0) rates.insert(options_.slowFrameRate);
  std::set<double> warps(options_.warps.begin(), options_.warps.end());
  warps.insert(1.0);  // answers, pause checks and other grammars are never warped
  auto d = std::make_unique<Decoder>();
  for (const int rate : rates) {
    for (const double warp : warps) {
      auto engine = newEngine(rate, warp);
      if (!engine.ok()) return engine.error();
      d->engines.emplace(std::pair{rate, warp}, std::move(engine.value()));
    }
  }
  return d;
}

Result<std::unique_ptr<PocketsphinxRecognizer::Decoder>> PocketsphinxRecognizer::acquire() {
  std::unique_lock lock(mutex_);
  freed_.wait(lock, [&] { return !free_.empty() || created_ < options_.maxDecoders; });
  if (!free_.empty()) {
    auto d = std::move(free_.back());
    free_.pop_back();
    return d;
  }
  ++created_;
  lock.unlock();
  auto d = newDecoder();
  if (!d.ok()) {
    std::lock_guard again(mutex_);
    --created_;
    freed_.notify_one();
  }
  return d;
}

void PocketsphinxRecognizer::release(std::unique_ptr<Decoder> decoder) {
  std::lock_guard lock(mutex_);
  free_.push_back(std::move(decoder));
  freed_.notify_one();
}

int PocketsphinxRecognizer::decodersCreated() const {
  std::lock_guard lock(mutex_);
  return created_;
}

namespace {

struct Pass {
  std::string text;
  double score = 0.0;  // path score per frame (log base of the decoder's logmath)
  std::vector<std::string> alternatives;
  double gap = -1.0;  // per frame: best minus first distinct alternative; -1 when none
};

// Reads the lattice's N-best list (A* over the utterance's word lattice) after a decode: the
// readings whose digits differ from `best` and from each other, within the grammar's length
// range (the lattice forgets the grammar's state, so some of its paths are not in the grammar).
void readNbest(ps_decoder_t* ps, Pass& pass, std::pair<size_t, size_t> range, int depth,
               int frames) {
  const std::optional<std::string> bestDigits = spokenDigits(pass.text);
  if (!bestDigits || depth <= 0) return;
  std::set<std::string> seen = {*bestDigits};
  std::optional<int32> bestScore;
  ps_nbest_t* it = ps_nbest(ps);
  for (int i = 0; it != nullptr && i < depth; ++i, it = ps_nbest_next(it)) {
    int32 score = 0;
    const char* hyp = ps_nbest_hyp(it, &score);
    if (hyp == nullptr) continue;
    const std::string words = cleanWords(hyp);
    const std::optional<std::string> digits = spokenDigits(words);
    if (!digits || digits->size() < range.first || digits->size() > range.second) continue;
    if (*digits == *bestDigits) {
      if (!bestScore) bestScore = score;
      continue;
    }
    if (!seen.insert(*digits).second) continue;
    if (pass.alternatives.empty()) {
      // An alternative ranked above the best reading's own path: no margin at all.
      pass.gap = bestScore ? std::max(0.0, static_cast<double>(*bestScore - score) / frames) : 0.0;
    }
    pass.alternatives.push_back(words);
    if (static_cast<int>(pass.alternatives.size()) >= speech::kMaxAlternatives) break;
  }
  if (it != nullptr) ps_nbest_free(it);
}

Result<Pass> runPass(ps_decoder_t* ps, std::set<std::string>& searches,
                     const std::vector<int16_t>& audio, const speech::Grammar& grammar,
                     int nbestDepth) {
  if (!searches.contains(grammar.name)) {
    if (ps_set_jsgf_string(ps, grammar.name.c_str(), grammar.jsgf.c_str()) < 0) {
      return Error::invalidArgument("speech grammar does not compile: " + grammar.name);
    }
    searches.insert(grammar.name);
  }
  if (ps_set_search(ps, grammar.name.c_str()) < 0)
    return Error::internal("cannot select grammar " + grammar.name);
  // A new stream for every utterance: the front end's noise statistics (its voice-activity
  // decision drops the frames it takes for silence) otherwise carry over from whatever this
  // decoder heard last, another call included, and the same audio is heard differently.
  if (ps_start_stream(ps) < 0 || ps_start_utt(ps) < 0)
    return Error::internal("pocketsphinx: cannot start an utterance");
  if (ps_process_raw(ps, audio.data(), audio.size(), FALSE, TRUE) < 0) {
    ps_end_utt(ps);
    return Error::internal("pocketsphinx: decoding failed");
  }
  ps_end_utt(ps);
  Pass pass;
  int32 score = 0;
  const char* hyp = ps_get_hyp(ps, &score);
  if (hyp != nullptr) pass.text = hyp;
  const int frames = std::max(1, ps_get_n_frames(ps));
  pass.score = static_cast<double>(score) / frames;
  if (grammar.isDigitSlot()) {
    readNbest(ps, pass,
              {static_cast<size_t>(grammar.minDigits), static_cast<size_t>(grammar.maxDigits)},
              nbestDepth, frames);
  }
  return pass;
}

}  // namespace

std::vector<int16_t> PocketsphinxRecognizer::frontEnd(std::span<const int16_t> audio,
                                                      bool digitSlot) const {
  std::vector<int16_t> shortened;
  if (digitSlot && options_.maxPauseMs > 0) {
    shortened = shortenPauses(audio, options_.maxPauseMs);
    audio = shortened;
  }
  std::vector<int16_t> wide = upsample(audio, options_.resamplerQuality, options_.paddingMs);
  addNoise(wide, noiseRmsFor(audio, options_.noiseBelowSpeechDb));
  return wide;
}

bool PocketsphinxRecognizer::judgesPace(const speech::Grammar& grammar) const {
  return options_.slowFromMsPerDigit > 0 && grammar.isDigitSlot() && !grammar.partialEntry;
}

int PocketsphinxRecognizer::rateForPace(size_t wideSamples, double digits) const {
  const double ms = static_cast<double>(wideSamples) / 16.0;
  return ms / digits >= options_.slowFromMsPerDigit ? options_.slowFrameRate : options_.frameRate;
}

int PocketsphinxRecognizer::frameRateFor(const speech::Grammar& grammar, size_t wideSamples) const {
  if (!judgesPace(grammar)) return options_.frameRate;
  return rateForPace(wideSamples, (grammar.minDigits + grammar.maxDigits) / 2.0);
}

Result<Decoding> PocketsphinxRecognizer::decode(std::span<const int16_t> audio,
                                                const speech::Grammar& grammar) {
  Decoding result;
  // Under 100 ms there is no word to hear.
  if (audio.size() < 800) return result;
  std::vector<int16_t> wide = frontEnd(audio, grammar.isDigitSlot());
  if (wide.empty()) return Error::internal("speex resampler failed");
  auto leased = acquire();
  if (!leased.ok()) return leased.error();
  Lease lease(*this, std::move(leased.value()));
  int rate = frameRateFor(grammar, wide.size());
  // A whole digit entry (not a pause check's speech so far) is read at each warp of
  // PocketsphinxOptions::warps (below), the first one with the N-best list; everything else as
  // heard.
  const bool wholeEntry = grammar.isDigitSlot() && !grammar.partialEntry;
  static const std::vector<double> kAsHeard = {1.0};
  const std::vector<double>& warps =
      wholeEntry && !options_.warps.empty() ? options_.warps : kAsHeard;
  double warp = warps.front();
  Engine* engine = &(*lease).at(rate, warp);
  if (!grammar.words.empty() && !engine->searches.contains(grammar.name)) {
    if (Status s = addWords(engine->ps, grammar.words, options_.wordDictionary); !s.ok())
      return s.error();
  }
  // A slot of several lengths is read length first: pocketsphinx's word lattice over such a
  // grammar is large, and reading its N-best list made the decode's real-time factor 0.9 for a
  // human voice against 4 to 8 digits (0.05 against exactly 8; docs/PERFORMANCE.md). So it is
  // decoded without the list; then against the length heard, with it, at the frame rate that
  // length calls for; and against the slot's other lengths, so the confidence still weighs a
  // reading of another length (the gap is the smaller of the two margins) and the caller can be
  // offered it.
  const bool lengthFirst = wholeEntry && grammar.minDigits != grammar.maxDigits;
  // A pause check (partialEntry) is read for its text alone: no N-best list either.
  const int depth = lengthFirst || grammar.partialEntry ? 0 : options_.nbestDepth;
  auto main = runPass(engine->ps, engine->searches, wide, grammar, depth);
  if (!main.ok()) return main.error();
  // Vocal tract length normalisation: the warp whose reading scores best per frame is the
  // speaker's (maximum likelihood), the first by warpMargin; the others are read without the list.
  size_t best = 0;
  double bestScore = main->score;
  for (size_t i = 1; i < warps.size(); ++i) {
    Engine& other = (*lease).at(rate, warps[i]);
    auto rival = runPass(other.ps, other.searches, wide, grammar, 0);
    if (!rival.ok()) return rival.error();
    const double score = rival->score - options_.warpMargin;
    if (!rival->text.empty() && (main->text.empty() || score > bestScore)) {
      main = std::move(rival);
      best = i;
      bestScore = score;
    }
  }
  if (best != 0) {
    warp = warps[best];
    engine = &(*lease).at(rate, warp);
    if (depth > 0) {
      main = runPass(engine->ps, engine->searches, wide, grammar, depth);
      if (!main.ok()) return main.error();
    }
  }
  const int heard =
      lengthFirst ? static_cast<int>(spokenDigits(main->text).value_or("").size()) : 0;
  if (lengthFirst && heard >= grammar.minDigits && heard <= grammar.maxDigits) {
    std::optional<double> lengthGap;
    std::string otherLength;  // the best reading of another length
    // Without an N-best list (nbestDepth 0) there is no margin over readings of the same
    // length, so none is measured over the other lengths: the result stays unsure.
    const auto others =
        options_.nbestDepth > 0 ? speech::otherLengthsGrammar(grammar, heard) : std::nullopt;
    if (others) {
      auto rival = runPass(engine->ps, engine->searches, wide, *others, 0);
      if (!rival.ok()) return rival.error();
      if (!rival->text.empty()) {
        lengthGap = std::max(0.0, main->score - rival->score);
        otherLength = rival->text;
      }
    }
    const int paced = judgesPace(grammar) ? rateForPace(wide.size(), heard) : rate;
    Engine* exactEngine = &(*lease).at(paced, warp);
    auto exact = runPass(exactEngine->ps, exactEngine->searches, wide,
                         speech::digitGrammar(heard, heard), options_.nbestDepth);
    if (!exact.ok()) return exact.error();
    if (!exact->text.empty()) {
      main = std::move(exact);
      engine = exactEngine;
      rate = paced;
    }
    if (lengthGap) {
      // It is an alternative too: first if closer than the first of the length heard.
      std::vector<std::string>& alternatives = main->alternatives;
      const bool closer = main->gap < 0 || *lengthGap <= main->gap;
      alternatives.insert(alternatives.begin() + (closer || alternatives.empty() ? 0 : 1),
                          otherLength);
      if (alternatives.size() > static_cast<size_t>(speech::kMaxAlternatives))
        alternatives.pop_back();
      main->gap = main->gap < 0 ? *lengthGap : std::min(main->gap, *lengthGap);
    }
  }
  Engine& d = *engine;
  result.frameRate = rate;
  result.warp = warp;
  result.text = main->text;
  if (result.text.empty()) return result;
  result.alternatives = std::move(main->alternatives);
  result.gap = main->gap;
  result.score = main->score;
  if (grammar.isYesNo()) {
    // A misheard "no" taken as "yes" confirms a wrong id: the answer's confidence is its margin
    // (per frame) over the best reading of the other answer, decoded on its own (the lattice of
    // a one-word grammar rarely holds it).
    result.snrDb = snrDb(audio);
    if (const std::optional<bool> yes = spokenYesNo(result.text)) {
      auto rival = runPass(d.ps, d.searches, wide, speech::answerGrammar(!*yes), 0);
      if (!rival.ok()) return rival.error();
      result.secondText = rival->text;
      result.gap = rival->text.empty() ? -1.0 : std::max(0.0, main->score - rival->score);
    }
    result.confidence = result.gap < 0 ? speech::kNoRivalConfidence
                                       : 1.0 - std::exp(-result.gap / options_.yesNoGapScale);
    return result;
  }
  if (grammar.isDigitSlot() && options_.confidence == ConfidenceFrom::kNbestGap) {
    // No distinct reading in the lattice at all is not certainty: see kNoRivalConfidence.
    result.confidence = result.gap < 0 ? speech::kNoRivalConfidence
                                       : 1.0 - std::exp(-result.gap / options_.gapScale);
    return result;
  }
  bool agree = true;
  if (options_.secondOpinion && grammar.isDigitSlot()) {
    auto second = runPass(d.ps, d.searches, wide, speech::digitLoopGrammar(), 0);
    if (!second.ok()) return second.error();
    result.secondText = second->text;
    agree = spokenDigits(result.text) == spokenDigits(second->text);
    result.margin = std::max(0.0, second->score - main->score);
  }
  const double closeness = std::exp(-result.margin / options_.marginScale);
  result.confidence = agree ? 0.5 + 0.5 * closeness : 0.5 * closeness;
  return result;
}

Result<speech::Recognition> PocketsphinxRecognizer::recognize(std::span<const int16_t> audio,
                                                              const speech::Grammar& grammar) {
  const auto started = std::chrono::steady_clock::now();
  auto d = decode(audio, grammar);
  metrics::speechRecognitionSeconds().with().observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  if (!d.ok()) return d.error();
  return speech::Recognition{std::move(d->text), d->confidence, std::move(d->alternatives)};
}

}  // namespace callgate::asr
