#include "functions/builtin_credential_verifier.h"

#include <spdlog/spdlog.h>

namespace callgate {

Result<CredentialCheck> BuiltinCredentialVerifier::verify(std::string_view userIdView,
                                                          std::string_view secret) {
  const std::string userId(userIdView);
  auto stored = credentials_.pinHash(userId);
  if (!stored.ok()) return stored.error();
  const bool known = stored->has_value();
  const std::string storedHash = stored->value_or("");
  // Always one argon2id verification: the dummy hash stands in for a missing one.
  const bool verified = hasher_.verify(storedHash, userId, secret);
  CredentialCheck check;
  if (!verified || !isWellFormedPin(secret) || storedHash.empty()) {
    check.detail = !known ? "unknown_user" : storedHash.empty() ? "no_pin" : "wrong_secret";
    return check;
  }

  auto customer = customers_.findByUserId(userId);
  if (!customer.ok()) return customer.error();
  if (!customer->has_value()) return Error::internal("customer vanished after a PIN matched");
  const Customer& c = **customer;

  // Hashes made with an older cost are upgraded while the PIN is at hand; failing to is not
  // worth failing the login for.
  if (hasher_.needsRehash(storedHash)) {
    auto fresh = hasher_.hash(userId, secret);
    Status saved =
        fresh.ok() ? credentials_.setPinHash(userId, *fresh, clock_.now()) : Status(fresh.error());
    if (!saved.ok()) spdlog::warn("event=pin_rehash_failed error=\"{}\"", saved.error().message());
  }

  check.outcome = CredentialOutcome::kVerified;
  check.identity.userId = userId;
  check.identity.subject = userId;
  check.identity.phone = c.phone;
  check.identity.firstName = c.firstName;
  check.identity.lastName = c.lastName;
  check.identity.level = c.level;
  check.identity.language = c.language;
  return check;
}

}  // namespace callgate
