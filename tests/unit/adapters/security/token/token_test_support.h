// Test support for the token adapter tests: a TokenService over a key ring in an in-memory
// signing-key store (sealed with a fixed test OTP secret), a fake clock, the real CSPRNG
// (distinct keys and jtis) and the in-memory token-state store, plus a helper that signs
// arbitrary header/payload JSON with a ring key, to forge tokens. The temp dir is for legacy key
// files to import.
#pragma once

#include <gtest/gtest.h>
#include <sodium.h>

#include <memory>
#include <string>
#include <string_view>

#include "adapters/security/crypto/sodium_random.h"
#include "adapters/security/token/base64url.h"
#include "adapters/security/token/key_ring.h"
#include "adapters/security/token/token_service.h"
#include "fakes/fakes.h"
#include "fakes/in_memory_cluster_state.h"
#include "fakes/temp_dir.h"

namespace callgate::testing {

inline constexpr const char* kIssuer = "https://callgate.example";
inline constexpr const char* kScope = "account:add_member";
// A 32-byte OTP secret, the key the ring's seeds are sealed with.
inline const std::string kOtpSecret(32, '\x5a');

// Signs "b64(header).b64(payload)" with `key` exactly as given (no checks), for forgeries.
inline std::string signRaw(std::string_view headerJson, std::string_view payloadJson,
                           const token::Ed25519Key& key) {
  std::string jwt = token::base64UrlEncode(headerJson) + "." + token::base64UrlEncode(payloadJson);
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(jwt.data()), jwt.size(),
                       key.secretKey.data());
  return jwt + "." +
         token::base64UrlEncode(std::string_view(reinterpret_cast<const char*>(sig), sizeof sig));
}

class TokenFixture : public ::testing::Test {
 protected:
  void SetUp() override { ring_ = openRing(store_); }

  // A ring over `store` (as another node or the CLI would open it), importing `legacyPath` if the
  // store is empty and that file exists.
  std::unique_ptr<token::KeyRing> openRing(SigningKeyStore& store,
                                           const std::string& legacyPath = "",
                                           const std::string& secret = kOtpSecret) {
    token::KeyRingOptions options;
    options.path = legacyPath.empty() ? dir_.file("absent/jwt-keys.json") : legacyPath;
    auto ring = token::KeyRing::open(options, store, secret, clock_, random_);
    EXPECT_TRUE(ring.ok()) << (ring.ok() ? "" : ring.error().toString());
    return ring.ok() ? std::move(*ring) : nullptr;
  }

  std::unique_ptr<TokenService> service(token::KeyRing& ring, std::string issuer = kIssuer,
                                        std::string audience = "callgate-api") {
    TokenServiceOptions options;
    options.issuer = std::move(issuer);
    options.audience = std::move(audience);
    options.ttl = Seconds(300);
    return std::make_unique<TokenService>(ring, states_, random_, clock_, options);
  }

  TokenService& tokens() {
    if (!tokens_) tokens_ = service(*ring_);
    return *tokens_;
  }

  std::string mint(const std::string& subject = "12345678", const std::string& scope = kScope) {
    auto t = tokens().issue(subject, scope, {"pin", "sms"});
    EXPECT_TRUE(t.ok()) << (t.ok() ? "" : t.error().toString());
    return t.ok() ? t->jwt : "";
  }

  TempDir dir_;
  FakeClock clock_;
  SodiumRandom random_;
  InMemoryTokenStateStore states_;
  InMemorySigningKeyStore store_;
  std::unique_ptr<token::KeyRing> ring_;
  std::unique_ptr<TokenService> tokens_;
};

}  // namespace callgate::testing
