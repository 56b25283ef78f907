#include "adapters/security/crypto/secret_fingerprint.h"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

#include "adapters/security/crypto/sodium_init.h"

namespace callgate {
namespace {

// Never change: fingerprints recorded by earlier releases must still compare equal.
constexpr std::string_view kLabel = "callgate secret fingerprint v1";

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

std::string secretFingerprint(std::string_view name, std::string_view secret) {
  if (Status s = ensureSodiumInitialized(); !s.ok()) {
    std::fprintf(stderr, "callgate: %s\n", s.error().toString().c_str());
    std::abort();
  }
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, bytes(secret), secret.size());
  crypto_auth_hmacsha256_update(&state, bytes(kLabel), kLabel.size());
  // A NUL separates the label from the name, so no (label, name) pair can imitate another.
  const unsigned char separator = 0;
  crypto_auth_hmacsha256_update(&state, &separator, 1);
  crypto_auth_hmacsha256_update(&state, bytes(name), name.size());
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&state, mac);
  sodium_memzero(&state, sizeof state);
  char hex[crypto_auth_hmacsha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  return std::string("v1:") + hex;
}

Status checkSharedSecrets(SecretFingerprintStore& store, const std::vector<SharedSecret>& secrets) {
  for (const SharedSecret& s : secrets) {
    const std::string mine = secretFingerprint(s.name, s.secret);
    auto recorded = store.claim(s.name, mine);
    if (!recorded.ok()) {
      return Error(recorded.error().code(),
                   "cannot check the " + s.name + " fingerprint: " + recorded.error().message());
    }
    if (*recorded != mine) {
      return Error::failedPrecondition(
          s.name +
          " differs from the one the other nodes sharing this database use: give this "
          "node the same secret (" +
          s.configuredBy + "). If you are changing " + s.name +
          " on purpose, change it on every node, stop them all, run `callgate cluster "
          "forget-secrets` once, then start them again");
    }
  }
  return okStatus();
}

}  // namespace callgate
