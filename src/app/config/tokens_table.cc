// [tokens] (the access tokens minted for single-use links) and [oauth.clients] (who may
// introspect and revoke them).

#include "app/config/config_tables.h"
#include "core/access_token.h"
#include "core/verdict_token.h"

namespace callgate::app::detail {

Status readTokensTable(TableReader& t, Config& c) {
  t.str("issuer", c.tokens.issuer);
  t.str("audience", c.tokens.audience);
  t.seconds("ttl_seconds", c.tokens.ttl, 1, static_cast<int>(kMaxTokenLifetime.count()));
  t.str("key_file", c.tokenKeys.path);
  t.seconds("verdict_ttl_seconds", c.verdictTtl, 1, static_cast<int>(kMaxVerdictLifetime.count()));
  t.boolean("verdict_full_caller_number", c.verdictFullCallerNumber);
  return t.finish();
}

// [oauth] holds only the [oauth.clients] table of client id = "secret" strings.
Status readOAuthTable(TableReader& t, std::map<std::string, std::string>& clients) {
  TableReader c = t.sub("clients");
  c.allStrings(clients);
  if (auto s = t.finish(); !s.ok()) return s;
  return c.finish();
}

Status validateTokens(TokenServiceOptions& tokens, const token::KeyRingOptions& keys,
                      const std::string& publicBaseUrl,
                      const std::map<std::string, std::string>& oauthClients) {
  if (tokens.issuer.empty()) tokens.issuer = publicBaseUrl;
  const std::string& iss = tokens.issuer;
  const bool scheme = iss.rfind("https://", 0) == 0 || iss.rfind("http://", 0) == 0;
  if (!scheme || iss.back() == '/' || iss.find_first_of("?# \t\r\n\"\\") != std::string::npos ||
      iss.size() > 200) {
    return Error::invalidArgument(
        "tokens.issuer must be an http(s) URL without a trailing slash, query or fragment");
  }
  if (tokens.audience.empty() || tokens.audience.size() > 200 ||
      tokens.audience.find_first_of("\"\\\r\n") != std::string::npos) {
    return Error::invalidArgument(
        "tokens.audience must be a non-empty string without quotes or newlines");
  }
  if (keys.path.empty()) return Error::invalidArgument("tokens.key_file is empty");
  for (const auto& [id, secret] : oauthClients) {
    const bool idOk = !id.empty() && id.size() <= 64 &&
                      id.find_first_not_of(
                          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~-") ==
                          std::string::npos;
    if (!idOk) {
      return Error::invalidArgument("oauth.clients: client id '" + id +
                                    "' must be 1-64 letters, digits or . _ ~ -");
    }
    if (secret.size() < 16 || secret.size() > 256) {
      return Error::invalidArgument("oauth.clients." + id +
                                    ": the secret must be 16-256 characters");
    }
  }
  return okStatus();
}

}  // namespace callgate::app::detail
