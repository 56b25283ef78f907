// SodiumRandom: the production Random port, libsodium's CSPRNG (randombytes_buf and
// randombytes_uniform, which is free of modulo bias). Stateless beyond libsodium's own global
// generator, which is thread-safe; so is this class. Construction aborts the process if libsodium
// cannot initialise: without a CSPRNG nothing here may run, and a constructor cannot return an
// error (call ensureSodiumInitialized() at startup to report that case cleanly first).
#pragma once

#include <cstdint>
#include <span>

#include "core/ports.h"

namespace callgate {

class SodiumRandom final : public Random {
 public:
  SodiumRandom();

  void fill(std::span<uint8_t> out) override;
  uint32_t uniform(uint32_t upperBound) override;
};

}  // namespace callgate
