// Fuzz target: a bearer token as it arrives in an Authorization header (adapters/security/token):
// verifySignedToken against a fixed key, and its two parsers on the raw input. The input is also
// signed as a token payload with the same key, so the claims parser is reached past the
// signature check the way a token callgate minted would reach it. Invariant: claims that parse,
// minted again with signAccessToken, verify to the same claims.
#include "adapters/security/token/jwt.h"

#include <sodium.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/security/token/base64url.h"
#include "adapters/security/token/key_set.h"
#include "core/access_token.h"

namespace token = callgate::token;

namespace {

struct Fixture {
  token::Ed25519Key key;
  std::unique_ptr<token::KeySet> keys;
  callgate::TimePoint now;

  Fixture() {
    if (sodium_init() < 0) std::abort();
    std::array<unsigned char, token::kEd25519SeedBytes> seed{};
    for (size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<unsigned char>(i * 7 + 1);
    const callgate::TimePoint created{std::chrono::seconds(1796083200)};  // 2026-12-01
    auto made = token::keyFromSeed(seed, created);
    if (!made) std::abort();
    key = *made;
    keys = std::make_unique<token::KeySet>(std::vector<token::Ed25519Key>{key},
                                           callgate::Seconds(3600));
    now = created + std::chrono::seconds(60);
  }
};

bool sameClaims(const callgate::AccessTokenClaims& a, const callgate::AccessTokenClaims& b) {
  return a.issuer == b.issuer && a.subject == b.subject && a.audience == b.audience &&
         a.scope == b.scope && a.jti == b.jti && a.amr == b.amr && a.issuedAt == b.issuedAt &&
         a.expiresAt == b.expiresAt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Fixture fixture;
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  (void)token::verifySignedToken(input, *fixture.keys, fixture.now);
  (void)token::parseJwtHeader(input);

  // The input as the payload of a token signed by our key.
  std::string jwt = fixture.key.encodedHeader + ".";
  token::appendBase64Url(jwt, input.data(), input.size());
  unsigned char signature[token::kEd25519SignatureBytes];
  crypto_sign_detached(signature, nullptr, reinterpret_cast<const unsigned char*>(jwt.data()),
                       jwt.size(), fixture.key.secretKey.data());
  jwt.push_back('.');
  token::appendBase64Url(jwt, signature, sizeof signature);
  auto claims = token::verifySignedToken(jwt, *fixture.keys, fixture.now);
  auto direct = token::parseClaimsJson(input);
  if (claims.ok() != direct.ok() && jwt.size() <= token::kMaxJwtBytes) std::abort();
  if (!direct) return 0;

  const callgate::TokenPolicy policy{"https://callgate.example", "callgate", callgate::Seconds(5)};
  (void)callgate::checkTokenClaims(*direct, policy, fixture.now);
  auto again = token::verifySignedToken(token::signAccessToken(*direct, fixture.key), *fixture.keys,
                                        fixture.now);
  if (again.ok() ? !sameClaims(*again, *direct) : true) {
    // Only a token too large for the verifier may fail.
    std::string payload;
    token::appendClaimsJson(payload, *direct);
    if (again.ok() || payload.size() < token::kMaxJwtBytes / 2) std::abort();
  }
  return 0;
}
