#include <gtest/gtest.h>
#include <speex/speex_resampler.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <set>
#include <thread>

#include "adapters/net/rtp/g711.h"
#include "adapters/speech/asr/pocketsphinx_recognizer.h"
#include "adapters/speech/tts/flite_synthesizer.h"
#include "adapters/speech/tts/wav_file.h"
#include "core/speech/grammar.h"
#include "core/spoken_digits.h"

namespace callgate::asr {
namespace {

PocketsphinxOptions testOptions() {
  PocketsphinxOptions o;
  o.dictionary = std::string(CALLGATE_SOURCE_DIR) + "/share/speech/digits.dict";
  o.mllr = std::string(CALLGATE_SOURCE_DIR) + "/share/speech/telephone.mllr";
  return o;
}

PocketsphinxRecognizer& recognizer() {
  static auto r = PocketsphinxRecognizer::create(testOptions());
  if (!r.ok()) ADD_FAILURE() << r.error().toString();
  return **r;
}

// 8 kHz audio through a G.711 μ-law round trip, as a caller's audio arrives.
std::vector<int16_t> overTheLine(const std::vector<int16_t>& s) {
  std::vector<uint8_t> coded(s.size());
  std::vector<int16_t> out(s.size());
  rtp::encodeG711(rtp::Codec::kPcmu, s.data(), s.size(), coded.data());
  rtp::decodeG711(rtp::Codec::kPcmu, coded.data(), coded.size(), out.data());
  return out;
}

// flite's kal voice (8 kHz), over the line.
std::vector<int16_t> phoneAudio(const std::string& text, double stretch = 1.0) {
  auto audio = tts::synthesizeWithFlite(text, stretch);
  EXPECT_TRUE(audio.ok());
  if (!audio.ok()) return {};
  return overTheLine((*audio)->samples);
}

std::string digitsHeard(const std::vector<int16_t>& audio, int length) {
  auto r = recognizer().recognize(audio, speech::digitGrammar(length, length));
  EXPECT_TRUE(r.ok());
  return r.ok() ? spokenDigits(r->text).value_or("") : "";
}

TEST(PocketsphinxRecognizer, MissingFilesAreNamed) {
  auto o = testOptions();
  o.dictionary = "/nonexistent/digits.dict";
  auto r = PocketsphinxRecognizer::create(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(r.error().message().find("/nonexistent/digits.dict"), std::string::npos);
  o = testOptions();
  o.modelDir = "/nonexistent/model";
  r = PocketsphinxRecognizer::create(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("/nonexistent/model"), std::string::npos);
  o = testOptions();
  o.mllr = "/nonexistent/telephone.mllr";
  r = PocketsphinxRecognizer::create(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(r.error().message().find("/nonexistent/telephone.mllr"), std::string::npos);
  // A file that is not a transform (here: the dictionary) is refused too, naming it.
  o = testOptions();
  o.mllr = o.dictionary;
  r = PocketsphinxRecognizer::create(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find(o.dictionary), std::string::npos);
  o = testOptions();
  o.maxDecoders = 0;
  EXPECT_EQ(PocketsphinxRecognizer::create(o).error().code(), ErrorCode::kInvalidArgument);
}

TEST(PocketsphinxRecognizer, EveryDigitGrammarCompiles) {
  // Compiling happens on first use of a grammar. The bound is not a speed goal (a unit test on a
  // loaded or sanitizer build cannot hold one): it catches an exact-length grammar that grows
  // combinatorially, which would take minutes. An idle machine compiles each in under 250 ms.
  auto& r = recognizer();
  const std::vector<int16_t> audio = phoneAudio("one");
  for (int n = 1; n <= speech::kMaxSpokenDigits; ++n) {
    const auto grammar = speech::digitGrammar(n, n);
    const auto t0 = std::chrono::steady_clock::now();
    ASSERT_TRUE(r.decode(audio, grammar).ok()) << n;
    const auto first = std::chrono::steady_clock::now() - t0;
    EXPECT_LT(std::chrono::duration_cast<std::chrono::seconds>(first).count(), 10) << n;
  }
  ASSERT_TRUE(r.decode(audio, speech::digitGrammar(1, 16)).ok());
}

TEST(PocketsphinxRecognizer, RecognisesExactLengthDigitStrings) {
  // A small corpus: assert a floor, not every item (TTS audio is not a person).
  const std::vector<std::pair<std::string, std::string>> corpus = {
      {"five oh five seven", "5057"},
      {"one two three four", "1234"},
      {"eight one eight one", "8181"},
      {"nine four two seven three one", "942731"},
      {"three three seven four", "3374"},
      {"two eight zero one five five", "280155"},
      {"four one nine three two zero eight one", "41932081"}};
  int right = 0;
  for (const auto& [text, digits] : corpus) {
    right += digitsHeard(phoneAudio(text), static_cast<int>(digits.size())) == digits;
  }
  EXPECT_GE(right, 6) << right << " of " << corpus.size();
}

TEST(PocketsphinxRecognizer, DoubleCountsAsTwoDigits) {
  EXPECT_EQ(digitsHeard(phoneAudio("double two three one"), 4), "2231");
}

TEST(PocketsphinxRecognizer, YesAndNo) {
  auto yes = recognizer().recognize(phoneAudio("yes"), speech::yesNoGrammar());
  auto no = recognizer().recognize(phoneAudio("no"), speech::yesNoGrammar());
  ASSERT_TRUE(yes.ok());
  ASSERT_TRUE(no.ok());
  // The meaning is what counts: kal's "yes" loses its /s/ above 4 kHz and may come out "yep".
  const std::set<std::string> yesWords = {"yes", "yeah", "yep", "correct", "right", "that's right"};
  const std::set<std::string> noWords = {"no", "nope", "wrong", "incorrect"};
  EXPECT_TRUE(yesWords.contains(yes->text)) << yes->text;
  EXPECT_TRUE(noWords.contains(no->text)) << no->text;
}

TEST(PocketsphinxRecognizer, EmptyAndSilentAudioGiveNothing) {
  auto empty = recognizer().recognize({}, speech::digitGrammar(4, 4));
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->text, "");
  EXPECT_EQ(empty->confidence, 0.0);
  const std::vector<int16_t> silence(8000, 0);
  auto quiet = recognizer().recognize(silence, speech::digitGrammar(4, 4));
  ASSERT_TRUE(quiet.ok());
  EXPECT_LT(quiet->confidence, 0.6);
}

TEST(PocketsphinxRecognizer, ConfidenceIsAProbability) {
  auto r = recognizer().recognize(phoneAudio("one two three four"), speech::digitGrammar(4, 4));
  ASSERT_TRUE(r.ok());
  EXPECT_GE(r->confidence, 0.0);
  EXPECT_LE(r->confidence, 1.0);
}

TEST(PocketsphinxRecognizer, AlternativesAreOtherDigitStringsInRange) {
  for (const auto& [text, length] :
       std::vector<std::pair<std::string, int>>{{"one two three four", 4},
                                                {"six eight six eight", 4},
                                                {"nine four two seven three one", 6}}) {
    auto r = recognizer().recognize(phoneAudio(text), speech::digitGrammar(length, length));
    ASSERT_TRUE(r.ok());
    EXPECT_LE(r->alternatives.size(), static_cast<size_t>(speech::kMaxAlternatives));
    std::set<std::string> seen = {spokenDigits(r->text).value_or("")};
    for (const auto& alt : r->alternatives) {
      const auto digits = spokenDigits(alt);
      ASSERT_TRUE(digits.has_value()) << alt;
      EXPECT_EQ(static_cast<int>(digits->size()), length) << alt;
      EXPECT_TRUE(seen.insert(*digits).second) << "repeated reading " << alt;
    }
  }
  // An eight-digit string with a "six eight" in it has competing readings in its lattice (flite's
  // kal, through the telephone transform: "six six" competes).
  auto d = recognizer().decode(phoneAudio("six eight six eight two five nine one"),
                               speech::digitGrammar(8, 8));
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->alternatives.empty());
  EXPECT_GE(d->gap, 0.0);
  // In a slot of 4 to 8 digits an entry is read length first, then against the length heard:
  // the alternatives are those of that length and the best reading of another length, and the
  // gap is the smaller of the margins over them. Here kal's six digits have no other reading of
  // six in the lattice (gap -1 in a six-digit slot), but one of another length is there.
  const std::vector<int16_t> six = phoneAudio("nine four two seven three one");
  auto exact = recognizer().decode(six, speech::digitGrammar(6, 6));
  auto ranged = recognizer().decode(six, speech::digitGrammar(4, 8));
  ASSERT_TRUE(exact.ok());
  ASSERT_TRUE(ranged.ok());
  EXPECT_EQ(spokenDigits(ranged->text).value_or(""), "942731");
  EXPECT_EQ(ranged->text, exact->text);
  EXPECT_TRUE(exact->alternatives.empty());
  ASSERT_EQ(ranged->alternatives.size(), 1u);
  const std::string other = spokenDigits(ranged->alternatives[0]).value_or("");
  EXPECT_GE(other.size(), 4u);
  EXPECT_LE(other.size(), 8u);
  EXPECT_NE(other.size(), 6u);
  EXPECT_LT(exact->gap, 0.0);
  EXPECT_GE(ranged->gap, 0.0);
  EXPECT_NEAR(ranged->confidence, 1.0 - std::exp(-ranged->gap / testOptions().gapScale), 1e-9);
}

TEST(PocketsphinxRecognizer, YesNoHasNoAlternatives) {
  auto r = recognizer().recognize(phoneAudio("no"), speech::yesNoGrammar());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->alternatives.empty());
}

TEST(PocketsphinxRecognizer, NbestGapConfidenceIsOneDecode) {
  auto o = testOptions();
  o.confidence = ConfidenceFrom::kNbestGap;
  auto r = PocketsphinxRecognizer::create(o);
  ASSERT_TRUE(r.ok());
  auto d = (*r)->decode(phoneAudio("one two three four"), speech::digitGrammar(4, 4));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->secondText, "");  // no second-opinion decode
  EXPECT_GE(d->confidence, 0.0);
  EXPECT_LE(d->confidence, 1.0);
  if (d->gap >= 0)
    EXPECT_NEAR(d->confidence, 1.0 - std::exp(-d->gap / o.gapScale), 1e-9);
  else
    EXPECT_EQ(d->confidence, speech::kNoRivalConfidence);
  // Without an N-best list there is no rival to measure against: never confident.
  o.nbestDepth = 0;
  auto none = PocketsphinxRecognizer::create(o);
  ASSERT_TRUE(none.ok());
  auto n = (*none)->recognize(phoneAudio("one two three four"), speech::digitGrammar(4, 4));
  ASSERT_TRUE(n.ok());
  EXPECT_TRUE(n->alternatives.empty());
  EXPECT_EQ(n->confidence, speech::kNoRivalConfidence);
  auto ranged = (*none)->recognize(phoneAudio("one two three four"), speech::digitGrammar(2, 6));
  ASSERT_TRUE(ranged.ok());
  EXPECT_EQ(spokenDigits(ranged->text).value_or(""), "1234");
  EXPECT_EQ(ranged->confidence, speech::kNoRivalConfidence);
}

