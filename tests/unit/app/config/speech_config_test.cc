// The [speech] table: defaults, every key read, and bad values named by key.
#include <gtest/gtest.h>

#include "app/config/config.h"

namespace callgate::app {
namespace {

TEST(SpeechConfigTest, OnWithTheDebianModelByDefault) {
  Config c;
  ASSERT_TRUE(applyToml("", "t.toml", c).ok());
  EXPECT_TRUE(c.speech.enabled);
  EXPECT_EQ(c.speech.recognizer.modelDir, "/usr/share/pocketsphinx/model/en-us/en-us");
  EXPECT_EQ(c.speech.recognizer.dictionary, "share/speech/digits.dict");
  EXPECT_EQ(c.speech.recognizer.mllr, "share/speech/telephone.mllr");
  EXPECT_DOUBLE_EQ(c.speech.turn.confirmBelow, 1.0);  // every spoken entry read back
  EXPECT_EQ(c.speech.turn.maxAttempts, 3);
  EXPECT_DOUBLE_EQ(c.speech.turn.yesFrom, 0.6);
  EXPECT_EQ(c.speech.recognizer.maxPauseMs, 100);
  EXPECT_EQ(c.speech.recognizer.gaussians, 16);
  EXPECT_EQ(c.speech.recognizer.frameRate, 85);
  EXPECT_EQ(c.speech.recognizer.slowFrameRate, 75);
  EXPECT_EQ(c.speech.recognizer.slowFromMsPerDigit, 600);
  EXPECT_EQ(c.speech.recognizer.warps, (std::vector<double>{1.0, 1.2}));
  EXPECT_EQ(c.speech.endpointer.endSilenceMs, 1000);
  EXPECT_EQ(c.speech.endpointer.incompleteSilenceMs, 2000);
}

TEST(SpeechConfigTest, ReadsEveryKey) {
  Config c;
  auto s = applyToml(R"([speech]
enabled = false
model = "/opt/model"
dictionary = "/opt/digits.dict"
mllr = ""
decoders = 4
confirm_below = 1
yes_from = 0.8
max_attempts = 2
end_silence_ms = 600
incomplete_silence_ms = 2500
max_pause_ms = 0
gaussians = 4
frame_rate = 100
slow_frame_rate = 70
slow_from_ms_per_digit = 0
warps = [1, 1.15]
max_speech_seconds = 8
)",
                     "t.toml", c);
  ASSERT_TRUE(s.ok()) << s.error().message();
  EXPECT_FALSE(c.speech.enabled);
  EXPECT_EQ(c.speech.recognizer.modelDir, "/opt/model");
  EXPECT_EQ(c.speech.recognizer.dictionary, "/opt/digits.dict");
  EXPECT_TRUE(c.speech.recognizer.mllr.empty());  // "" turns the adaptation off
  EXPECT_EQ(c.speech.recognizer.maxPauseMs, 0);   // pauses kept whole
  EXPECT_EQ(c.speech.recognizer.gaussians, 4);    // pocketsphinx's own default
  EXPECT_EQ(c.speech.recognizer.frameRate, 100);  // the model's own
  EXPECT_EQ(c.speech.recognizer.slowFrameRate, 70);
  EXPECT_EQ(c.speech.recognizer.slowFromMsPerDigit, 0);  // one frame rate for all speech
  EXPECT_EQ(c.speech.recognizer.warps, (std::vector<double>{1.0, 1.15}));
  EXPECT_EQ(c.speech.recognizer.maxDecoders, 4);
  EXPECT_DOUBLE_EQ(c.speech.turn.confirmBelow, 1.0);
  EXPECT_DOUBLE_EQ(c.speech.turn.yesFrom, 0.8);
  EXPECT_EQ(c.speech.turn.maxAttempts, 2);
  EXPECT_EQ(c.speech.endpointer.endSilenceMs, 600);
  EXPECT_EQ(c.speech.endpointer.incompleteSilenceMs, 2500);
  EXPECT_EQ(c.speech.endpointer.maxSpeechMs, 8000);
}

TEST(SpeechConfigTest, RejectsBadValuesNamingTheKey) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"[speech]\nconfirm_below = 1.5\n", "speech.confirm_below"},
      {"[speech]\nconfirm_below = \"high\"\n", "speech.confirm_below"},
      {"[speech]\nyes_from = -0.1\n", "speech.yes_from"},
      {"[speech]\nmax_attempts = 0\n", "speech.max_attempts"},
      {"[speech]\ndecoders = 0\n", "speech.decoders"},
      {"[speech]\nend_silence_ms = 50\n", "speech.end_silence_ms"},
      {"[speech]\nincomplete_silence_ms = 20000\n", "speech.incomplete_silence_ms"},
      {"[speech]\nmax_pause_ms = -1\n", "speech.max_pause_ms"},
      {"[speech]\ngaussians = 0\n", "speech.gaussians"},
      {"[speech]\ngaussians = 129\n", "speech.gaussians"},
      {"[speech]\nframe_rate = 49\n", "speech.frame_rate"},
      {"[speech]\nframe_rate = 201\n", "speech.frame_rate"},
      {"[speech]\nslow_frame_rate = 40\n", "speech.slow_frame_rate"},
      {"[speech]\nslow_from_ms_per_digit = -1\n", "speech.slow_from_ms_per_digit"},
      {"[speech]\nwarps = 1.1\n", "speech.warps"},
      {"[speech]\nwarps = [1.0, 1.3]\n", "speech.warps"},
      {"[speech]\nwarps = [1.0, \"1.1\"]\n", "speech.warps"},
      {"[speech]\nmax_speech_seconds = 600\n", "speech.max_speech_seconds"},
      {"[speech]\nenabled = \"yes\"\n", "speech.enabled"},
      {"[speech]\nlanguage = \"fr\"\n", "speech.language"},
  };
  for (const auto& [toml, key] : cases) {
    Config c;
    auto s = applyToml(toml, "t.toml", c);
    ASSERT_FALSE(s.ok()) << toml;
    EXPECT_NE(s.error().message().find(key), std::string::npos) << s.error().message();
  }
}

}  // namespace
}  // namespace callgate::app
