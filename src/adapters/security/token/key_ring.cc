#include "adapters/security/token/key_ring.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

#include "adapters/security/crypto/sodium_init.h"
#include "adapters/security/crypto/state_cipher.h"
#include "adapters/security/token/key_file.h"

namespace callgate::token {

namespace {

// Lost compare-and-set races before giving up: each loss means another node wrote a new ring in
// between, which takes a rotation's worth of work, so a handful only happens under a storm.
constexpr int kMaxAttempts = 16;

TimePoint wholeSeconds(TimePoint t) { return std::chrono::floor<Seconds>(t); }

Error wrongSecret() {
  return Error::failedPrecondition(
      "the JWT signing keys in the database do not open with this node's OTP secret: give this "
      "node the OTP secret the other nodes use (CALLGATE_OTP_SECRET or [security] "
      "otp_secret_file); if the OTP secret was changed on every node on purpose, run `callgate "
      "keys reset` once (tokens already issued stop verifying)");
}

// Wipes a string holding a seed before it is freed.
struct WipedString {
  std::string text;
  ~WipedString() { sodium_memzero(text.data(), text.size()); }
};

Result<std::unique_ptr<StateCipher>> sealingCipher(std::string_view secret) {
  auto cipher = StateCipher::derive(secret, kKeySealContext, kKeySealSubkeyId);
  if (!cipher) return Error(cipher.error().code(), "OTP secret: " + cipher.error().message());
  return cipher;
}

}  // namespace

KeyRing::KeyRing(KeyRingOptions options, SigningKeyStore& store,
                 std::unique_ptr<StateCipher> cipher, const Clock& clock, Random& random)
    : options_(std::move(options)),
      store_(store),
      cipher_(std::move(cipher)),
      clock_(clock),
      random_(random) {}

KeyRing::~KeyRing() {
  if (!refresher_.joinable()) return;
  {
    std::lock_guard lock(stopMutex_);
    stop_ = true;
  }
  stopped_.notify_all();
  refresher_.join();
}

Result<std::unique_ptr<KeyRing>> KeyRing::open(KeyRingOptions options, SigningKeyStore& store,
                                               std::string_view sealingSecret, const Clock& clock,
                                               Random& random) {
  if (Status s = ensureSodiumInitialized(); !s.ok()) return s.error();
  auto cipher = sealingCipher(sealingSecret);
  if (!cipher) return cipher.error();
  std::unique_ptr<KeyRing> ring(
      new KeyRing(std::move(options), store, std::move(*cipher), clock, random));
  if (Status s = ring->loadOrCreate(); !s.ok()) return s.error();
  ring->nextCheck_ = clock.now() + ring->options_.reloadInterval;
  if (ring->options_.backgroundRefresh)
    ring->refresher_ = std::thread([r = ring.get()] { r->refreshLoop(); });
  return ring;
}

Status KeyRing::loadOrCreate() {
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    auto loaded = store_.load();
    if (!loaded) return loaded.error();
    if (!loaded->keys.empty()) {
      auto keys = unseal(*loaded);
      if (!keys) return keys.error();
      install(std::move(*keys), loaded->version);
      if (origin_ == KeyRingOrigin::kLoaded && keyFileExists(options_.path)) {
        spdlog::info(
            "event=jwt_key_file_ignored path={} reason=\"the signing keys live in the database; "
            "the file is no longer read and may be deleted\"",
            options_.path);
      }
      return okStatus();
    }
    if (!options_.createIfMissing) {
      return Error::notFound("no JWT signing keys in the database yet");
    }
    // An empty store: import the legacy key file once, else create a first key. The
    // compare-and-set on the version makes nodes starting together agree on one ring: a loser
    // loads the winner's.
    std::vector<Ed25519Key> keys;
    auto legacy = readKeyFile(options_.path);
    if (legacy) {
      keys = std::move(*legacy);
    } else if (legacy.error().code() != ErrorCode::kNotFound) {
      return Error(legacy.error().code(),
                   "cannot import the legacy key file: " + legacy.error().message());
    } else {
      auto fresh = freshKey({});
      if (!fresh) return fresh.error();
      keys.push_back(std::move(*fresh));
    }
    const bool imported = legacy.ok();
    std::vector<SealedSigningKey> sealed;
    for (const Ed25519Key& k : keys) sealed.push_back(seal(k));
    auto won = store_.replace(sealed, loaded->version);
    if (!won) return won.error();
    if (!*won) continue;
    origin_ = imported ? KeyRingOrigin::kImported : KeyRingOrigin::kCreated;
    const size_t count = keys.size();
    install(std::move(keys), loaded->version + 1);
    const std::string kid = keys_->signingKey().kid;
    if (imported) {
      spdlog::info(
          "event=jwt_keys_imported path={} keys={} signing_kid={} note=\"the database holds the "
          "keys from now on; the file is no longer read and may be deleted once every node runs "
          "this release\"",
          options_.path, count, kid);
    } else {
      spdlog::info("event=jwt_keys_created kid={}", kid);
    }
    return okStatus();
  }
  return Error::unavailable("the JWT signing-key ring kept changing while loading it; try again");
}

