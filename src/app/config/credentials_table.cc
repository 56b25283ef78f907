// [credentials]: who checks verify-pin's user id and PIN (core/credential_verifier.h), and one
// table per verifier: [credentials.ldap] here; [credentials.oidc] and [credentials.cognito] in
// credentials_idp_tables.cc.

#include <cstdlib>
#include <fstream>

#include "app/config/config_tables.h"

namespace callgate::app::detail {

namespace {

// An attribute description as RFC 4512 writes one: a name (letter, then letters, digits,
// hyphens) or a numeric OID.
bool isAttributeName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  const auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (letter(name[0])) {
    for (char c : name) {
      if (!letter(c) && !digit(c) && c != '-') return false;
    }
    return true;
  }
  for (char c : name) {
    if (!digit(c) && c != '.') return false;
  }
  return true;
}

bool isLoopbackHost(std::string host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

// One URL of `url`: ldap:// or ldaps://, a host, an optional port, nothing after but "/".
Status checkLdapUrl(const std::string& url, const LdapVerifierOptions& o) {
  const bool ldaps = url.rfind("ldaps://", 0) == 0;
  if (!ldaps && url.rfind("ldap://", 0) != 0) {
    return Error::invalidArgument("must be ldap://HOST[:PORT] or ldaps://HOST[:PORT] (got '" + url +
                                  "')");
  }
  std::string rest = url.substr(ldaps ? 8 : 7);
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest.find_first_of("/?#@ ") != std::string::npos) {
    return Error::invalidArgument("must name only a host and port (got '" + url + "')");
  }
  std::string host = rest;
  if (!rest.empty() && rest.front() == '[') {
    const auto close = rest.find(']');
    if (close == std::string::npos)
      return Error::invalidArgument("has a bad host in '" + url + "'");
    host = rest.substr(0, close + 1);
    rest = rest.substr(close + 1);
  } else if (const auto colon = rest.find(':'); colon != std::string::npos) {
    host = rest.substr(0, colon);
    rest = rest.substr(colon);
  } else {
    rest.clear();
  }
  if (host.empty()) return Error::invalidArgument("has no host (got '" + url + "')");
  if (!rest.empty()) {
    const std::string port = rest.substr(1);
    if (rest[0] != ':' || port.empty() || port.size() > 5 ||
        port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) < 1 ||
        std::stoi(port) > 65535) {
      return Error::invalidArgument("has no valid port (got '" + url + "')");
    }
  }
  if (ldaps && o.startTls) {
    return Error::invalidArgument("is ldaps:// (TLS from the start): starttls is for ldap://");
  }
  if (!ldaps && !o.startTls && !o.allowInsecure && !isLoopbackHost(host)) {
    return Error::invalidArgument(
        "is plain ldap:// to a host that is not loopback, which would send PINs in the clear: "
        "use ldaps://, starttls = true, or allow_insecure = true (got '" +
        url + "')");
  }
  return okStatus();
}

