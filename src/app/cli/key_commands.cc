// `callgate keys rotate|list|reset` and `callgate cluster forget-secrets`: manage the JWT
// signing-key ring and the shared-secret fingerprints, both in the database, so they act on every
// node sharing it. A running node notices a rotation within a few seconds (it polls the ring's
// version), so rotating needs no restart. Private keys are never printed.

#include <iomanip>
#include <iostream>

#include "adapters/platform/clock/system_clock.h"
#include "adapters/security/crypto/sodium_random.h"
#include "adapters/security/token/key_ring.h"
#include "app/cli/commands.h"
#include "app/cli/key_ring_access.h"

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

}  // namespace

int keysRotateCommand(const Config& config) {
  auto context = openKeyContext(config);
  if (!context.ok()) return fail(context.error().message());
  SystemClock clock;
  SodiumRandom random;
  auto ring =
      token::KeyRing::open(cliRingOptions(config, /*create=*/true), *context->services->signingKeys,
                           context->otpSecret, clock, random);
  if (!ring.ok()) return fail(ring.error().message());
  std::shared_ptr<const token::KeySet> keys;
  if ((*ring)->origin() == token::KeyRingOrigin::kCreated) {
    // No ring yet: creating it with its first key is this rotation.
    keys = (*ring)->current();
    std::cout << "created the key ring in the database with signing key " << keys->signingKey().kid
              << "\n";
  } else {
    if ((*ring)->origin() == token::KeyRingOrigin::kImported) {
      std::cout << "imported " << (*ring)->current()->keys().size() << " key(s) from "
                << (*ring)->path() << " into the database\n";
    }
    auto rotated = (*ring)->rotate();
    if (!rotated.ok()) return fail(rotated.error().message());
    keys = rotated->keys;
    std::cout << "new signing key " << rotated->addedKid << "\n";
    for (const std::string& kid : rotated->prunedKids)
      std::cout << "pruned expired key " << kid << "\n";
  }
  printKeys(*keys, clock.now());
  std::cout << "running nodes switch to the new key within a few seconds; retired keys stay in "
               "the JWKS until every token they signed has expired\n";
  return 0;
}

int keysListCommand(const Config& config) {
  auto context = openKeyContext(config);
  if (!context.ok()) return fail(context.error().message());
  SystemClock clock;
  SodiumRandom random;
  auto ring =
      token::KeyRing::open(cliRingOptions(config, /*create=*/false),
                           *context->services->signingKeys, context->otpSecret, clock, random);
  if (!ring.ok()) {
    if (ring.error().code() == ErrorCode::kNotFound) {
      return fail(
          "no JWT signing keys in the database yet (`callgate serve` or `callgate keys rotate` "
          "creates them)");
    }
    return fail(ring.error().message());
  }
  printKeys(*(*ring)->current(), clock.now());
  return 0;
}

int keysResetCommand(const Config& config) {
  auto context = openKeyContext(config);
  if (!context.ok()) return fail(context.error().message());
  SystemClock clock;
  SodiumRandom random;
  auto reset =
      token::KeyRing::reset(cliRingOptions(config, /*create=*/true),
                            *context->services->signingKeys, context->otpSecret, clock, random);
  if (!reset.ok()) return fail(reset.error().message());
  std::cout << "replaced the key ring (" << reset->prunedKids.size()
            << " key(s) discarded) with signing key " << reset->addedKid
            << "; tokens signed by the discarded keys no longer verify\n";
  printKeys(*reset->keys, clock.now());
  return 0;
}

int clusterForgetSecretsCommand(const Config& config) {
  auto services = buildStorage(config);
  if (!services.ok()) return fail(services.error().message());
  auto forgotten = (*services)->secretFingerprints->forgetAll();
  if (!forgotten.ok()) return fail(forgotten.error().message());
  std::cout << "forgot " << *forgotten
            << " secret fingerprint(s); the next node to start records its secrets and every "
               "other node must then match them\n";
  return 0;
}

}  // namespace callgate::app