Result<RotationResult> KeyRing::reset(const KeyRingOptions& options, SigningKeyStore& store,
                                      std::string_view sealingSecret, const Clock& clock,
                                      Random& random) {
  if (Status s = ensureSodiumInitialized(); !s.ok()) return s.error();
  auto cipher = sealingCipher(sealingSecret);
  if (!cipher) return cipher.error();
  KeyRing ring(options, store, std::move(*cipher), clock, random);
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    auto loaded = store.load();
    if (!loaded) return loaded.error();
    auto fresh = ring.freshKey({});
    if (!fresh) return fresh.error();
    RotationResult result;
    result.addedKid = fresh->kid;
    for (const SealedSigningKey& k : loaded->keys) result.prunedKids.push_back(k.kid);
    auto won = store.replace({ring.seal(*fresh)}, loaded->version);
    if (!won) return won.error();
    if (!*won) continue;
    std::vector<Ed25519Key> keys;
    keys.push_back(std::move(*fresh));
    result.keys = std::make_shared<const KeySet>(std::move(keys), options.retention);
    spdlog::warn("event=jwt_keys_reset kid={} discarded={}", result.addedKid,
                 result.prunedKids.size());
    return result;
  }
  return Error::unavailable("the JWT signing-key ring kept changing during the reset; try again");
}

Result<std::vector<Ed25519Key>> KeyRing::unseal(const SigningKeyRing& ring) const {
  std::vector<Ed25519Key> keys;
  keys.reserve(ring.keys.size());
  for (const SealedSigningKey& k : ring.keys) {
    // Bound to the kid: a sealed seed copied to another row does not open.
    auto opened = cipher_->open(k.sealedSeed, k.kid);
    if (!opened) return wrongSecret();
    WipedString seed{std::move(*opened)};
    if (seed.text.size() != kEd25519SeedBytes) {
      return Error::invalidArgument("JWT signing key " + k.kid + " in the database is malformed");
    }
    auto key = keyFromSeed(
        std::span(reinterpret_cast<const unsigned char*>(seed.text.data()), seed.text.size()),
        wholeSeconds(k.createdAt));
    if (!key) return key.error();
    if (key->kid != k.kid) {
      return Error::invalidArgument("JWT signing key " + k.kid +
                                    " in the database does not match its kid");
    }
    keys.push_back(std::move(*key));
  }
  return keys;
}

SealedSigningKey KeyRing::seal(const Ed25519Key& key) const {
  const std::string_view seed(reinterpret_cast<const char*>(key.seed().data()), key.seed().size());
  return SealedSigningKey{key.kid, key.createdAt, cipher_->seal(seed, key.kid)};
}

Result<Ed25519Key> KeyRing::freshKey(const std::vector<Ed25519Key>& existing) const {
  unsigned char seed[kEd25519SeedBytes];
  random_.fill(std::span<uint8_t>(seed, sizeof seed));
  // Strictly newer than every existing key (even with a clock stepped back, or two rotations in
  // one second), so the new key is the one that signs and every node orders the ring alike.
  TimePoint createdAt = wholeSeconds(clock_.now());
  for (const Ed25519Key& k : existing) createdAt = std::max(createdAt, k.createdAt + Seconds(1));
  auto fresh = keyFromSeed(seed, createdAt);
  sodium_memzero(seed, sizeof seed);
  if (!fresh) return fresh.error();
  for (const Ed25519Key& k : existing) {
    if (k.kid == fresh->kid) return Error::internal("the random source produced an existing key");
  }
  return fresh;
}

void KeyRing::install(std::vector<Ed25519Key> keys, int64_t version) {
  auto set = std::make_shared<const KeySet>(std::move(keys), options_.retention);
  std::lock_guard lock(mutex_);
  // A refresh that loaded before a concurrent rotate() installed must not go back in time.
  if (keys_ && version < version_) return;
  keys_ = std::move(set);
  version_ = version;
}

