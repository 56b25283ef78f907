#include "adapters/security/crypto/sodium_init.h"

#include <sodium.h>

namespace callgate {

Status ensureSodiumInitialized() {
  // A function-local static is initialised exactly once, thread-safely (C++11 magic statics).
  static const bool ok = sodium_init() >= 0;  // 1 means "already initialised": also fine
  if (!ok) return Error::internal("libsodium failed to initialise (no system randomness?)");
  return okStatus();
}

}  // namespace callgate