Status checkLdapOptions(const LdapVerifierOptions& o) {
  const auto bad = [](const char* key, const std::string& what) {
    return Error::invalidArgument(std::string("credentials.ldap.") + key + " " + what);
  };
  if (o.url.empty()) return bad("url", "is required with verifier = \"ldap\"");
  size_t start = 0;
  while (start < o.url.size()) {
    size_t end = o.url.find(' ', start);
    if (end == std::string::npos) end = o.url.size();
    if (end > start) {
      if (Status s = checkLdapUrl(o.url.substr(start, end - start), o); !s.ok()) {
        return bad("url", s.error().message());
      }
    }
    start = end + 1;
  }
  if (o.baseDn.empty()) return bad("base_dn", "is required with verifier = \"ldap\"");
  if (o.filter.size() < 2 || o.filter.front() != '(' || o.filter.back() != ')' ||
      o.filter.find("{user}") == std::string::npos) {
    return bad("filter",
               "must be a parenthesised LDAP filter holding {user} (got '" + o.filter + "')");
  }
  int depth = 0;
  for (char c : o.filter) {
    depth += c == '(' ? 1 : c == ')' ? -1 : 0;
    if (depth < 0) break;
  }
  if (depth != 0) return bad("filter", "has unbalanced parentheses (got '" + o.filter + "')");
  if (!o.bindDn.empty() && o.bindPassword.empty()) {
    return bad("bind_password",
               "(or CALLGATE_LDAP_BIND_PASSWORD) is required with bind_dn: an empty password "
               "is an unauthenticated bind");
  }
  if (o.bindDn.empty() && !o.bindPassword.empty()) {
    return bad("bind_dn", "is required with a bind password");
  }
  if (o.phoneAttributes.empty()) return bad("phone_attributes", "must name at least one attribute");
  for (const std::string& a : o.phoneAttributes) {
    if (!isAttributeName(a)) return bad("phone_attributes", "has a bad attribute name '" + a + "'");
  }
  const std::pair<const char*, const std::string*> named[] = {
      {"first_name_attribute", &o.firstNameAttribute},
      {"last_name_attribute", &o.lastNameAttribute},
      {"language_attribute", &o.languageAttribute},
      {"level_attribute", &o.levelAttribute}};
  for (const auto& [key, value] : named) {
    if (!value->empty() && !isAttributeName(*value)) {
      return bad(key, "is not an attribute name (got '" + *value + "')");
    }
  }
  if (!o.phoneRegion.empty() &&
      (o.phoneRegion.size() != 2 ||
       o.phoneRegion.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos)) {
    return bad("phone_region",
               "must be an ISO 3166-1 alpha-2 code such as \"US\" (got '" + o.phoneRegion + "')");
  }
  if (o.minDurationMs >= o.timeoutMs) {
    return bad("min_duration_ms", "must be below credentials.timeout_ms");
  }
  if (!o.caFile.empty() && !std::ifstream(o.caFile)) {
    return bad("ca_file", "cannot be read: " + o.caFile);
  }
  return okStatus();
}

}  // namespace

Status readLdapTable(TableReader& t, LdapVerifierOptions& ldap) {
  t.str("url", ldap.url);
  t.boolean("starttls", ldap.startTls);
  t.str("ca_file", ldap.caFile);
  t.boolean("allow_insecure", ldap.allowInsecure);
  t.str("bind_dn", ldap.bindDn);
  t.str("bind_password", ldap.bindPassword);
  t.str("base_dn", ldap.baseDn);
  t.str("filter", ldap.filter);
  t.stringList("phone_attributes", ldap.phoneAttributes);
  t.str("first_name_attribute", ldap.firstNameAttribute);
  t.str("last_name_attribute", ldap.lastNameAttribute);
  t.str("language_attribute", ldap.languageAttribute);
  t.str("level_attribute", ldap.levelAttribute);
  t.str("phone_region", ldap.phoneRegion);
  t.integer("min_duration_ms", ldap.minDurationMs, 0, 10000);
  return t.finish();
}

Status readCredentialsTable(TableReader& t, CredentialsConfig& c) {
  t.choice("verifier", c.verifier, kCredentialVerifiers);
  t.integer("timeout_ms", c.timeoutMs, 100, 7000);
  TableReader ldap = t.sub("ldap");
  if (Status s = readLdapTable(ldap, c.ldap); !s.ok()) return s;
  TableReader oidc = t.sub("oidc");
  if (Status s = readOidcTable(oidc, c.oidc); !s.ok()) return s;
  TableReader cognito = t.sub("cognito");
  if (Status s = readCognitoTable(cognito, c.cognito); !s.ok()) return s;
  return t.finish();
}

}  // namespace callgate::app::detail

namespace callgate::app {

Status resolveCredentialsConfig(CredentialsConfig& c) {
  c.ldap.timeoutMs = c.timeoutMs;
  if (const char* password = std::getenv("CALLGATE_LDAP_BIND_PASSWORD"); password && *password) {
    c.ldap.bindPassword = password;
  }
  if (Status s = detail::resolveOidcOptions(c.oidc, c.timeoutMs,
                                            c.verifier == CredentialVerifierKind::kOidc);
      !s.ok()) {
    return s;
  }
  if (Status s = detail::resolveCognitoOptions(c.cognito, c.timeoutMs,
                                               c.verifier == CredentialVerifierKind::kCognito);
      !s.ok()) {
    return s;
  }
  switch (c.verifier) {
    case CredentialVerifierKind::kBuiltin:
      return okStatus();
    case CredentialVerifierKind::kLdap:
      return detail::checkLdapOptions(c.ldap);
    case CredentialVerifierKind::kOidc:
    case CredentialVerifierKind::kCognito:
      return okStatus();  // checked above (credentials_idp_tables.cc)
  }
  return okStatus();
}

}  // namespace callgate::app