// 8 kHz: a 300 Hz tone of `ms` (loud, as speech), or `ms` of silence, or of steady noise.
void tone(std::vector<int16_t>& out, int ms) {
  for (int i = 0; i < ms * 8; ++i)
    out.push_back(static_cast<int16_t>(6000 * std::sin(2 * M_PI * 300 * i / 8000.0)));
}
void quiet(std::vector<int16_t>& out, int ms, int noise = 0) {
  uint32_t state = 1;
  for (int i = 0; i < ms * 8; ++i) {
    state = state * 1664525u + 1013904223u;
    out.push_back(
        static_cast<int16_t>(noise == 0 ? 0 : static_cast<int>(state >> 22) % (2 * noise) - noise));
  }
}

TEST(PocketsphinxRecognizer, LongPausesAreShortenedBeforeDecoding) {
  auto o = testOptions();
  o.noiseBelowSpeechDb = 0;
  o.maxPauseMs = 100;
  auto r = PocketsphinxRecognizer::create(o);
  ASSERT_TRUE(r.ok());
  for (int noise : {0, 300}) {
    // 250 ms of "speech", 700 ms of pause, 250, 40 ms of pause (kept: short), 250.
    std::vector<int16_t> audio;
    tone(audio, 250);
    quiet(audio, 700, noise);
    tone(audio, 250);
    quiet(audio, 40, noise);
    tone(audio, 250);
    // The long pause keeps 100 ms; the decoder gets it at 16 kHz.
    EXPECT_EQ((*r)->frontEnd(audio).size(), (250 + 100 + 250 + 40 + 250) * 16u) << noise;
  }
  std::vector<int16_t> steady;
  tone(steady, 1000);
  EXPECT_EQ((*r)->frontEnd(steady).size(), 1000 * 16u);  // no pause, nothing cut
  o.maxPauseMs = 0;
  auto keep = PocketsphinxRecognizer::create(o);
  ASSERT_TRUE(keep.ok());
  std::vector<int16_t> paused;
  tone(paused, 250);
  quiet(paused, 700);
  tone(paused, 250);
  EXPECT_EQ((*keep)->frontEnd(paused).size(), 1200 * 16u);
  // A yes/no answer (not a digit slot) keeps its audio as it came.
  EXPECT_EQ((*r)->frontEnd(paused, /*digitSlot=*/false).size(), 1200 * 16u);
}

