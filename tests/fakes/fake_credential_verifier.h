// A scripted CredentialVerifier for the tests of what sits in front of one (verify-pin): it
// answers `next` (or `error`), counts its calls and remembers what it was asked, never checking
// anything itself. Not thread-safe (one test thread).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/credential_verifier.h"

namespace callgate::testing {

class FakeCredentialVerifier : public CredentialVerifier {
 public:
  explicit FakeCredentialVerifier(std::string name = "ldap") : name_(std::move(name)) {}
  std::string_view name() const override { return name_; }
  Result<CredentialCheck> verify(std::string_view userId, std::string_view secret) override {
    ++calls;
    lastUserId = std::string(userId);
    lastSecret = std::string(secret);
    if (error) return *error;
    return next;
  }

  // Answers kVerified with this identity from now on.
  void verifies(VerifiedIdentity identity) {
    error.reset();
    next = CredentialCheck{CredentialOutcome::kVerified, std::move(identity), ""};
  }
  void rejects(std::string detail) {
    error.reset();
    next = CredentialCheck{CredentialOutcome::kRejected, {}, std::move(detail)};
  }
  void fails(Error e) { error = std::move(e); }

  CredentialCheck next;  // kRejected, no detail
  std::optional<Error> error;
  int calls = 0;
  std::string lastUserId;
  std::string lastSecret;

 private:
  std::string name_;
};

}  // namespace callgate::testing