std::shared_ptr<const KeySet> KeyRing::current() {
  if (!options_.backgroundRefresh) {
    bool due = false;
    {
      std::lock_guard lock(mutex_);
      const TimePoint now = clock_.now();
      if (now >= nextCheck_) {
        nextCheck_ = now + options_.reloadInterval;
        due = true;
      }
    }
    if (due) refresh();
  }
  std::lock_guard lock(mutex_);
  return keys_;
}

std::shared_ptr<const KeySet> KeyRing::refreshForUnknownKid() {
  bool due = false;
  {
    std::lock_guard lock(mutex_);
    const TimePoint now = clock_.now();
    if (now >= nextUnknownKidCheck_) {
      nextUnknownKidCheck_ = now + kUnknownKidRefreshInterval;
      due = true;
    }
  }
  if (due) refresh();
  std::lock_guard lock(mutex_);
  return keys_;
}

void KeyRing::refresh() {
  // Whoever is already refreshing will install what is new; nobody waits behind the database.
  std::unique_lock busy(refreshMutex_, std::try_to_lock);
  if (!busy.owns_lock()) return;
  auto version = store_.version();
  if (!version) {
    reportProblem("cannot read the key ring's version: " + version.error().message());
    return;
  }
  {
    std::lock_guard lock(mutex_);
    if (*version == version_) {
      if (!problem_.empty()) {
        spdlog::info("event=jwt_keys_store_recovered");
        problem_.clear();
      }
      return;
    }
  }
  auto loaded = store_.load();
  if (!loaded) {
    reportProblem("cannot load the key ring: " + loaded.error().message());
    return;
  }
  if (loaded->keys.empty()) {
    reportProblem("the key ring in the database is empty");
    return;
  }
  auto keys = unseal(*loaded);
  if (!keys) {
    reportProblem(keys.error().message());
    return;
  }
  install(std::move(*keys), loaded->version);
  if (!problem_.empty()) spdlog::info("event=jwt_keys_store_recovered");
  problem_.clear();
  const auto snapshot = [this] {
    std::lock_guard lock(mutex_);
    return keys_;
  }();
  spdlog::info("event=jwt_keys_reloaded version={} keys={} signing_kid={}", loaded->version,
               snapshot->keys().size(), snapshot->signingKey().kid);
}

void KeyRing::reportProblem(const std::string& message) {
  // Once per distinct problem, not once per poll: a database that is away for a minute logs one
  // line, and the recovery another.
  if (message == problem_) return;
  problem_ = message;
  spdlog::warn("event=jwt_keys_unreadable error=\"{}; keeping the loaded keys\"", message);
}

void KeyRing::refreshLoop() {
  std::unique_lock lock(stopMutex_);
  for (;;) {
    if (stopped_.wait_for(lock, options_.reloadInterval, [this] { return stop_; })) return;
    lock.unlock();
    refresh();
    lock.lock();
  }
}

Result<RotationResult> KeyRing::rotate() {
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    auto loaded = store_.load();
    if (!loaded) return loaded.error();
    // Never replace a ring we could not read: its keys would be lost.
    auto existing = unseal(*loaded);
    if (!existing) return existing.error();
    auto fresh = freshKey(*existing);
    if (!fresh) return fresh.error();
    RotationResult result;
    result.addedKid = fresh->kid;
    std::vector<Ed25519Key> all = std::move(*existing);
    all.push_back(std::move(*fresh));

    const TimePoint now = clock_.now();
    const KeySet set(std::move(all), options_.retention);
    std::map<std::string, const SealedSigningKey*> sealedByKid;
    for (const SealedSigningKey& k : loaded->keys) sealedByKid[k.kid] = &k;
    std::vector<Ed25519Key> kept;
    std::vector<SealedSigningKey> sealed;
    for (size_t i = 0; i < set.keys().size(); ++i) {
      const Ed25519Key& k = set.keys()[i];
      if (!set.isUsable(i, now)) {
        result.prunedKids.push_back(k.kid);
        continue;
      }
      kept.push_back(k);
      auto it = sealedByKid.find(k.kid);
      sealed.push_back(it != sealedByKid.end() ? *it->second : seal(k));
    }
    auto won = store_.replace(sealed, loaded->version);
    if (!won) return won.error();
    if (!*won) {
      spdlog::debug("event=jwt_keys_rotation_retry reason=\"another node replaced the ring\"");
      continue;
    }
    install(std::move(kept), loaded->version + 1);
    std::lock_guard lock(mutex_);
    result.keys = keys_;
    return result;
  }
  return Error::unavailable(
      "the JWT signing-key ring kept changing during the rotation; try again");
}

}  // namespace callgate::token