TEST(PocketsphinxRecognizer, TheAddedNoiseFollowsTheCallersLevel) {
  // In a pause the decoder gets only the added noise: RMS 10 for speech at the nominal level, 20
  // dB less for a caller 20 dB quieter (a fixed level cost a quiet human voice 3 of 12 entries).
  auto r = PocketsphinxRecognizer::create(testOptions());
  ASSERT_TRUE(r.ok());
  auto pauseRms = [&](double gain) {
    std::vector<int16_t> audio;
    tone(audio, 250);
    quiet(audio, 400);
    tone(audio, 250);
    for (int16_t& s : audio) s = static_cast<int16_t>(std::lround(s * gain));
    const std::vector<int16_t> wide = (*r)->frontEnd(audio);
    double sum = 0;
    const size_t from = 280 * 16;  // the middle of the pause (100 ms of it are kept)
    const size_t to = 320 * 16;
    for (size_t i = from; i < to; ++i) sum += static_cast<double>(wide[i]) * wide[i];
    return std::sqrt(sum / static_cast<double>(to - from));
  };
  // tone() peaks at 6000; 1.83 times that is a sine with loud frames at -12.5 dBFS.
  EXPECT_NEAR(pauseRms(1.83), 10.0, 0.5);
  EXPECT_NEAR(pauseRms(0.183), 1.0, 0.1);
}

