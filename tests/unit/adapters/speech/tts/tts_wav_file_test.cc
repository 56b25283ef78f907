#include <gtest/gtest.h>

#include <fstream>

#include "adapters/speech/tts/wav_file.h"
#include "fakes/temp_dir.h"

namespace callgate::tts {
namespace {

void write(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

TEST(WavFileTest, RoundTripsEightKilohertzMonoPcm) {
  testing::TempDir dir;
  audio::Audio audio;
  audio.samples = {0, 1, -1, 32767, -32768, 1234};
  write(dir.file("a.wav"), encodeWav8k(audio));
  auto read = readWav8k(dir.file("a.wav"));
  ASSERT_TRUE(read) << read.error().toString();
  EXPECT_EQ((*read)->samples, audio.samples);
}

TEST(WavFileTest, SkipsUnknownChunksAndAcceptsAStreamingDataSize) {
  testing::TempDir dir;
  audio::Audio audio;
  audio.samples = {5, 6, 7};
  std::string bytes = encodeWav8k(audio);
  // A LIST chunk (odd size, padded) between fmt and data, and data's size left at 0xFFFFFFFF.
  bytes.insert(36, std::string("LIST\x03\x00\x00\x00"
                               "abc\x00",
                               12));
  bytes.replace(bytes.size() - 6 - 4, 4, std::string("\xFF\xFF\xFF\xFF", 4));
  write(dir.file("b.wav"), bytes);
  auto read = readWav8k(dir.file("b.wav"));
  ASSERT_TRUE(read) << read.error().toString();
  EXPECT_EQ((*read)->samples, audio.samples);
}

TEST(WavFileTest, RejectsWhatIsNotEightKilohertzMonoSixteenBit) {
  testing::TempDir dir;
  audio::Audio audio;
  audio.samples = {1, 2, 3, 4};
  const std::string good = encodeWav8k(audio);
  const auto expectInvalid = [&](std::string bytes, const std::string& what) {
    write(dir.file("bad.wav"), bytes);
    auto read = readWav8k(dir.file("bad.wav"));
    ASSERT_FALSE(read) << what;
    EXPECT_EQ(read.error().code(), ErrorCode::kInvalidArgument) << what;
    EXPECT_NE(read.error().message().find("bad.wav"), std::string::npos);
  };
  std::string stereo = good;
  stereo[22] = 2;
  expectInvalid(stereo, "stereo");
  std::string rate = good;
  rate[24] = '\x80';
  rate[25] = '\x3E';
  expectInvalid(rate, "16 kHz");
  std::string bits = good;
  bits[34] = 8;
  expectInvalid(bits, "8-bit");
  std::string alaw = good;
  alaw[20] = 6;
  expectInvalid(alaw, "A-law format");
  expectInvalid("RIFF\x04\x00\x00\x00WAVE", "no chunks");
  expectInvalid("this is not a wave file at all", "text");
  expectInvalid(good.substr(0, 30), "truncated fmt");
}

TEST(WavFileTest, MissingFileIsNotFound) {
  auto read = readWav8k("/nonexistent/dir/x.wav");
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace callgate::tts
