// KeyRing: the server's Ed25519 JWT signing keys, kept in the database through a SigningKeyStore
// (core/cluster_state.h) so every node sharing it signs with the same key and publishes the same
// JWKS, and `callgate keys rotate` on any host reaches them all.
//
// Sealing: a seed reaches the store only sealed (XChaCha20-Poly1305, see crypto/state_cipher.h)
// with a key derived from the OTP secret under a context of its own, bound to the key's kid; a
// copy of the database alone holds no usable signing key, and a sealed seed moved to another kid
// does not open. A ring that does not open is an error naming the OTP secret.
//
// current() is the hot path (every mint and verify): it returns the in-memory snapshot. A
// rotation elsewhere is noticed by polling store.version() once per reload interval, either on a
// background thread (options.backgroundRefresh, what the server uses: no request ever waits for
// the database) or, without it, by the first current() call after the interval (the CLI and
// tests, with a fake clock). A changed version reloads and unseals the ring. A database error or
// a ring that does not open is reported once in the log and the last good keys stay in use.
//
// A token signed by a key another node has just added can arrive before this node's next poll:
// the TokenService then calls refreshForUnknownKid(), which polls at once, at most every
// kUnknownKidRefreshInterval (so tokens with made-up kids cannot hammer the database).
//
// rotate() adds a fresh key (which signs from then on) and prunes the retired keys that can no
// longer verify anything: a retired key is kept until its successor is older than `retention`
// (the longest token lifetime + the largest clock leeway + one reload interval), so every token
// it signed has expired by then. It is a compare-and-set on the ring's version: on a lost race
// (another node rotated first) it loads again and retries, so no key is ever lost.
//
// First start: when the store holds no ring, open() imports the legacy key file (options.path,
// see key_file.h) if it exists, so existing kids and unexpired tokens survive the upgrade, or
// else creates a first key. The file is never written or deleted; once the store holds a ring it
// is ignored (open() logs that it may be deleted).
//
// Thread-safe. Borrows the store, Clock and Random, which must outlive it.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "adapters/security/token/key_set.h"
#include "core/access_token.h"
#include "core/cluster_state.h"
#include "core/ports.h"

namespace callgate {
class StateCipher;
}  // namespace callgate

namespace callgate::token {

inline constexpr Seconds kKeyReloadInterval{1};
inline constexpr Seconds kKeyRetention = kMaxTokenLifetime + kMaxClockLeeway + kKeyReloadInterval;
inline constexpr Millis kUnknownKidRefreshInterval{250};

// The sealing key's derivation from the OTP secret (crypto_kdf: 8-byte context, subkey id). Never
// change them: rings sealed by earlier releases must still open.
inline constexpr std::string_view kKeySealContext = "cgjwtkey";
inline constexpr uint64_t kKeySealSubkeyId = 1;

struct KeyRingOptions {
  // The legacy key file, read only to import it into an empty store (see above).
  std::string path = "var/jwt-keys.json";
  // open(): import or create a ring when the store has none; else kNotFound.
  bool createIfMissing = true;
  Seconds retention = kKeyRetention;
  Millis reloadInterval = kKeyReloadInterval;
  // Poll the store on a thread of the ring's own instead of inside current().
  bool backgroundRefresh = false;
};

struct RotationResult {
  std::string addedKid;
  std::vector<std::string> prunedKids;
  std::shared_ptr<const KeySet> keys;  // the ring after the rotation
};

// Where open() found the ring.
enum class KeyRingOrigin { kLoaded, kImported, kCreated };

class KeyRing {
 public:
  // Loads the ring from `store`, importing or creating it when it has none and allowed.
  // `sealingSecret` is the 32-byte OTP secret. kNotFound if there is none and createIfMissing is
  // false; kFailedPrecondition if the stored ring was sealed with another OTP secret; the legacy
  // file's errors (see readKeyFile) when it exists but cannot be imported; store errors as is.
  static Result<std::unique_ptr<KeyRing>> open(KeyRingOptions options, SigningKeyStore& store,
                                               std::string_view sealingSecret, const Clock& clock,
                                               Random& random);

  // Replaces whatever ring the store holds, readable or not, with one fresh key: for an operator
  // who changed the OTP secret on every node (the old ring no longer opens). Tokens signed by the
  // old keys stop verifying.
  static Result<RotationResult> reset(const KeyRingOptions& options, SigningKeyStore& store,
                                      std::string_view sealingSecret, const Clock& clock,
                                      Random& random);

  ~KeyRing();
  KeyRing(const KeyRing&) = delete;
  KeyRing& operator=(const KeyRing&) = delete;

  // The current keys; never null.
  std::shared_ptr<const KeySet> current();

  // Adds a signing key and prunes expired retired keys, in the store and in memory.
  Result<RotationResult> rotate();

  // Polls the store's version and reloads the ring if it changed; what the background thread
  // runs every reload interval. Never fails: problems are logged once and the keys kept.
  void refresh();

  // For a token whose kid is not in current(): polls the store now unless that was done less than
  // kUnknownKidRefreshInterval ago, and returns the (possibly reloaded) keys.
  std::shared_ptr<const KeySet> refreshForUnknownKid();

  KeyRingOrigin origin() const { return origin_; }
  const std::string& path() const { return options_.path; }
  Seconds retention() const { return options_.retention; }

 private:
  KeyRing(KeyRingOptions options, SigningKeyStore& store, std::unique_ptr<StateCipher> cipher,
          const Clock& clock, Random& random);

  Status loadOrCreate();  // open()'s work
  Result<std::vector<Ed25519Key>> unseal(const SigningKeyRing& ring) const;
  SealedSigningKey seal(const Ed25519Key& key) const;
  Result<Ed25519Key> freshKey(const std::vector<Ed25519Key>& existing) const;
  void install(std::vector<Ed25519Key> keys, int64_t version);
  void reportProblem(const std::string& message);
  void refreshLoop();

  const KeyRingOptions options_;
  SigningKeyStore& store_;
  const std::unique_ptr<StateCipher> cipher_;
  const Clock& clock_;
  Random& random_;
  KeyRingOrigin origin_ = KeyRingOrigin::kLoaded;

  std::mutex mutex_;
  std::shared_ptr<const KeySet> keys_;  // guarded by mutex_
  int64_t version_ = 0;                 // guarded by mutex_: the store version keys_ came from
  TimePoint nextCheck_{};               // guarded by mutex_ (without backgroundRefresh)
  TimePoint nextUnknownKidCheck_{};     // guarded by mutex_

  std::mutex refreshMutex_;  // one refresh at a time; held while talking to the store
  std::string problem_;      // guarded by refreshMutex_: the last problem logged, "" if none

  std::mutex stopMutex_;
  std::condition_variable stopped_;
  bool stop_ = false;  // guarded by stopMutex_
  std::thread refresher_;
};

}  // namespace callgate::token
