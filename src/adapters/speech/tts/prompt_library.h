// PromptLibrary: the audio of a flow's prompts for the SIP channel. A recorded WAV wins over
// speech: <promptsDir>/<language>/<promptId>.wav for a stored prompt, else
// <promptsDir>/<language>/<slug(spoken text)>.wav when it exists, else flite (8 kHz kal voice, SSML
// tags stripped). Results are cached per (promptId or text, language, ssml), least recently
// used evicted first once the cache holds more than cacheBytes of samples; a file changed on
// disk is picked up after its entry is evicted, after clear() (serve's SIGHUP reload) or when the
// process restarts.
// Blocking (file reads, synthesis): call on a worker thread, never on an Asio thread.
// Thread-safety: all methods are thread-safe (one mutex around the cache, held only for lookup
// and insert; flite has its own process-wide lock). The returned audio is immutable and shared.
#pragma once

#include <cstddef>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "adapters/speech/tts/wav_file.h"
#include "common/audio.h"
#include "common/result.h"

namespace callgate::tts {

struct PromptLibraryOptions {
  std::string promptsDir;        // "" = no recorded prompts, speech only
  size_t cacheBytes = 64 << 20;  // 0 = no caching
  double durationStretch = 1.0;  // flite speaking pace; > 1 is slower
};

class PromptLibrary {
 public:
  explicit PromptLibrary(PromptLibraryOptions options);

  // kNotFound: promptId set but no such file; kInvalidArgument: a WAV that is not 8 kHz mono
  // 16-bit PCM, a promptId or language that is not a plain file name ([A-Za-z0-9_.-], not
  // starting with '.'), empty text; kInternal: flite failed.
  Result<audio::AudioPtr> render(const std::string& text, bool ssml, const std::string& promptId,
                                 const std::string& language);

  // The cached audio of what render() would return, or nullptr when it is not cached (or the
  // cache is off). Never blocks beyond the cache's mutex: for an Asio thread that must not wait
  // for a file or flite, which then calls render() on a worker only on a miss.
  audio::AudioPtr cached(const std::string& text, bool ssml, const std::string& promptId,
                         const std::string& language);

  // "Welcome to callgate!" -> "welcome-to-callgate": lowercase ASCII letters and digits, every
  // other byte separating words, words joined by '-', cut to at most 80 characters at a word end.
  static std::string slug(std::string_view text);

  // Forgets every cached prompt, so the next render reads the WAV files (or synthesises) again.
  // Audio already handed out stays valid (it is shared).
  void clear();

  size_t cachedBytes() const;
  size_t cacheHits() const;
  size_t syntheses() const;  // flite runs (cache misses that had no WAV file)

 private:
  Result<audio::AudioPtr> load(const std::string& text, bool ssml, const std::string& promptId,
                               const std::string& language);
  std::string pathFor(const std::string& language, const std::string& name) const;
  static std::string cacheKey(const std::string& text, bool ssml, const std::string& promptId,
                              const std::string& language);
  audio::AudioPtr lookup(const std::string& key);  // counts a hit
  void insert(const std::string& key, const audio::AudioPtr& audio);

  struct Entry {
    std::string key;
    audio::AudioPtr audio;
    size_t bytes = 0;
  };

  const PromptLibraryOptions options_;
  mutable std::mutex mutex_;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
  size_t cachedBytes_ = 0;
  size_t hits_ = 0;
  size_t syntheses_ = 0;
};

}  // namespace callgate::tts