// Each word trimmed of its silence and followed by `pauseMs` of silence, as callers read an id
// off a card.
std::vector<int16_t> oneByOne(const std::vector<std::vector<int16_t>>& words, int pauseMs) {
  std::vector<int16_t> audio;
  for (const std::vector<int16_t>& one : words) {
    size_t from = 0;
    size_t to = one.size();
    while (from < to && std::abs(one[from]) < 300) ++from;
    while (to > from && std::abs(one[to - 1]) < 300) --to;
    audio.insert(audio.end(), one.begin() + static_cast<std::ptrdiff_t>(from),
                 one.begin() + static_cast<std::ptrdiff_t>(to));
    quiet(audio, pauseMs);
  }
  return audio;
}

// Each digit said alone by flite's kal, `pauseMs` apart.
std::vector<int16_t> saidOneByOne(const std::vector<std::string>& words, double stretch,
                                  int pauseMs) {
  std::vector<std::vector<int16_t>> said;
  for (const std::string& w : words) said.push_back(phoneAudio(w, stretch));
  return oneByOne(said, pauseMs);
}

// A human voice: Allison Smith's recordings of the digits (Debian asterisk-core-sounds-en-wav,
// telephone prompts recorded at 8 kHz; installed by scripts/install-deps.sh), each through a
// G.711 round trip, `pauseMs` apart.
std::vector<int16_t> humanOneByOne(const std::string& digits, int pauseMs) {
  std::vector<std::vector<int16_t>> said;
  for (char d : digits) {
    auto wav = tts::readWav8k("/usr/share/asterisk/sounds/en_US_f_Allison/digits/" +
                              std::string(1, d) + ".wav");
    EXPECT_TRUE(wav.ok()) << (wav.ok() ? "" : wav.error().toString());
    if (!wav.ok()) return {};
    said.push_back(overTheLine((*wav)->samples));
  }
  return oneByOne(said, pauseMs);
}

