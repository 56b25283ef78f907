#include "adapters/security/crypto/argon2id_pin_hasher.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "adapters/security/crypto/sodium_init.h"

namespace callgate {

namespace {

constexpr std::string_view kDomain = "callgate-pin-v1|";

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "callgate: %s\n", message.c_str());
  std::abort();
}

// crypto_pwhash_str_verify wants a NUL-terminated string that fits crypto_pwhash_STRBYTES.
bool copyHash(std::string_view stored, char (&out)[crypto_pwhash_STRBYTES]) {
  if (stored.empty() || stored.size() >= sizeof out) return false;
  if (stored.find('\0') != std::string_view::npos) return false;
  std::memcpy(out, stored.data(), stored.size());
  out[stored.size()] = '\0';
  return true;
}

}  // namespace

Argon2Cost minimalArgon2Cost() {
  return Argon2Cost{crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
}

Status validateArgon2Cost(const Argon2Cost& cost) {
  if (cost.opsLimit < crypto_pwhash_OPSLIMIT_MIN || cost.opsLimit > 100) {
    return Error::invalidArgument("argon2 ops limit must be in " +
                                  std::to_string(crypto_pwhash_OPSLIMIT_MIN) + "..100");
  }
  const size_t maxMem = size_t{4} << 30;  // 4 GiB: beyond any sensible per-request cost
  if (cost.memLimitBytes < crypto_pwhash_MEMLIMIT_MIN || cost.memLimitBytes > maxMem) {
    return Error::invalidArgument("argon2 memory limit must be in " +
                                  std::to_string(crypto_pwhash_MEMLIMIT_MIN / 1024) +
                                  " KiB..4 GiB");
  }
  return okStatus();
}

Argon2idPinHasher::Argon2idPinHasher(std::string_view pepperKey, Argon2Cost cost) : cost_(cost) {
  if (Status s = ensureSodiumInitialized(); !s.ok()) die(s.error().toString());
  if (Status s = validateArgon2Cost(cost); !s.ok()) die(s.error().toString());
  crypto_auth_hmacsha256_init(&keyed_, reinterpret_cast<const unsigned char*>(pepperKey.data()),
                              pepperKey.size());
  // The dummy: a hash, with the current cost, of a random input nobody knows.
  unsigned char secret[32];
  randombytes_buf(secret, sizeof secret);
  char out[crypto_pwhash_STRBYTES];
  const int rc =
      crypto_pwhash_str_alg(out, reinterpret_cast<const char*>(secret), sizeof secret,
                            cost_.opsLimit, cost_.memLimitBytes, crypto_pwhash_ALG_ARGON2ID13);
  sodium_memzero(secret, sizeof secret);
  if (rc != 0) die("argon2id: cannot compute the dummy PIN hash (out of memory?)");
  dummyHash_ = out;
}

Argon2idPinHasher::~Argon2idPinHasher() { sodium_memzero(&keyed_, sizeof keyed_); }

void Argon2idPinHasher::pepper(std::string_view userId, std::string_view pin,
                               unsigned char out[crypto_auth_hmacsha256_BYTES]) const {
  crypto_auth_hmacsha256_state state = keyed_;
  const auto update = [&state](std::string_view part) {
    crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(part.data()),
                                  part.size());
  };
  update(kDomain);
  update(userId);
  update("|");
  update(pin);
  crypto_auth_hmacsha256_final(&state, out);
  sodium_memzero(&state, sizeof state);
}

Result<std::string> Argon2idPinHasher::hash(std::string_view userId, std::string_view pin) const {
  unsigned char peppered[crypto_auth_hmacsha256_BYTES];
  pepper(userId, pin, peppered);
  char out[crypto_pwhash_STRBYTES];
  const int rc =
      crypto_pwhash_str_alg(out, reinterpret_cast<const char*>(peppered), sizeof peppered,
                            cost_.opsLimit, cost_.memLimitBytes, crypto_pwhash_ALG_ARGON2ID13);
  sodium_memzero(peppered, sizeof peppered);
  if (rc != 0) return Error::unavailable("argon2id: cannot hash the PIN (out of memory?)");
  return std::string(out);
}

bool Argon2idPinHasher::verify(std::string_view storedHash, std::string_view userId,
                               std::string_view pin) const {
  char stored[crypto_pwhash_STRBYTES];
  // No hash (unknown id, no PIN) or an unusable one (too long, embedded NUL): verify against the
  // dummy instead, so that every failure takes the time of a real verification.
  const bool usable = !storedHash.empty() && copyHash(storedHash, stored);
  if (!usable) copyHash(dummyHash_, stored);
  unsigned char peppered[crypto_auth_hmacsha256_BYTES];
  pepper(userId, pin, peppered);
  const int rc =
      crypto_pwhash_str_verify(stored, reinterpret_cast<const char*>(peppered), sizeof peppered);
  sodium_memzero(peppered, sizeof peppered);
  // The dummy never matches (nobody knows its input), and `usable` is checked besides.
  return rc == 0 && usable;
}

bool Argon2idPinHasher::needsRehash(std::string_view storedHash) const {
  char stored[crypto_pwhash_STRBYTES];
  if (!copyHash(storedHash, stored)) return true;
  // 0: current parameters; 1: other parameters; -1: not an argon2id string at all.
  return crypto_pwhash_str_needs_rehash(stored, cost_.opsLimit, cost_.memLimitBytes) != 0;
}

}  // namespace callgate
