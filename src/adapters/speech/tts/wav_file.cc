#include "adapters/speech/tts/wav_file.h"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace callgate::tts {
namespace {

constexpr size_t kMaxWavBytes = 64u << 20;

uint16_t le16(const char* p) {
  return static_cast<uint16_t>(static_cast<uint8_t>(p[0]) | (static_cast<uint8_t>(p[1]) << 8));
}
uint32_t le32(const char* p) { return uint32_t{le16(p)} | (uint32_t{le16(p + 2)} << 16); }

void put16(std::string& out, uint16_t v) {
  out.push_back(static_cast<char>(v & 0xFF));
  out.push_back(static_cast<char>(v >> 8));
}
void put32(std::string& out, uint32_t v) {
  put16(out, static_cast<uint16_t>(v & 0xFFFF));
  put16(out, static_cast<uint16_t>(v >> 16));
}

}  // namespace

Result<audio::AudioPtr> readWav8k(const std::string& path) {
  std::error_code fsError;
  const auto size = std::filesystem::file_size(path, fsError);
  if (fsError) {
    if (fsError == std::errc::no_such_file_or_directory)
      return Error::notFound("no prompt file " + path);
    return Error::unavailable("cannot read " + path + ": " + fsError.message());
  }
  if (size > kMaxWavBytes) return Error::invalidArgument(path + ": WAV file larger than 64 MiB");
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::unavailable("cannot open " + path);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto bad = [&](const std::string& why) {
    return Error::invalidArgument(path + ": " + why + " (want 8000 Hz mono 16-bit PCM WAV)");
  };
  if (bytes.size() < 12 || bytes.compare(0, 4, "RIFF") != 0 || bytes.compare(8, 4, "WAVE") != 0) {
    return bad("not a RIFF/WAVE file");
  }
  bool haveFormat = false;
  const char* data = nullptr;
  size_t dataBytes = 0;
  for (size_t pos = 12; pos + 8 <= bytes.size();) {
    const std::string_view id(bytes.data() + pos, 4);
    const size_t chunkSize = le32(bytes.data() + pos + 4);
    const size_t body = pos + 8;
    const size_t available = bytes.size() - body;
    if (id == "fmt ") {
      if (chunkSize < 16 || chunkSize > available) return bad("truncated fmt chunk");
      const char* f = bytes.data() + body;
      uint16_t format = le16(f);
      if (format == 0xFFFE && chunkSize >= 40) format = le16(f + 24);  // WAVE_FORMAT_EXTENSIBLE
      if (format != 1) return bad("not PCM (format " + std::to_string(format) + ")");
      if (le16(f + 2) != 1) return bad(std::to_string(le16(f + 2)) + " channels");
      if (le32(f + 4) != 8000) return bad(std::to_string(le32(f + 4)) + " Hz");
      if (le16(f + 14) != 16) return bad(std::to_string(le16(f + 14)) + " bits per sample");
      haveFormat = true;
    } else if (id == "data") {
      // Streaming writers leave the size at 0 or 0xFFFFFFFF: take what the file holds.
      dataBytes = chunkSize == 0 || chunkSize > available ? available : chunkSize;
      data = bytes.data() + body;
      break;
    }
    if (chunkSize > available) break;
    pos = body + chunkSize + (chunkSize & 1);  // chunks are padded to even sizes
  }
  if (!haveFormat) return bad("no fmt chunk before the data");
  if (data == nullptr) return bad("no data chunk");
  auto audio = std::make_shared<audio::Audio>();
  audio->samples.resize(dataBytes / 2);
  for (size_t i = 0; i < audio->samples.size(); ++i) {
    audio->samples[i] = static_cast<int16_t>(le16(data + 2 * i));
  }
  return audio::AudioPtr(std::move(audio));
}

std::string encodeWav8k(const audio::Audio& audio) {
  const auto dataBytes = static_cast<uint32_t>(audio.samples.size() * 2);
  std::string out;
  out.reserve(44 + dataBytes);
  out += "RIFF";
  put32(out, 36 + dataBytes);
  out += "WAVEfmt ";
  put32(out, 16);
  put16(out, 1);         // PCM
  put16(out, 1);         // mono
  put32(out, 8000);      // sample rate
  put32(out, 8000 * 2);  // byte rate
  put16(out, 2);         // block align
  put16(out, 16);        // bits per sample
  out += "data";
  put32(out, dataBytes);
  for (int16_t s : audio.samples) put16(out, static_cast<uint16_t>(s));
  return out;
}

}  // namespace callgate::tts
