#include "adapters/speech/tts/prompt_library.h"

#include <filesystem>

#include "adapters/speech/tts/flite_synthesizer.h"
#include "core/ssml.h"

namespace callgate::tts {
namespace {

constexpr size_t kMaxSlugChars = 80;

// A promptId or language used as one path component: no separators, no "..", no hidden files.
bool isPlainName(const std::string& name) {
  if (name.empty() || name.size() > 128 || name[0] == '.') return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

PromptLibrary::PromptLibrary(PromptLibraryOptions options) : options_(std::move(options)) {}

std::string PromptLibrary::slug(std::string_view text) {
  std::string out;
  std::string word;
  bool full = false;
  const auto flush = [&] {
    if (word.empty() || full) return;
    const size_t needed = word.size() + (out.empty() ? 0 : 1);
    if (out.size() + needed <= kMaxSlugChars) {
      if (!out.empty()) out.push_back('-');
      out += word;
    } else {
      if (out.empty()) out = word.substr(0, kMaxSlugChars);  // one word longer than the limit
      full = true;
    }
    word.clear();
  };
  for (char c : text) {
    if (full) break;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      word.push_back(c);
    } else {
      flush();
    }
  }
  flush();
  return out;
}

std::string PromptLibrary::pathFor(const std::string& language, const std::string& name) const {
  std::filesystem::path path(options_.promptsDir);
  if (!language.empty()) path /= language;
  path /= name + ".wav";
  return path.string();
}

Result<audio::AudioPtr> PromptLibrary::render(const std::string& text, bool ssml,
                                              const std::string& promptId,
                                              const std::string& language) {
  if (!promptId.empty() && !isPlainName(promptId)) {
    return Error::invalidArgument("prompt id is not a plain file name: " + promptId);
  }
  if (!language.empty() && !isPlainName(language)) {
    return Error::invalidArgument("language is not a plain file name: " + language);
  }
  const std::string key = cacheKey(text, ssml, promptId, language);
  if (audio::AudioPtr hit = lookup(key)) return hit;
  auto audio = load(text, ssml, promptId, language);
  if (audio) insert(key, *audio);
  return audio;
}

audio::AudioPtr PromptLibrary::cached(const std::string& text, bool ssml,
                                      const std::string& promptId, const std::string& language) {
  // No name checks: a name render() refuses is never cached, so it misses here.
  return lookup(cacheKey(text, ssml, promptId, language));
}

std::string PromptLibrary::cacheKey(const std::string& text, bool ssml, const std::string& promptId,
                                    const std::string& language) {
  std::string key = promptId.empty() ? "t:" + text : "p:" + promptId;
  key += '\n';
  key += language;
  key += ssml ? "\n1" : "\n0";
  return key;
}

audio::AudioPtr PromptLibrary::lookup(const std::string& key) {
  std::lock_guard lock(mutex_);
  auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  ++hits_;
  return it->second->audio;
}

Result<audio::AudioPtr> PromptLibrary::load(const std::string& text, bool ssml,
                                            const std::string& promptId,
                                            const std::string& language) {
  if (!promptId.empty()) {
    if (options_.promptsDir.empty()) {
      return Error::notFound("prompt " + promptId + ": no prompts directory configured");
    }
    return readWav8k(pathFor(language, promptId));
  }
  const std::string spoken = ssml ? ssmlToText(text) : text;
  if (!options_.promptsDir.empty()) {
    if (const std::string name = slug(spoken); !name.empty()) {
      const std::string path = pathFor(language, name);
      std::error_code ec;
      if (std::filesystem::exists(path, ec)) return readWav8k(path);
    }
  }
  auto audio = synthesizeWithFlite(spoken, options_.durationStretch);
  if (audio) {
    std::lock_guard lock(mutex_);
    ++syntheses_;
  }
  return audio;
}

void PromptLibrary::insert(const std::string& key, const audio::AudioPtr& audio) {
  const size_t bytes = audio->samples.size() * sizeof(int16_t);
  std::lock_guard lock(mutex_);
  if (bytes > options_.cacheBytes || index_.count(key) != 0) return;
  lru_.push_front(Entry{key, audio, bytes});
  index_[key] = lru_.begin();
  cachedBytes_ += bytes;
  while (cachedBytes_ > options_.cacheBytes) {
    const Entry& victim = lru_.back();
    cachedBytes_ -= victim.bytes;
    index_.erase(victim.key);
    lru_.pop_back();
  }
}

void PromptLibrary::clear() {
  std::lock_guard lock(mutex_);
  index_.clear();
  lru_.clear();
  cachedBytes_ = 0;
}

size_t PromptLibrary::cachedBytes() const {
  std::lock_guard lock(mutex_);
  return cachedBytes_;
}

size_t PromptLibrary::cacheHits() const {
  std::lock_guard lock(mutex_);
  return hits_;
}

size_t PromptLibrary::syntheses() const {
  std::lock_guard lock(mutex_);
  return syntheses_;
}

}  // namespace callgate::tts
