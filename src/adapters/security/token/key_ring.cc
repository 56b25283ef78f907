#include "adapters/security/token/key_ring.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "adapters/security/crypto/sodium_init.h"

namespace callgate::token {

namespace {

TimePoint wholeSeconds(TimePoint t) { return std::chrono::floor<Seconds>(t); }

}  // namespace

Result<std::unique_ptr<KeyRing>> KeyRing::open(KeyRingOptions options, const Clock& clock,
                                               Random& random) {
  if (options.path.empty()) return Error::invalidArgument("empty key file path");
  if (Status s = ensureSodiumInitialized(); !s.ok()) return s.error();
  std::unique_ptr<KeyRing> ring(new KeyRing(std::move(options), clock, random));
  FileStamp stamp;
  auto keys = readKeyFile(ring->options_.path, &stamp);
  if (keys) {
    ring->keys_ = std::make_shared<const KeySet>(std::move(*keys), ring->options_.retention);
    ring->stamp_ = stamp;
  } else if (keys.error().code() == ErrorCode::kNotFound && ring->options_.createIfMissing) {
    // rotate() re-reads under the lock, so a racing creator's key is kept, not overwritten.
    auto rotated = ring->rotate();
    if (!rotated) return rotated.error();
    spdlog::info("event=jwt_keys_created path={} kid={}", ring->options_.path, rotated->addedKid);
  } else {
    return keys.error();
  }
  ring->nextCheck_ = clock.now() + ring->options_.reloadInterval;
  return ring;
}

std::shared_ptr<const KeySet> KeyRing::current() {
  std::lock_guard lock(mutex_);
  const TimePoint now = clock_.now();
  if (now >= nextCheck_) {
    nextCheck_ = now + options_.reloadInterval;
    reloadIfChanged();
  }
  return keys_;
}

void KeyRing::reloadIfChanged() {
  const std::optional<FileStamp> seen = statKeyFile(options_.path);
  if (!seen) {
    if (!missingReported_) {
      spdlog::warn(
          "event=jwt_keys_unreadable path={} error=\"cannot stat the key file; keeping the loaded "
          "keys\"",
          options_.path);
      missingReported_ = true;
    }
    return;
  }
  missingReported_ = false;
  if (stamp_ && *seen == *stamp_) return;
  FileStamp stamp;
  auto keys = readKeyFile(options_.path, &stamp);
  if (!keys) {
    // Remember this version so it is reported once, not every second; any later change
    // (a fixed file, a chmod) has a new stamp and is tried again.
    stamp_ = *seen;
    spdlog::warn("event=jwt_keys_unreadable path={} error=\"{}; keeping the loaded keys\"",
                 options_.path, keys.error().message());
    return;
  }
  keys_ = std::make_shared<const KeySet>(std::move(*keys), options_.retention);
  stamp_ = stamp;
  spdlog::info("event=jwt_keys_reloaded path={} keys={} signing_kid={}", options_.path,
               keys_->keys().size(), keys_->signingKey().kid);
}

Result<RotationResult> KeyRing::rotate() {
  auto lock = KeyFileLock::acquire(options_.path);
  if (!lock) return lock.error();
  return rotateLocked();
}

Result<RotationResult> KeyRing::rotateLocked() {
  std::vector<Ed25519Key> keys;
  auto existing = readKeyFile(options_.path);
  if (existing) {
    keys = std::move(*existing);
  } else if (existing.error().code() != ErrorCode::kNotFound) {
    return existing.error();  // never overwrite a file we could not read
  }
  const TimePoint now = clock_.now();

  unsigned char seed[kEd25519SeedBytes];
  random_.fill(std::span<uint8_t>(seed, sizeof seed));
  // Never older than an existing key (a clock stepped back), so the new key is the one that signs.
  TimePoint createdAt = wholeSeconds(now);
  for (const Ed25519Key& k : keys) createdAt = std::max(createdAt, k.createdAt);
  auto fresh = keyFromSeed(seed, createdAt);
  sodium_memzero(seed, sizeof seed);
  if (!fresh) return fresh.error();
  for (const Ed25519Key& k : keys) {
    if (k.kid == fresh->kid) return Error::internal("the random source produced an existing key");
  }
  RotationResult result;
  result.addedKid = fresh->kid;
  keys.push_back(std::move(*fresh));

  const KeySet all(std::move(keys), options_.retention);
  std::vector<Ed25519Key> kept;
  for (size_t i = 0; i < all.keys().size(); ++i) {
    if (all.isUsable(i, now))
      kept.push_back(all.keys()[i]);
    else
      result.prunedKids.push_back(all.keys()[i].kid);
  }
  if (Status s = writeKeyFile(options_.path, kept); !s.ok()) return s.error();

  auto set = std::make_shared<const KeySet>(std::move(kept), options_.retention);
  result.keys = set;
  std::lock_guard guard(mutex_);
  keys_ = std::move(set);
  stamp_ = statKeyFile(options_.path);
  return result;
}

}  // namespace callgate::token
