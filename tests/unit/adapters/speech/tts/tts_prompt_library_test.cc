#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "adapters/speech/tts/prompt_library.h"
#include "fakes/temp_dir.h"

namespace callgate::tts {
namespace {

// Root mean square of the samples: far above 0 for speech.
double rms(const audio::Audio& audio) {
  double sum = 0;
  for (int16_t s : audio.samples) sum += static_cast<double>(s) * s;
  return audio.samples.empty() ? 0 : std::sqrt(sum / static_cast<double>(audio.samples.size()));
}

void writeWav(const std::string& path, std::vector<int16_t> samples) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  audio::Audio audio;
  audio.samples = std::move(samples);
  std::ofstream(path, std::ios::binary) << encodeWav8k(audio);
}

TEST(PromptLibraryTest, SynthesisesNonSilentEightKilohertzSpeech) {
  PromptLibrary library({});
  auto audio =
      library.render("Please enter your PIN followed by the pound key.", false, "", "en-US");
  ASSERT_TRUE(audio) << audio.error().toString();
  const size_t samples = (*audio)->samples.size();
  // About 3 s of speech at 8000 samples per second (not 16 kHz: that would be twice as many).
  EXPECT_GT(samples, 8000u * 3 / 2);
  EXPECT_LT(samples, 8000u * 6);
  EXPECT_GT(rms(**audio), 300.0);
  EXPECT_EQ(library.syntheses(), 1u);
}

TEST(PromptLibraryTest, SecondRenderIsACacheHit) {
  PromptLibrary library({});
  auto first = library.render("Welcome to callgate.", false, "", "en-US");
  ASSERT_TRUE(first);
  EXPECT_EQ(library.cacheHits(), 0u);
  EXPECT_EQ(library.cachedBytes(), (*first)->samples.size() * 2);
  auto second = library.render("Welcome to callgate.", false, "", "en-US");
  ASSERT_TRUE(second);
  EXPECT_EQ(first->get(), second->get());  // the very same shared clip
  EXPECT_EQ(library.cacheHits(), 1u);
  EXPECT_EQ(library.syntheses(), 1u);
  // Another language or the SSML flag is another entry.
  ASSERT_TRUE(library.render("Welcome to callgate.", true, "", "en-US"));
  EXPECT_EQ(library.syntheses(), 2u);
}

TEST(PromptLibraryTest, CachedAnswersOnlyFromTheCacheAndNeverRenders) {
  PromptLibrary library({});
  EXPECT_EQ(library.cached("Welcome to callgate.", false, "", "en-US"), nullptr);
  EXPECT_EQ(library.syntheses(), 0u);  // a miss does not synthesise
  auto rendered = library.render("Welcome to callgate.", false, "", "en-US");
  ASSERT_TRUE(rendered);
  EXPECT_EQ(library.cached("Welcome to callgate.", false, "", "en-US"), *rendered);
  EXPECT_EQ(library.cacheHits(), 1u);
  // The key is render()'s: another language, the SSML flag or a prompt id is another entry.
  EXPECT_EQ(library.cached("Welcome to callgate.", false, "", "de-DE"), nullptr);
  EXPECT_EQ(library.cached("Welcome to callgate.", true, "", "en-US"), nullptr);
  EXPECT_EQ(library.cached("Welcome to callgate.", false, "welcome", "en-US"), nullptr);
  library.clear();
  EXPECT_EQ(library.cached("Welcome to callgate.", false, "", "en-US"), nullptr);
  PromptLibraryOptions off;
  off.cacheBytes = 0;
  PromptLibrary uncached(off);
  ASSERT_TRUE(uncached.render("Welcome to callgate.", false, "", "en-US"));
  EXPECT_EQ(uncached.cached("Welcome to callgate.", false, "", "en-US"), nullptr);
}

TEST(PromptLibraryTest, EvictsTheLeastRecentlyUsedBeyondTheByteBudget) {
  const std::string a = "One two three.", b = "Four five six.", c = "Seven eight nine.";
  size_t bytesA = 0, bytesB = 0, bytesC = 0;
  {
    PromptLibrary sizer({});
    bytesA = sizer.render(a, false, "", "en").value()->samples.size() * 2;
    bytesB = sizer.render(b, false, "", "en").value()->samples.size() * 2;
    bytesC = sizer.render(c, false, "", "en").value()->samples.size() * 2;
  }
  PromptLibraryOptions options;
  options.cacheBytes = bytesA + std::max(bytesB, bytesC);  // room for two of the three
  PromptLibrary library(options);
  ASSERT_TRUE(library.render(a, false, "", "en"));
  ASSERT_TRUE(library.render(b, false, "", "en"));
  EXPECT_EQ(library.cachedBytes(), bytesA + bytesB);
  ASSERT_TRUE(library.render(a, false, "", "en"));  // hit: a is now the most recent
  EXPECT_EQ(library.cacheHits(), 1u);
  ASSERT_TRUE(library.render(c, false, "", "en"));  // evicts b, the least recently used
  EXPECT_EQ(library.cachedBytes(), bytesA + bytesC);
  EXPECT_EQ(library.syntheses(), 3u);
  ASSERT_TRUE(library.render(a, false, "", "en"));  // still cached
  EXPECT_EQ(library.cacheHits(), 2u);
  ASSERT_TRUE(library.render(b, false, "", "en"));  // evicted: synthesised again
  EXPECT_EQ(library.syntheses(), 4u);
  EXPECT_LE(library.cachedBytes(), options.cacheBytes);
  // A clip larger than the whole budget is returned but not cached.
  PromptLibraryOptions tiny;
  tiny.cacheBytes = 100;
  PromptLibrary small(tiny);
  ASSERT_TRUE(small.render(a, false, "", "en"));
  EXPECT_EQ(small.cachedBytes(), 0u);
}

TEST(PromptLibraryTest, SsmlTagsAreNotSpoken) {
  PromptLibrary library({});
  auto plain = library.render("Hello there.", false, "", "en");
  auto ssml = library.render("<speak>Hello <break time=\"0ms\"/>there.</speak>", true, "", "en");
  ASSERT_TRUE(plain);
  ASSERT_TRUE(ssml);
  // The same words: the same length within a few percent (tags would add seconds of spelling).
  const double a = static_cast<double>((*plain)->samples.size());
  const double b = static_cast<double>((*ssml)->samples.size());
  EXPECT_LT(std::abs(a - b) / a, 0.1);
}

TEST(PromptLibraryTest, WavOverrideByPromptIdAndBySlugPerLanguage) {
  testing::TempDir dir;
  writeWav(dir.path() + "/en-US/welcome.wav", std::vector<int16_t>(800, 111));
  writeWav(dir.path() + "/fr-FR/welcome.wav", std::vector<int16_t>(400, 222));
  writeWav(dir.path() + "/en-US/enter-your-pin.wav", std::vector<int16_t>(1600, 333));
  PromptLibrary library({dir.path(), 1 << 20, 1.0});

  auto en = library.render("", false, "welcome", "en-US");
  ASSERT_TRUE(en) << en.error().toString();
  EXPECT_EQ((*en)->samples, std::vector<int16_t>(800, 111));
  auto fr = library.render("", false, "welcome", "fr-FR");
  ASSERT_TRUE(fr);
  EXPECT_EQ((*fr)->samples, std::vector<int16_t>(400, 222));

  auto bySlug = library.render("Enter your PIN!", false, "", "en-US");
  ASSERT_TRUE(bySlug);
  EXPECT_EQ((*bySlug)->samples, std::vector<int16_t>(1600, 333));
  auto ssmlSlug =
      library.render("<speak>Enter your <emphasis>PIN</emphasis></speak>", true, "", "en-US");
  ASSERT_TRUE(ssmlSlug);
  EXPECT_EQ((*ssmlSlug)->samples, std::vector<int16_t>(1600, 333));
  EXPECT_EQ(library.syntheses(), 0u);

  // No recording in that language: speech.
  auto other = library.render("Enter your PIN!", false, "", "de-DE");
  ASSERT_TRUE(other);
  EXPECT_EQ(library.syntheses(), 1u);
}

TEST(PromptLibraryTest, ErrorsForMissingAndBadPromptFiles) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir.path() + "/en");
  std::ofstream(dir.path() + "/en/broken.wav") << "not a wav";
  // A 16 kHz recording named by slug is rejected, not silently synthesised over.
  {
    audio::Audio audio;
    audio.samples.assign(100, 5);
    std::string bytes = encodeWav8k(audio);
    bytes[24] = '\x80';
    bytes[25] = '\x3E';
    std::ofstream(dir.path() + "/en/goodbye.wav", std::ios::binary) << bytes;
  }
  PromptLibrary library({dir.path(), 1 << 20, 1.0});
  auto missing = library.render("", false, "nope", "en");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  auto broken = library.render("", false, "broken", "en");
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().code(), ErrorCode::kInvalidArgument);
  auto wrongRate = library.render("Goodbye.", false, "", "en");
  ASSERT_FALSE(wrongRate);
  EXPECT_EQ(wrongRate.error().code(), ErrorCode::kInvalidArgument);
  for (const std::string bad : {"../en/broken", "a/b", ".hidden", "x y"}) {
    auto r = library.render("", false, bad, "en");
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument) << bad;
  }
  auto badLanguage = library.render("", false, "broken", "../en");
  ASSERT_FALSE(badLanguage);
  EXPECT_EQ(badLanguage.error().code(), ErrorCode::kInvalidArgument);
  auto noDir = PromptLibrary({}).render("", false, "welcome", "en");
  ASSERT_FALSE(noDir);
  EXPECT_EQ(noDir.error().code(), ErrorCode::kNotFound);
  auto empty = PromptLibrary({}).render("  ", false, "", "en");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code(), ErrorCode::kInvalidArgument);
}

TEST(PromptLibraryTest, Slug) {
  EXPECT_EQ(PromptLibrary::slug("Welcome to callgate!"), "welcome-to-callgate");
  EXPECT_EQ(PromptLibrary::slug("  Enter your PIN, then #.  "), "enter-your-pin-then");
  EXPECT_EQ(PromptLibrary::slug("Option 2: café"), "option-2-caf");
  EXPECT_EQ(PromptLibrary::slug("!!!"), "");
  const std::string longText(30, 'a');
  const std::string slug = PromptLibrary::slug(longText + " " + longText + " " + longText);
  EXPECT_EQ(slug, longText + "-" + longText);  // cut at a word end, at most 80 characters
  EXPECT_EQ(PromptLibrary::slug(std::string(100, 'b')), std::string(80, 'b'));
}

}  // namespace
}  // namespace callgate::tts
