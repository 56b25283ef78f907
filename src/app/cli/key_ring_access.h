// What the CLI commands that read or manage the JWT key ring share: the database's stores and the
// OTP secret (which seals the keys), checked against the fingerprint the nodes recorded, and the
// ring read without creating or importing anything (`keys list`, `audit verify`,
// `verdict verify`).
#pragma once

#include <memory>
#include <string>

#include "adapters/security/token/key_ring.h"
#include "app/wiring/wiring.h"

namespace callgate::app {

// The stores and the OTP secret, wiped when it goes. The secret is checked against the recorded
// fingerprint, so the CLI never seals keys no node can open nor reports a wrong secret as
// corrupt keys.
struct KeyContext {
  KeyContext() = default;
  KeyContext(KeyContext&&) = default;
  KeyContext& operator=(KeyContext&&) = delete;
  ~KeyContext();
  std::unique_ptr<Services> services;
  std::string otpSecret;
};

Result<KeyContext> openKeyContext(const Config& config);

// The ring's options for a one-shot CLI use: no background refresh; creating (and importing the
// legacy key file) only if `create`.
token::KeyRingOptions cliRingOptions(const Config& config, bool create);

// The keys the ring holds now (retired ones too), read only: kNotFound when the database has no
// ring yet.
Result<std::shared_ptr<const token::KeySet>> readKeyRing(const Config& config);

// A whole file, for commands that read one (an audit log, a JWKS document).
Result<std::string> readWholeFile(const std::string& path);

}  // namespace callgate::app
