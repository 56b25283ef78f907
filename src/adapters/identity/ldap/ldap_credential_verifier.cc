#include "adapters/identity/ldap/ldap_credential_verifier.h"

#include <ldap.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <thread>
#include <vector>

#include "adapters/identity/ldap/ldap_filter.h"
#include "core/customer.h"
#include "core/phone.h"

namespace callgate {

namespace {

using SteadyClock = std::chrono::steady_clock;

// One connection, unbound and freed at scope exit.
struct Handle {
  LDAP* ld = nullptr;
  ~Handle() {
    if (ld != nullptr) ldap_unbind_ext_s(ld, nullptr, nullptr);
  }
};

struct Message {
  LDAPMessage* msg = nullptr;
  ~Message() {
    if (msg != nullptr) ldap_msgfree(msg);
  }
};

// libldap's text for `rc`, plus the server's diagnostic message when there is one. Neither
// ever holds the secret (a bind's diagnostic is the server's words about the bind).
std::string describe(LDAP* ld, int rc) {
  std::string text = ldap_err2string(rc);
  char* diagnostic = nullptr;
  if (ld != nullptr && ldap_get_option(ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diagnostic) == 0 &&
      diagnostic != nullptr) {
    // libldap leaves "(unknown error code)" there after some TLS failures: nothing to add.
    const std::string_view said(diagnostic);
    if (!said.empty() && said != "(unknown error code)") text += " (" + std::string(said) + ")";
    ldap_memfree(diagnostic);
  }
  return text + " [" + std::to_string(rc) + "]";
}

class Deadline {
 public:
  explicit Deadline(int timeoutMs)
      : end_(SteadyClock::now() + std::chrono::milliseconds(timeoutMs)) {}
  // What is left, at least 1 ms (0 would mean "no limit" to libldap).
  timeval left() const {
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(end_ - SteadyClock::now());
    const int64_t n = std::max<int64_t>(ms.count(), 1);
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(n / 1000);
    tv.tv_usec = static_cast<suseconds_t>((n % 1000) * 1000);
    return tv;
  }
  bool passed() const { return SteadyClock::now() >= end_; }

 private:
  SteadyClock::time_point end_;
};

// Gives the next operation on `ld` what is left of the deadline.
void limit(LDAP* ld, const Deadline& deadline) {
  timeval tv = deadline.left();
  ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &tv);
  ldap_set_option(ld, LDAP_OPT_TIMEOUT, &tv);
}

int simpleBind(LDAP* ld, const std::string& dn, std::string_view password,
               const Deadline& deadline) {
  limit(ld, deadline);
  berval cred{};
  cred.bv_val = const_cast<char*>(password.data());
  cred.bv_len = password.size();
  return ldap_sasl_bind_s(ld, dn.c_str(), LDAP_SASL_SIMPLE, &cred, nullptr, nullptr, nullptr);
}

std::string firstValue(LDAP* ld, LDAPMessage* entry, const std::string& attribute) {
  if (attribute.empty()) return {};
  berval** values = ldap_get_values_len(ld, entry, attribute.c_str());
  if (values == nullptr) return {};
  std::string out;
  if (values[0] != nullptr) out.assign(values[0]->bv_val, values[0]->bv_len);
  ldap_value_free_len(values);
  return out;
}

// The first value of the phone attributes (in their order) that is a valid number, as E.164.
std::string phoneOf(LDAP* ld, LDAPMessage* entry, const LdapVerifierOptions& o,
                    const std::string& dn) {
  for (const std::string& attribute : o.phoneAttributes) {
    berval** values = ldap_get_values_len(ld, entry, attribute.c_str());
    if (values == nullptr) continue;
    std::string found;
    for (int i = 0; values[i] != nullptr && found.empty(); ++i) {
      auto e164 =
          normalizeE164(std::string_view(values[i]->bv_val, values[i]->bv_len), o.phoneRegion);
      if (e164.ok()) found = *e164;
    }
    ldap_value_free_len(values);
    if (!found.empty()) return found;
  }
  spdlog::warn("event=ldap_entry_without_phone dn=\"{}\"", dn);
  return {};
}

Error failed(const char* step, LDAP* ld, int rc) {
  return Error::unavailable(std::string("LDAP ") + step + ": " + describe(ld, rc));
}

}  // namespace

Result<std::unique_ptr<LdapCredentialVerifier>> LdapCredentialVerifier::create(
    LdapVerifierOptions options) {
  // TLS settings on libldap's global options, inherited by every handle made after them: the
  // certificate is always checked (whatever ldap.conf or ~/.ldaprc say), against ca_file when set.
  int demand = LDAP_OPT_X_TLS_DEMAND;
  if (int rc = ldap_set_option(nullptr, LDAP_OPT_X_TLS_REQUIRE_CERT, &demand); rc != 0) {
    return Error::invalidArgument("credentials.ldap: cannot require TLS certificates: " +
                                  std::string(ldap_err2string(rc)));
  }
  if (!options.caFile.empty()) {
    if (int rc = ldap_set_option(nullptr, LDAP_OPT_X_TLS_CACERTFILE, options.caFile.c_str());
        rc != 0) {
      return Error::invalidArgument("credentials.ldap.ca_file: " +
                                    std::string(ldap_err2string(rc)));
    }
  }
  int server = 0;
  if (int rc = ldap_set_option(nullptr, LDAP_OPT_X_TLS_NEWCTX, &server); rc != 0) {
    return Error::invalidArgument(
        "credentials.ldap: the TLS settings do not load (ca_file " +
        (options.caFile.empty() ? std::string("of the system") : options.caFile) +
        "): " + ldap_err2string(rc));
  }
  return std::unique_ptr<LdapCredentialVerifier>(new LdapCredentialVerifier(std::move(options)));
}

