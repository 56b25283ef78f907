// LdapVerifierOptions: how the LDAP / Active Directory credential verifier reaches and reads the
// directory ([credentials.ldap], docs/VOICE_LOGIN.md "Directories"). Plain value type, read once
// at start-up; app/config reads and checks it, adapters/identity/ldap uses it.
#pragma once

#include <string>
#include <vector>

namespace callgate {

struct LdapVerifierOptions {
  // One or more URLs, space-separated (libldap tries them in order): ldap://HOST[:PORT] or
  // ldaps://HOST[:PORT]. Plain ldap:// without starttls only to a loopback host unless
  // allowInsecure.
  std::string url;
  bool startTls = false;       // StartTLS (RFC 4513) on ldap:// before any bind
  std::string caFile;          // PEM CA bundle for the server certificate; "" = the system's
  bool allowInsecure = false;  // allow plain ldap:// (no TLS) to a host that is not loopback
  // The service account that searches (simple bind). Both "" = an anonymous search.
  // bindPassword: CALLGATE_LDAP_BIND_PASSWORD wins over the file; never logged.
  std::string bindDn;
  std::string bindPassword;
  std::string baseDn;
  // The search filter; {user} is replaced by the user id, escaped per RFC 4515.
  // Active Directory: "(&(objectClass=user)(sAMAccountName={user}))".
  std::string filter = "(uid={user})";
  // Attributes read from the entry. The first phone attribute that holds a valid number wins.
  std::vector<std::string> phoneAttributes{"telephoneNumber", "mobile"};
  std::string firstNameAttribute = "givenName";
  std::string lastNameAttribute = "sn";
  std::string languageAttribute = "preferredLanguage";
  std::string levelAttribute;  // "" = none (the customer store's custLevel, if any)
  // Region for numbers written without a country code ("(415) 555-0100" with "US"); "" = the
  // directory must hold E.164 / international numbers.
  std::string phoneRegion;
  // Every check takes at least this long (unknown user ids and wrong secrets alike); 0 = no
  // floor. See docs/VOICE_LOGIN.md for what was measured.
  int minDurationMs = 0;
  // The whole check (connect, StartTLS, both binds, the search) must finish within this:
  // [credentials] timeout_ms.
  int timeoutMs = 3000;
};

}  // namespace callgate