TEST(PocketsphinxRecognizer, RecognisesDigitsSaidOneByOne) {
  // Half the audio is pause. Kept whole, the pauses weigh in the decoder's cepstral mean as much
  // as the speech and this corpus came out 5 of 10 right; the shipped settings shorten them (9).
  const std::vector<std::pair<std::vector<std::string>, std::string>> corpus = {
      {{"four", "one", "nine", "three"}, "4193"},
      {{"two", "eight", "zero", "one", "five", "five"}, "280155"},
      {{"seven", "three", "one", "two", "nine", "four", "oh", "eight"}, "73129408"},
      {{"five", "two", "one", "six"}, "5216"},
      {{"nine", "nine", "four", "two", "seven", "one"}, "994271"}};
  int right = 0;
  for (auto [stretch, pauseMs] : {std::pair{1.0, 500}, std::pair{1.2, 600}}) {
    for (const auto& [words, digits] : corpus) {
      right += digitsHeard(saidOneByOne(words, stretch, pauseMs),
                           static_cast<int>(digits.size())) == digits;
    }
  }
  EXPECT_GE(right, 8) << right << " of " << 2 * corpus.size();
}

TEST(PocketsphinxRecognizer, RecognisesAHumanVoiceSayingDigitsOneByOne) {
  // The synthetic voices above are not people. Ten ids read by a human voice, digit by digit,
  // 500 ms apart (the corpus of the test above, and ids with every digit in several places).
  // Her digits are slow, as a caller reading a card says them: at the model's own 100 frames a
  // second "six" was heard as "eight" and "five" as "nine" (4 of 10 right, the confusions human
  // callers met on real calls); at 85, 7 of 10; with the shipped slow-speech rate (75 for
  // entries of 600 ms or more a digit, as hers are), 8 of 10; read at the warp of the frequency
  // axis that fits her voice as well (PocketsphinxOptions::warps), 10 of 10.
  const std::vector<std::string> ids = {"4193",     "280155",   "73129408", "5216",     "994271",
                                        "31415926", "27182818", "60221407", "16180339", "57721566"};
  int right = 0;
  std::string wrong;
  for (const std::string& id : ids) {
    const std::string heard = digitsHeard(humanOneByOne(id, 500), static_cast<int>(id.size()));
    if (heard == id) {
      ++right;
    } else {
      wrong += " " + id + "->" + heard;
    }
  }
  EXPECT_GE(right, 9) << right << " of " << ids.size() << ";" << wrong;
}

// Other people: recordings at 16 kHz in Debian's pocketsphinx-testdata (installed by
// scripts/install-deps.sh), 16-bit PCM, raw or in a WAV file, brought to 8 kHz (speexdsp) and
// over the line.
std::vector<int16_t> testdataOverTheLine(const std::string& name) {
  std::ifstream in("/usr/share/pocketsphinx/test/data/" + name, std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(in), {}};
  EXPECT_FALSE(bytes.empty()) << name;
  size_t from = 0;
  size_t length = bytes.size();
  if (bytes.starts_with("RIFF")) {  // the samples are the "data" chunk
    const size_t data = bytes.find("data", 12);
    EXPECT_NE(data, std::string::npos) << name;
    if (data == std::string::npos || data + 8 > bytes.size()) return {};
    uint32_t size = 0;
    std::memcpy(&size, bytes.data() + data + 4, sizeof size);
    from = data + 8;
    length = std::min<size_t>(size, bytes.size() - from);
  }
  std::vector<int16_t> wide(length / 2);
  std::memcpy(wide.data(), bytes.data() + from, wide.size() * 2);
  int err = 0;
  SpeexResamplerState* st = speex_resampler_init(1, 16000, 8000, 10, &err);
  EXPECT_EQ(err, 0);
  std::vector<int16_t> narrow(wide.size() / 2 + 64);
  auto inLen = static_cast<spx_uint32_t>(wide.size());
  auto outLen = static_cast<spx_uint32_t>(narrow.size());
  speex_resampler_process_int(st, 0, wide.data(), &inLen, narrow.data(), &outLen);
  speex_resampler_destroy(st);
  narrow.resize(outLen);
  return overTheLine(narrow);
}

