#include "adapters/sms/kannel/kannel_dlr_token.h"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

#include "adapters/security/crypto/sodium_init.h"

namespace callgate {

namespace {
constexpr std::string_view kKeyLabel = "callgate-kannel-dlr-key-v1";
constexpr std::string_view kTokenLabel = "callgate-kannel-dlr-v1|";
}  // namespace

KannelDlrToken::KannelDlrToken(std::string_view secret) {
  if (Status s = ensureSodiumInitialized(); !s.ok()) {
    std::fprintf(stderr, "callgate: %s\n", s.error().toString().c_str());
    std::abort();
  }
  static_assert(sizeof key_ == crypto_auth_hmacsha256_BYTES);
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()),
                              secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(kKeyLabel.data()),
                                kKeyLabel.size());
  crypto_auth_hmacsha256_final(&state, key_);
  sodium_memzero(&state, sizeof state);
}

KannelDlrToken::~KannelDlrToken() { sodium_memzero(key_, sizeof key_); }

std::string KannelDlrToken::tokenFor(std::string_view messageId) const {
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, key_, sizeof key_);
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(kTokenLabel.data()),
                                kTokenLabel.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(messageId.data()),
                                messageId.size());
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&state, mac);
  sodium_memzero(&state, sizeof state);
  char hex[sizeof mac * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  return std::string(hex, sizeof mac * 2);
}

bool KannelDlrToken::verify(std::string_view messageId, std::string_view token) const {
  const std::string expected = tokenFor(messageId);
  if (token.size() != expected.size()) return false;
  return sodium_memcmp(expected.data(), token.data(), expected.size()) == 0;
}

}  // namespace callgate
