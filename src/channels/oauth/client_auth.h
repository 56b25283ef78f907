// OAuth 2.0 client authentication with HTTP Basic (RFC 6749 §2.3.1, "client_secret_basic"):
// `Authorization: Basic base64(urlencode(client_id) ":" urlencode(client_secret))`, checked
// against the [oauth.clients] table of the config.
//
// Secrets are kept only as keyed BLAKE2b digests (a per-process random key) and compared with
// sodium_memcmp, so the comparison takes the same time wherever the secrets differ and whatever
// their lengths; an unknown client id is compared against a dummy digest so it costs the same.
// Immutable after construction; thread-safe.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace callgate::oauth {

class ClientAuthenticator {
 public:
  // client id -> secret.
  explicit ClientAuthenticator(const std::map<std::string, std::string>& clients);

  // The authenticated client id, or nullopt for a missing, malformed or wrong credential.
  std::optional<std::string> authenticate(std::string_view authorizationHeader) const;

  bool empty() const { return digests_.empty(); }

 private:
  using Digest = std::array<unsigned char, 32>;
  Digest digest(std::string_view secret) const;

  std::array<unsigned char, 32> key_{};
  std::map<std::string, Digest, std::less<>> digests_;
  Digest dummy_{};
};

}  // namespace callgate::oauth