TEST(PocketsphinxRecognizer, RecognisesOtherHumanVoices) {
  // Two men, unlike the voice above: a TIDIGITS string said in one breath, and two digits from
  // pocketsphinx's own card-game test.
  EXPECT_EQ(digitsHeard(testdataOverTheLine("tidigits/dhd.2934z.raw"), 5), "29340");
  EXPECT_EQ(digitsHeard(testdataOverTheLine("cards/004.wav"), 2), "55");
}

TEST(PocketsphinxRecognizer, AnEntryIsReadAtTheWarpThatFitsTheSpeaker) {
  auto o = testOptions();
  o.warps = {1.0};
  auto plain = PocketsphinxRecognizer::create(o);
  ASSERT_TRUE(plain.ok());
  o.warps = {1.0, 1.2};
  auto warped = PocketsphinxRecognizer::create(o);
  ASSERT_TRUE(warped.ok());

  // Her "five" read as heard is "nine"; with the frequency axis compressed by 1.2 (a shorter
  // vocal tract's formants moved down) her reading scores better and is right.
  for (const std::string id : {"5656", "57721566"}) {
    const std::vector<int16_t> audio = humanOneByOne(id, 500);
    const speech::Grammar g =
        speech::digitGrammar(static_cast<int>(id.size()), static_cast<int>(id.size()));
    auto asHeard = (*plain)->decode(audio, g);
    auto best = (*warped)->decode(audio, g);
    ASSERT_TRUE(asHeard.ok() && best.ok());
    EXPECT_NE(spokenDigits(asHeard->text).value_or(""), id);
    EXPECT_EQ(asHeard->warp, 1.0);
    EXPECT_EQ(spokenDigits(best->text).value_or(""), id);
    EXPECT_EQ(best->warp, 1.2);
    EXPECT_GT(best->score, asHeard->score);
    EXPECT_FALSE(best->alternatives.empty());  // read again at its warp with the N-best list
    // A recogniser made after others hears it the same: sphinxbase keeps the warp in
    // process-wide state, which once left a later recogniser's warped decoders unwarped.
    auto again = PocketsphinxRecognizer::create(o);
    ASSERT_TRUE(again.ok());
    auto same = (*again)->decode(audio, g);
    ASSERT_TRUE(same.ok());
    EXPECT_EQ(same->text, best->text);
    EXPECT_EQ(same->score, best->score);
    EXPECT_EQ(same->warp, 1.2);
  }
  // The men's voices score best as heard, and stay right.
  auto man =
      (*warped)->decode(testdataOverTheLine("tidigits/dhd.2934z.raw"), speech::digitGrammar(5, 5));
  ASSERT_TRUE(man.ok());
  EXPECT_EQ(spokenDigits(man->text).value_or(""), "29340");
  EXPECT_EQ(man->warp, 1.0);

  // Answers and pause checks are read as heard: the answers' confidence was calibrated so.
  const std::vector<int16_t> five = humanOneByOne("5656", 500);
  auto check = (*warped)->decode(five, speech::pauseCheckGrammar(speech::digitGrammar(4, 4)));
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->warp, 1.0);
  auto yes = (*warped)->decode(phoneAudio("yes"), speech::yesNoGrammar());
  ASSERT_TRUE(yes.ok());
  EXPECT_EQ(yes->warp, 1.0);

  // Out of range: refused when the recogniser is made.
  o.warps = {1.0, 1.5};
  auto bad = PocketsphinxRecognizer::create(o);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
}

