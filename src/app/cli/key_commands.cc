// `callgate keys rotate` and `callgate keys list`: manage the JWT signing-key ring in the key file
// ([tokens] key_file). A running server notices a rotation within a second (it watches the file),
// so rotating needs no restart. Private keys are never printed.

#include <iomanip>
#include <iostream>

#include "adapters/platform/clock/system_clock.h"
#include "adapters/security/crypto/sodium_random.h"
#include "adapters/security/token/key_ring.h"
#include "app/cli/commands.h"

namespace callgate::app {

namespace {

int fail(const std::string& message, int code = 1) {
  std::cerr << "callgate: " << message << "\n";
  return code;
}

// "signing", "retiring until T" or "expired (pruned at the next rotation)".
std::string keyStatus(const token::KeySet& keys, size_t index, TimePoint now) {
  const auto retired = keys.retiredAt(index);
  if (!retired) return "signing";
  if (!keys.isUsable(index, now)) return "expired (pruned at the next rotation)";
  return "retiring until " + formatRfc3339(*retired + keys.retention());
}

void printKeys(const token::KeySet& keys, TimePoint now) {
  std::cout << std::left << std::setw(45) << "KID" << std::setw(26) << "CREATED"
            << "STATUS\n";
  for (size_t i = keys.keys().size(); i-- > 0;) {
    const token::Ed25519Key& k = keys.keys()[i];
    std::cout << std::left << std::setw(45) << k.kid << std::setw(26) << formatRfc3339(k.createdAt)
              << keyStatus(keys, i, now) << "\n";
  }
}

// The configured key ring, never created here unless `create`.
token::KeyRingOptions ringOptions(const Config& config, bool create) {
  token::KeyRingOptions options = config.tokenKeys;
  options.createIfMissing = create;
  return options;
}

}  // namespace

int keysRotateCommand(const Config& config) {
  SystemClock clock;
  SodiumRandom random;
  token::KeyRingOptions options = ringOptions(config, /*create=*/false);
  auto ring = token::KeyRing::open(options, clock, random);
  std::shared_ptr<const token::KeySet> keys;
  if (!ring.ok() && ring.error().code() == ErrorCode::kNotFound) {
    // No ring yet: creating it with its first key is this rotation.
    options.createIfMissing = true;
    ring = token::KeyRing::open(options, clock, random);
    if (!ring.ok()) return fail(ring.error().message());
    keys = (*ring)->current();
    std::cout << "created " << options.path << " with signing key " << keys->signingKey().kid
              << "\n";
  } else if (!ring.ok()) {
    return fail(ring.error().message());
  } else {
    auto rotated = (*ring)->rotate();
    if (!rotated.ok()) return fail(rotated.error().message());
    keys = rotated->keys;
    std::cout << "new signing key " << rotated->addedKid << "\n";
    for (const std::string& kid : rotated->prunedKids)
      std::cout << "pruned expired key " << kid << "\n";
  }
  printKeys(*keys, clock.now());
  std::cout
      << "running servers switch to the new key within a second; retired keys stay in the JWKS "
         "until every token they signed has expired\n";
  return 0;
}

int keysListCommand(const Config& config) {
  SystemClock clock;
  SodiumRandom random;
  const token::KeyRingOptions options = ringOptions(config, /*create=*/false);
  auto ring = token::KeyRing::open(options, clock, random);
  if (!ring.ok()) {
    if (ring.error().code() == ErrorCode::kNotFound) {
      return fail("no key file at " + options.path +
                  " yet (`callgate serve` or `callgate keys rotate` creates it)");
    }
    return fail(ring.error().message());
  }
  printKeys(*(*ring)->current(), clock.now());
  return 0;
}

}  // namespace callgate::app