LdapCredentialVerifier::LdapCredentialVerifier(LdapVerifierOptions options)
    : options_(std::move(options)), absentDn_("cn=callgate-absent-entry," + options_.baseDn) {}

Result<CredentialCheck> LdapCredentialVerifier::verify(std::string_view userId,
                                                       std::string_view secret) {
  const auto start = SteadyClock::now();
  Result<CredentialCheck> result = check(userId, secret);
  // The floor applies to answers, not to errors: an outage is not an oracle worth hiding, and a
  // caller waiting on a dead directory has waited long enough.
  if (result.ok() && options_.minDurationMs > 0) {
    std::this_thread::sleep_until(start + std::chrono::milliseconds(options_.minDurationMs));
  }
  return result;
}

Result<CredentialCheck> LdapCredentialVerifier::check(std::string_view userIdView,
                                                      std::string_view secret) {
  CredentialCheck check;
  if (secret.empty()) {
    check.detail = "empty_secret";
    return check;
  }
  const std::string userId(userIdView);
  const Deadline deadline(options_.timeoutMs);

  Handle h;
  if (int rc = ldap_initialize(&h.ld, options_.url.c_str()); rc != LDAP_SUCCESS) {
    return failed("initialize", nullptr, rc);
  }
  int version = LDAP_VERSION3;
  ldap_set_option(h.ld, LDAP_OPT_PROTOCOL_VERSION, &version);
  ldap_set_option(h.ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);  // never bind anywhere else
  if (options_.startTls) {
    limit(h.ld, deadline);
    if (int rc = ldap_start_tls_s(h.ld, nullptr, nullptr); rc != LDAP_SUCCESS) {
      return failed("StartTLS", h.ld, rc);
    }
  }
  // The service account searches (anonymously when none is configured).
  if (int rc = simpleBind(h.ld, options_.bindDn, options_.bindPassword, deadline);
      rc != LDAP_SUCCESS) {
    return failed("service account bind", h.ld, rc);
  }

  std::vector<std::string> names = options_.phoneAttributes;
  for (const std::string* a : {&options_.firstNameAttribute, &options_.lastNameAttribute,
                               &options_.languageAttribute, &options_.levelAttribute}) {
    if (!a->empty()) names.push_back(*a);
  }
  std::vector<char*> attributes;
  for (std::string& n : names) attributes.push_back(n.data());
  attributes.push_back(nullptr);
  const std::string filter = expandLdapFilter(options_.filter, userId);
  Message found;
  timeval searchLimit = deadline.left();
  limit(h.ld, deadline);
  const int rc =
      ldap_search_ext_s(h.ld, options_.baseDn.c_str(), LDAP_SCOPE_SUBTREE, filter.c_str(),
                        attributes.data(), 0, nullptr, nullptr, &searchLimit, 2, &found.msg);
  if (rc != LDAP_SUCCESS && rc != LDAP_SIZELIMIT_EXCEEDED) return failed("search", h.ld, rc);
  const int entries = ldap_count_entries(h.ld, found.msg);
  LDAPMessage* entry = entries == 1 ? ldap_first_entry(h.ld, found.msg) : nullptr;
  std::string dn;
  if (entry != nullptr) {
    char* text = ldap_get_dn(h.ld, entry);
    if (text != nullptr) {
      dn = text;
      ldap_memfree(text);
    }
  }

  if (dn.empty()) {
    if (entries > 1 || rc == LDAP_SIZELIMIT_EXCEEDED) {
      spdlog::error(
          "event=ldap_ambiguous_user base_dn=\"{}\" filter=\"{}\": more than one entry matches; "
          "the filter must name one entry per user id",
          options_.baseDn, filter);
      check.detail = "ambiguous_user";
    } else {
      check.detail = "unknown_user";
    }
    // The same round trip a wrong secret costs: a bind that cannot succeed.
    const int absent = simpleBind(h.ld, absentDn_, secret, deadline);
    if (absent == LDAP_SUCCESS) {
      // Only a directory that accepts binds for any name does this: it must not be trusted.
      return Error::unavailable("LDAP: the directory accepted a bind as " + absentDn_ +
                                ", which does not exist; refusing to use it");
    }
    // invalidCredentials, as RFC 4513 5.1.2 asks (OpenLDAP, Active Directory); some servers say
    // noSuchObject. Anything else is the directory failing.
    if (absent != LDAP_INVALID_CREDENTIALS && absent != LDAP_NO_SUCH_OBJECT) {
      return failed("bind", h.ld, absent);
    }
    return check;
  }

  const int bound = simpleBind(h.ld, dn, secret, deadline);
  if (bound == LDAP_INVALID_CREDENTIALS) {
    check.detail = "wrong_secret";
    return check;
  }
  if (bound != LDAP_SUCCESS) return failed("user bind", h.ld, bound);

  check.outcome = CredentialOutcome::kVerified;
  VerifiedIdentity& id = check.identity;
  id.userId = userId;
  id.subject = dn;
  id.phone = phoneOf(h.ld, entry, options_, dn);
  id.firstName = firstValue(h.ld, entry, options_.firstNameAttribute);
  id.lastName = firstValue(h.ld, entry, options_.lastNameAttribute);
  id.level = firstValue(h.ld, entry, options_.levelAttribute);
  const std::string language = firstValue(h.ld, entry, options_.languageAttribute);
  // preferredLanguage may hold an RFC 2068 list ("en-GB, en;q=0.8"): the first tag, if it is one.
  const std::string first = language.substr(0, language.find_first_of(",; "));
  if (isLanguageTag(first)) id.language = first;
  return check;
}

}  // namespace callgate