TEST(PocketsphinxRecognizer, ADigitEntrySaidSlowlyIsDecodedAtTheSlowFrameRate) {
  auto o = testOptions();
  o.frameRate = 85;
  o.slowFrameRate = 75;
  o.slowFromMsPerDigit = 600;
  auto r = PocketsphinxRecognizer::create(o);
  ASSERT_TRUE(r.ok());
  // The rule: the front end's length (16 kHz samples) per digit the slot expects.
  const speech::Grammar four = speech::digitGrammar(4, 4);
  EXPECT_EQ((*r)->frameRateFor(four, 4 * 600 * 16), 75);
  EXPECT_EQ((*r)->frameRateFor(four, 4 * 600 * 16 - 1), 85);
  EXPECT_EQ((*r)->frameRateFor(speech::digitGrammar(6, 8), 7 * 600 * 16), 75);  // the middle
  EXPECT_EQ((*r)->frameRateFor(speech::digitGrammar(6, 8), 7 * 600 * 16 - 1), 85);
  // A pause check holds part of the entry; an answer is no digit slot.
  EXPECT_EQ((*r)->frameRateFor(speech::pauseCheckGrammar(four), 40 * 600 * 16), 85);
  EXPECT_EQ((*r)->frameRateFor(speech::yesNoGrammar(), 40 * 600 * 16), 85);

  // Decoded: the human voice one by one is slow (about 700 ms a digit once pauses are
  // shortened), flite's kal saying the id in one breath is not.
  const std::vector<int16_t> slow = humanOneByOne("4193", 500);
  auto d = (*r)->decode(slow, four);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->frameRate, 75);
  EXPECT_EQ(spokenDigits(d->text).value_or(""), "4193");
  auto check = (*r)->decode(slow, speech::pauseCheckGrammar(four));
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->frameRate, 85);
  EXPECT_TRUE(check->alternatives.empty());  // read for its text alone
  auto fast = (*r)->decode(phoneAudio("four one nine three"), four);
  ASSERT_TRUE(fast.ok());
  EXPECT_EQ(fast->frameRate, 85);
  EXPECT_EQ(spokenDigits(fast->text).value_or(""), "4193");

  // A slot of several lengths is read length first, judged against the middle of its range,
  // then decoded against the length heard at that length's rate. Four slow digits in a 4-12 slot
  // (middle 8) are fast for eight: the length is read at 85, the digits at 75.
  const speech::Grammar upToTwelve = speech::digitGrammar(4, 12);
  ASSERT_EQ((*r)->frameRateFor(upToTwelve, (*r)->frontEnd(slow).size()), 85);
  auto ranged = (*r)->decode(slow, upToTwelve);
  ASSERT_TRUE(ranged.ok());
  EXPECT_EQ(ranged->frameRate, 75);
  EXPECT_EQ(spokenDigits(ranged->text).value_or(""), "4193");
  // And the other way: kal's eight digits one by one in a 2-8 slot (middle 5) are slow for five
  // and not for eight: the length is read at 75, the digits at 85.
  const std::vector<int16_t> eight =
      saidOneByOne({"seven", "three", "one", "two", "nine", "four", "oh", "eight"}, 1.0, 500);
  const speech::Grammar twoToEight = speech::digitGrammar(2, 8);
  const size_t eightWide = (*r)->frontEnd(eight).size();
  ASSERT_EQ((*r)->frameRateFor(twoToEight, eightWide), 75);
  ASSERT_EQ((*r)->frameRateFor(speech::digitGrammar(8, 8), eightWide), 85);
  auto faster = (*r)->decode(eight, twoToEight);
  ASSERT_TRUE(faster.ok());
  EXPECT_EQ(faster->frameRate, 85);
  EXPECT_EQ(spokenDigits(faster->text).value_or(""), "73129408");

  // 0: one frame rate for everything.
  o.slowFromMsPerDigit = 0;
  auto one = PocketsphinxRecognizer::create(o);
  ASSERT_TRUE(one.ok());
  auto same = (*one)->decode(slow, four);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->frameRate, 85);

  // Out of pocketsphinx's sensible range: refused when the recogniser is made.
  o.slowFrameRate = 40;
  auto bad = PocketsphinxRecognizer::create(o);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
}

