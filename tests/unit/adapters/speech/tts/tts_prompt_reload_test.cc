// PromptLibrary::clear(), what serve's SIGHUP reload uses: a recording replaced on disk is
// served from the cache until then, and read again after.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "adapters/speech/tts/prompt_library.h"
#include "fakes/temp_dir.h"

namespace callgate::tts {
namespace {

void writeRecording(const std::string& path, std::vector<int16_t> samples) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  audio::Audio audio;
  audio.samples = std::move(samples);
  std::ofstream(path, std::ios::binary) << encodeWav8k(audio);
}

TEST(PromptReloadTest, ClearReadsAReplacedRecordingAgain) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/en-US/welcome.wav";
  writeRecording(path, std::vector<int16_t>(800, 111));
  PromptLibrary library({dir.path(), 1 << 20, 1.0});
  auto before = library.render("", false, "welcome", "en-US");
  ASSERT_TRUE(before) << before.error().toString();

  writeRecording(path, std::vector<int16_t>(400, 222));
  auto cached = library.render("", false, "welcome", "en-US");
  ASSERT_TRUE(cached);
  EXPECT_EQ((*cached)->samples, std::vector<int16_t>(800, 111));

  library.clear();
  EXPECT_EQ(library.cachedBytes(), 0u);
  auto after = library.render("", false, "welcome", "en-US");
  ASSERT_TRUE(after);
  EXPECT_EQ((*after)->samples, std::vector<int16_t>(400, 222));
  // Audio handed out before the clear stays valid.
  EXPECT_EQ((*before)->samples, std::vector<int16_t>(800, 111));
}

}  // namespace
}  // namespace callgate::tts
