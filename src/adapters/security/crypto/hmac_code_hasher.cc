#include "adapters/security/crypto/hmac_code_hasher.h"

#include <cstdio>
#include <cstdlib>

#include "adapters/security/crypto/sodium_init.h"

namespace callgate {
namespace {

constexpr size_t kHexBytes = crypto_auth_hmacsha256_BYTES * 2;

}  // namespace

HmacCodeHasher::HmacCodeHasher(std::string_view key) {
  if (Status s = ensureSodiumInitialized(); !s.ok()) {
    std::fprintf(stderr, "callgate: %s\n", s.error().toString().c_str());
    std::abort();
  }
  crypto_auth_hmacsha256_init(&keyed_, reinterpret_cast<const unsigned char*>(key.data()),
                              key.size());
}

HmacCodeHasher::~HmacCodeHasher() { sodium_memzero(&keyed_, sizeof keyed_); }

std::string HmacCodeHasher::digest(std::string_view message) const {
  crypto_auth_hmacsha256_state state = keyed_;
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size());
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&state, mac);
  sodium_memzero(&state, sizeof state);
  char hex[kHexBytes + 1];
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);  // lowercase, constant time
  return std::string(hex, kHexBytes);
}

bool HmacCodeHasher::matches(std::string_view expected, std::string_view message) const {
  const std::string actual = digest(message);
  // Compare a fixed 64 bytes whatever `expected` holds, so the time taken depends on neither its
  // length nor where it first differs; the length check is folded in without branching early.
  char padded[kHexBytes] = {};
  const size_t n = expected.size() < kHexBytes ? expected.size() : kHexBytes;
  for (size_t i = 0; i < n; ++i) padded[i] = expected[i];
  const int differs = sodium_memcmp(padded, actual.data(), kHexBytes);
  const bool sameLength = expected.size() == kHexBytes;
  return (differs == 0) & sameLength;
}

}  // namespace callgate
