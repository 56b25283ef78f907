// KeyRing: the server's Ed25519 JWT signing keys, kept in the key file (see key_file.h) and
// shared by the running server and `callgate keys rotate|list` in other processes.
//
// current() is the hot path (every mint and verify): it returns the in-memory snapshot and, at
// most once per reload interval, stat()s the file; if another process rotated the keys (the
// file's inode, size or times changed), it re-reads it. A file that became unreadable, malformed
// or too permissive is reported once in the log and the last good keys stay in use.
//
// rotate() adds a fresh key (which signs from then on) and prunes the retired keys that can no
// longer verify anything: a retired key is kept until its successor is older than `retention`
// (the longest token lifetime + the largest clock leeway + one reload interval), so every token
// it signed has expired by then. The whole read-modify-write runs under the key file's lock.
//
// Thread-safe. Borrows the Clock and Random, which must outlive it.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "adapters/security/token/key_file.h"
#include "adapters/security/token/key_set.h"
#include "core/access_token.h"
#include "core/ports.h"

namespace callgate::token {

inline constexpr Seconds kKeyReloadInterval{1};
inline constexpr Seconds kKeyRetention = kMaxTokenLifetime + kMaxClockLeeway + kKeyReloadInterval;

struct KeyRingOptions {
  std::string path = "var/jwt-keys.json";
  bool createIfMissing = true;  // open(): create the file with a first key if it does not exist
  Seconds retention = kKeyRetention;
  Millis reloadInterval = kKeyReloadInterval;
};

struct RotationResult {
  std::string addedKid;
  std::vector<std::string> prunedKids;
  std::shared_ptr<const KeySet> keys;  // the ring after the rotation
};

class KeyRing {
 public:
  // Loads the key file (creating it, its directory and a first key when missing and allowed).
  // Errors as readKeyFile(); kNotFound if missing and createIfMissing is false.
  static Result<std::unique_ptr<KeyRing>> open(KeyRingOptions options, const Clock& clock,
                                               Random& random);

  // The current keys; never null.
  std::shared_ptr<const KeySet> current();

  // Adds a signing key and prunes expired retired keys, in the file and in memory.
  Result<RotationResult> rotate();

  const std::string& path() const { return options_.path; }
  Seconds retention() const { return options_.retention; }

 private:
  KeyRing(KeyRingOptions options, const Clock& clock, Random& random)
      : options_(std::move(options)), clock_(clock), random_(random) {}

  Result<RotationResult> rotateLocked();  // with the file lock held
  void reloadIfChanged();                 // with mutex_ held

  const KeyRingOptions options_;
  const Clock& clock_;
  Random& random_;

  std::mutex mutex_;
  std::shared_ptr<const KeySet> keys_;  // guarded by mutex_
  std::optional<FileStamp> stamp_;      // guarded by mutex_: the version keys_ came from
  TimePoint nextCheck_{};               // guarded by mutex_
  bool missingReported_ = false;        // guarded by mutex_
};

}  // namespace callgate::token
