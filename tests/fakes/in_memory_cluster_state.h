// In-memory fakes of the cluster-state ports (core/cluster_state.h): the signing-key ring and the
// secret fingerprints. tests/contracts runs the same suites against them and against SQLite, so
// they keep one meaning. Thread-safe through their methods (a mutex each); `failing` makes every
// call return kUnavailable, for tests of what the callers do when the database is away; the
// counters let tests check how often the ring was polled or loaded.
#pragma once

#include <algorithm>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/cluster_state.h"

namespace callgate::testing {

class InMemorySigningKeyStore : public SigningKeyStore {
 public:
  Result<SigningKeyRing> load() override {
    std::lock_guard lock(mu_);
    ++loads;
    if (failing) return Error::unavailable("store down");
    return ring_;
  }
  Result<int64_t> version() override {
    std::lock_guard lock(mu_);
    ++versionReads;
    if (failing) return Error::unavailable("store down");
    return ring_.version;
  }
  Result<bool> replace(const std::vector<SealedSigningKey>& keys,
                       int64_t expectedVersion) override {
    std::lock_guard lock(mu_);
    if (failing) return Error::unavailable("store down");
    for (size_t i = 0; i < keys.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        if (keys[i].kid == keys[j].kid) return Error::alreadyExists("signing key " + keys[i].kid);
      }
    }
    if (ring_.version != expectedVersion) return false;
    ring_.keys = keys;
    std::stable_sort(ring_.keys.begin(), ring_.keys.end(),
                     [](const SealedSigningKey& a, const SealedSigningKey& b) {
                       if (a.createdAt != b.createdAt) return a.createdAt < b.createdAt;
                       return a.kid < b.kid;
                     });
    ++ring_.version;
    return true;
  }

  // The stored ring, for tests to inspect or tamper with while no other thread uses the store.
  SigningKeyRing& ring() { return ring_; }

  bool failing = false;
  int loads = 0;
  int versionReads = 0;

 private:
  std::mutex mu_;
  SigningKeyRing ring_;
};

class InMemorySecretFingerprintStore : public SecretFingerprintStore {
 public:
  Result<std::string> claim(const std::string& name, const std::string& fingerprint) override {
    std::lock_guard lock(mu_);
    if (failing) return Error::unavailable("store down");
    return rows.emplace(name, fingerprint).first->second;
  }
  Result<int64_t> forgetAll() override {
    std::lock_guard lock(mu_);
    if (failing) return Error::unavailable("store down");
    const auto n = static_cast<int64_t>(rows.size());
    rows.clear();
    return n;
  }

  std::map<std::string, std::string> rows;
  bool failing = false;

 private:
  std::mutex mu_;
};

}  // namespace callgate::testing
