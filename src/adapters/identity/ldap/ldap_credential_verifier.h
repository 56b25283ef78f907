// LdapCredentialVerifier: the CredentialVerifier "ldap", for OpenLDAP, Active Directory and any
// LDAPv3 directory (OpenLDAP's libldap). One check:
//  1. connect (ldaps://, or ldap:// then StartTLS when starttls = true; the server certificate
//     checked against ca_file or the system's CAs, always: LDAP_OPT_X_TLS_DEMAND);
//  2. bind as the service account (simple bind; anonymous when none is configured);
//  3. search base_dn (scope sub, size limit 2) with the filter, the user id escaped per RFC 4515,
//     reading the phone, name, language and level attributes;
//  4. exactly one entry: bind as its DN with the secret (simple bind). Success is kVerified with
//     the entry's attributes (the first phone attribute that is a valid number, as E.164);
//     invalidCredentials (49) is kRejected "wrong_secret".
//     No entry: a bind that must fail, with the secret, as a DN that does not exist under
//     base_dn, so an unknown user id costs the same round trips as a wrong secret; kRejected
//     "unknown_user". Two entries: the same, kRejected "ambiguous_user", logged as a directory
//     problem (the filter does not name one entry).
//  5. every check then takes at least min_duration_ms (a floor for what the round trips leave).
// An empty secret is never sent (an empty simple bind is an unauthenticated bind that
// "succeeds"): kRejected "empty_secret". Anything else that goes wrong (no connection, TLS
// refused, the service account refused, a timeout, another result code) is kUnavailable naming
// the step and libldap's message, never the secret. The whole check is bounded by timeout_ms
// (each step gets what is left: LDAP_OPT_NETWORK_TIMEOUT for the connection, LDAP_OPT_TIMEOUT
// for each operation).
//
// Connections: one per check, closed at its end (measured in docs/VOICE_LOGIN.md: a check is a
// few milliseconds on loopback, TLS included, small beside the timeout); no connection is ever
// shared between threads. Thread-safe: libldap 2.5 is reentrant for separate handles, and the
// TLS settings are applied once, at construction, to libldap's global options (so construct
// verifiers before any check runs, as the wiring does at start-up).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "adapters/identity/ldap/ldap_options.h"
#include "common/result.h"
#include "core/credential_verifier.h"

namespace callgate {

inline constexpr std::string_view kLdapVerifierName = "ldap";

class LdapCredentialVerifier final : public CredentialVerifier {
 public:
  // Applies the TLS options; kInvalidArgument when libldap refuses them (a CA file it cannot
  // load).
  static Result<std::unique_ptr<LdapCredentialVerifier>> create(LdapVerifierOptions options);

  std::string_view name() const override { return kLdapVerifierName; }
  Result<CredentialCheck> verify(std::string_view userId, std::string_view secret) override;

 private:
  explicit LdapCredentialVerifier(LdapVerifierOptions options);
  Result<CredentialCheck> check(std::string_view userId, std::string_view secret);

  const LdapVerifierOptions options_;
  // The DN the bind that must fail uses: under base_dn, named so no entry can have it.
  const std::string absentDn_;
};

}  // namespace callgate
