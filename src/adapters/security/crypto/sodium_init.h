// One-time libsodium initialisation shared by the crypto adapters. sodium_init() must run before
// any other libsodium call; ensureSodiumInitialized() runs it once per process however many
// threads race to call it. The app calls it at startup to report a failure cleanly; the crypto
// adapters call it again in their constructors (cheap after the first time) so they are correct
// even when built directly, as in tests.
#pragma once

#include "common/result.h"

namespace callgate {

// kInternal if libsodium cannot initialise (no usable system randomness); the result of the first
// call is remembered.
Status ensureSodiumInitialized();

}  // namespace callgate
