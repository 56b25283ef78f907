// [credentials.oidc] and [credentials.cognito]: the options of the OpenID Connect password-grant
// and Amazon Cognito USER_PASSWORD_AUTH verifiers (adapters/identity/oidc, adapters/identity/
// cognito), read by key (an unknown key is an error), and their check when chosen. The client
// secrets may come from the environment (CALLGATE_OIDC_CLIENT_SECRET,
// CALLGATE_COGNITO_CLIENT_SECRET), which wins over the file; no message ever echoes one.

#include <cstdlib>
#include <fstream>

#include "app/config/config_tables.h"

namespace callgate::app::detail {

namespace {

void readClaimMapping(TableReader& t, identity::IdentityMapping& m) {
  t.str("subject_claim", m.subjectClaim);
  t.str("phone_claim", m.phoneClaim);
  t.str("phone_verified_claim", m.phoneVerifiedClaim);
  t.str("first_name_claim", m.firstNameClaim);
  t.str("last_name_claim", m.lastNameClaim);
  t.str("language_claim", m.languageClaim);
  t.str("level_claim", m.levelClaim);
  t.str("phone_region", m.defaultRegion);
}

Status checkClaimMapping(const char* table, const identity::IdentityMapping& m) {
  const auto bad = [table](const char* key, const std::string& what) {
    return Error::invalidArgument(std::string("credentials.") + table + "." + key + " " + what);
  };
  if (m.subjectClaim.empty()) return bad("subject_claim", "must name a claim");
  if (m.phoneClaim.empty()) return bad("phone_claim", "must name a claim");
  if (!m.defaultRegion.empty() &&
      (m.defaultRegion.size() != 2 ||
       m.defaultRegion.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos)) {
    return bad("phone_region",
               "must be an ISO 3166-1 alpha-2 code such as \"US\" (got '" + m.defaultRegion + "')");
  }
  return okStatus();
}

Status checkCaFile(const char* table, const std::string& caFile) {
  if (!caFile.empty() && !std::ifstream(caFile)) {
    return Error::invalidArgument(std::string("credentials.") + table +
                                  ".ca_file cannot be read: " + caFile);
  }
  return okStatus();
}

}  // namespace

Status readOidcTable(TableReader& t, identity::OidcVerifierConfig& o) {
  t.str("issuer", o.issuer);
  t.str("client_id", o.clientId);
  t.str("client_secret", o.clientSecret);
  std::string clientAuth;
  t.str("client_auth", clientAuth);
  t.str("token_endpoint", o.tokenEndpoint);
  t.str("jwks_uri", o.jwksUri);
  t.str("scope", o.scope);
  t.stringList("id_token_algorithms", o.algorithms);
  t.seconds("leeway_seconds", o.leeway, 0, 300);
  t.boolean("allow_insecure", o.allowInsecure);
  t.str("ca_file", o.caFile);
  t.seconds("discovery_max_age_seconds", o.discoveryMaxAge, 60, 86400);
  t.seconds("jwks_max_age_seconds", o.jwksMaxAge, 60, 86400);
  t.seconds("jwks_min_refetch_seconds", o.jwksMinRefetchInterval, 1, 3600);
  readClaimMapping(t, o.mapping);
  if (Status s = t.finish(); !s.ok()) return s;
  if (!clientAuth.empty()) {
    const auto auth = identity::parseOidcClientAuth(clientAuth);
    if (!auth) {
      return t.invalid("client_auth",
                       "must be client_secret_basic, client_secret_post or none (got '" +
                           clientAuth.substr(0, 40) + "')");
    }
    o.clientAuth = *auth;
  }
  return okStatus();
}

Status readCognitoTable(TableReader& t, identity::CognitoVerifierConfig& c) {
  t.str("region", c.region);
  t.str("user_pool_id", c.userPoolId);
  t.str("client_id", c.clientId);
  t.str("client_secret", c.clientSecret);
  t.str("endpoint", c.endpoint);
  t.str("jwks_uri", c.jwksUri);
  t.seconds("leeway_seconds", c.leeway, 0, 300);
  t.boolean("allow_insecure", c.allowInsecure);
  t.str("ca_file", c.caFile);
  t.seconds("jwks_max_age_seconds", c.jwksMaxAge, 60, 86400);
  t.seconds("jwks_min_refetch_seconds", c.jwksMinRefetchInterval, 1, 3600);
  readClaimMapping(t, c.mapping);
  return t.finish();
}

Status resolveOidcOptions(identity::OidcVerifierConfig& o, int timeoutMs, bool chosen) {
  o.timeout = Millis(timeoutMs);
  if (const char* secret = std::getenv("CALLGATE_OIDC_CLIENT_SECRET"); secret && *secret) {
    o.clientSecret = secret;
  }
  if (!chosen) return okStatus();
  if (Status s = identity::validateOidcConfig(o); !s.ok()) return s;
  if (Status s = checkClaimMapping("oidc", o.mapping); !s.ok()) return s;
  return checkCaFile("oidc", o.caFile);
}

Status resolveCognitoOptions(identity::CognitoVerifierConfig& c, int timeoutMs, bool chosen) {
  c.timeout = Millis(timeoutMs);
  if (const char* secret = std::getenv("CALLGATE_COGNITO_CLIENT_SECRET"); secret && *secret) {
    c.clientSecret = secret;
  }
  if (!chosen) return okStatus();
  if (Status s = identity::validateCognitoConfig(c); !s.ok()) return s;
  if (Status s = checkClaimMapping("cognito", c.mapping); !s.ok()) return s;
  return checkCaFile("cognito", c.caFile);
}

}  // namespace callgate::app::detail
