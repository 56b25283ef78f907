#include "adapters/security/crypto/sodium_random.h"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

#include "adapters/security/crypto/sodium_init.h"

namespace callgate {

SodiumRandom::SodiumRandom() {
  if (Status s = ensureSodiumInitialized(); !s.ok()) {
    std::fprintf(stderr, "callgate: %s\n", s.error().toString().c_str());
    std::abort();
  }
}

void SodiumRandom::fill(std::span<uint8_t> out) {
  // randombytes_buf's buffer is declared non-null, and an empty span may hold a null pointer.
  if (out.empty()) return;
  randombytes_buf(out.data(), out.size());
}

uint32_t SodiumRandom::uniform(uint32_t upperBound) { return randombytes_uniform(upperBound); }

}  // namespace callgate