TEST(PocketsphinxRecognizer, APauseCheckTakesNoPartOfAnEntryForTheWhole) {
  // At each pause in a spoken entry the SIP channel decodes the speech so far against
  // pauseCheckGrammar(entry) and ends the entry there if it holds enough digits. Slow readers
  // here: 1 s between digits. Each id is checked without its last digit (never whole) and whole.
  // Without the grammar's weight per digit, 10 of these 16 partial entries were heard whole, an
  // "oh" found in the pause after the last digit ("nine three oh" as "nine three oh oh").
  const std::vector<std::vector<std::string>> corpus = {
      {"four", "zero", "six", "zero"},   {"nine", "three", "oh", "eight"},
      {"oh", "nine", "four", "eight"},   {"four", "three", "zero", "four"},
      {"six", "oh", "six", "seven"},     {"eight", "zero", "oh", "three"},
      {"seven", "three", "five", "two"}, {"two", "eight", "eight", "seven"}};
  const speech::Grammar entry = speech::digitGrammar(4, 4);
  const speech::Grammar check = speech::pauseCheckGrammar(entry);
  int whole = 0;
  for (double stretch : {1.0, 1.2}) {
    for (const auto& words : corpus) {
      const std::vector<std::string> part(words.begin(), words.end() - 1);
      auto p = recognizer().recognize(saidOneByOne(part, stretch, 1000), check);
      ASSERT_TRUE(p.ok());
      EXPECT_FALSE(speech::entryIsWhole(entry, p->text)) << p->text << " at " << stretch;
      auto w = recognizer().recognize(saidOneByOne(words, stretch, 1000), check);
      ASSERT_TRUE(w.ok());
      whole += speech::entryIsWhole(entry, w->text);
    }
  }
  // A whole entry not found whole waits for the incomplete silence: slower, not wrong.
  EXPECT_GE(whole, 14) << whole << " of " << 2 * corpus.size();
}

// A decoder serves one call after another: what it decoded before (another caller, another
// line's noise) must not change how it hears the next utterance.
TEST(PocketsphinxRecognizer, AnUtteranceIsHeardTheSameWhateverTheDecoderHeardBefore) {
  auto o = testOptions();
  o.maxDecoders = 1;
  auto r = PocketsphinxRecognizer::create(o);
  ASSERT_TRUE(r.ok());
  const auto grammar = speech::digitGrammar(8, 8);
  const std::vector<int16_t> id = phoneAudio("seven three oh nine, two six four one");
  auto first = (*r)->decode(id, grammar);
  ASSERT_TRUE(first.ok());
  // Another caller on a noisy line in between.
  std::vector<int16_t> noisy;
  quiet(noisy, 1500, 3000);
  const std::vector<int16_t> other = phoneAudio("five five five one two one two");
  noisy.insert(noisy.end(), other.begin(), other.end());
  quiet(noisy, 1500, 3000);
  ASSERT_TRUE((*r)->decode(noisy, grammar).ok());
  ASSERT_TRUE((*r)->decode(noisy, speech::yesNoGrammar()).ok());
  // Other grammars, one of them compiled only now.
  ASSERT_TRUE((*r)->decode(other, speech::digitLoopGrammar()).ok());
  ASSERT_TRUE((*r)->decode(phoneAudio("four three two"), speech::digitGrammar(3, 3)).ok());
  auto again = (*r)->decode(id, grammar);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->text, first->text);
  EXPECT_EQ(again->gap, first->gap);
  EXPECT_EQ(again->confidence, first->confidence);
  EXPECT_EQ(again->alternatives, first->alternatives);
}

TEST(PocketsphinxRecognizer, BadGrammarIsAnError) {
  auto r = recognizer().recognize(
      phoneAudio("one"), speech::Grammar{"broken", "#JSGF V1.0; this is not jsgf", 0, 0, {}});
  EXPECT_FALSE(r.ok());
}

TEST(PocketsphinxRecognizer, TwoThreadsAtOnce) {
  auto o = testOptions();
  o.maxDecoders = 2;
  auto r = PocketsphinxRecognizer::create(o);
  ASSERT_TRUE(r.ok());
  const auto a = phoneAudio("one two three four");
  const auto b = phoneAudio("nine eight seven six five four");
  std::string ha[3], hb[3];
  std::thread ta([&] {
    for (auto& h : ha)
      h = spokenDigits((*r)->recognize(a, speech::digitGrammar(4, 4))->text).value_or("");
  });
  std::thread tb([&] {
    for (auto& h : hb)
      h = spokenDigits((*r)->recognize(b, speech::digitGrammar(6, 6))->text).value_or("");
  });
  ta.join();
  tb.join();
  for (const auto& h : ha) EXPECT_EQ(h, "1234");
  for (const auto& h : hb) EXPECT_EQ(h, "987654");
  EXPECT_LE((*r)->decodersCreated(), 2);
}

}  // namespace
}  // namespace callgate::asr
