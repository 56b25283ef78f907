// Fuzz target: what an identity provider sends back (adapters/identity): the input as a JWK Set
// document (JwkSet::parse), as a compact JWS verified against a fixed key set (verifyJws,
// peekKid), and as ID-token claims (checkIdTokenClaims). The input is also signed as a token
// payload with the set's Ed25519 key, so the claims checks are reached past the signature the way
// an IdP's token reaches them. Invariants: a payload signed by the set's key verifies to exactly
// that payload (when the token fits the size limit); and a set parsed from the input can verify
// that token only if it holds the key (never "verified" by a set it did not come from).
#include "adapters/identity/id_token.h"

#include <sodium.h>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "adapters/identity/jose.h"

namespace identity = callgate::identity;

namespace {

std::string b64url(std::string_view bytes) {
  std::string out(sodium_base64_encoded_len(bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.pop_back();
  return out;
}

struct Fixture {
  std::array<unsigned char, crypto_sign_SECRETKEYBYTES> secret{};
  std::shared_ptr<const identity::JwkSet> keys;
  std::string header;

  Fixture() {
    if (sodium_init() < 0) std::abort();
    std::array<unsigned char, crypto_sign_SEEDBYTES> seed{};
    for (size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<unsigned char>(i * 5 + 3);
    std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> pk{};
    crypto_sign_seed_keypair(pk.data(), secret.data(), seed.data());
    const std::string x(reinterpret_cast<const char*>(pk.data()), pk.size());
    auto set = identity::JwkSet::parse(R"({"keys":[{"kty":"OKP","crv":"Ed25519","kid":"fz","x":")" +
                                       b64url(x) + R"("}]})");
    if (!set.ok()) std::abort();
    keys = *set;
    header = b64url(R"({"alg":"EdDSA","kid":"fz"})");
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Fixture fixture;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto& all = identity::supportedJwsAlgorithms();
  const identity::IdTokenExpectations expected{"https://idp.example", "callgate",
                                               callgate::Seconds(60), ""};
  const callgate::TimePoint now{std::chrono::seconds(1796083200)};

  (void)identity::peekKid(input);
  (void)identity::verifyJws(input, *fixture.keys, all);
  (void)identity::checkIdTokenClaims(input, expected, now);
  auto parsedSet = identity::JwkSet::parse(input);

  // The input as the payload of a token signed by the fixture's key.
  std::string jwt = fixture.header + "." + b64url(input);
  unsigned char signature[crypto_sign_BYTES];
  crypto_sign_detached(signature, nullptr, reinterpret_cast<const unsigned char*>(jwt.data()),
                       jwt.size(), fixture.secret.data());
  jwt += "." + b64url(std::string_view(reinterpret_cast<const char*>(signature), sizeof signature));
  auto verified = identity::verifyJws(jwt, *fixture.keys, all);
  // An empty payload is refused (never an ID token); every other one that fits must verify.
  if (!input.empty() && jwt.size() <= identity::kMaxIdTokenBytes) {
    if (!verified.ok() || verified->payload != input) std::abort();
    auto claims = identity::checkIdTokenClaims(verified->payload, expected, now);
    if (claims.ok()) {
      (void)identity::mapIdentity("12345678", *claims, identity::IdentityMapping{});
    }
  } else if (verified.ok()) {
    std::abort();  // empty or over the size limit: never verified
  }
  if (parsedSet.ok()) {
    auto other = identity::verifyJws(jwt, **parsedSet, all);
    // Only a set holding the fixture's public key (under kid "fz") can verify its signature.
    if (other.ok() && !(*parsedSet)->hasKid("fz")) std::abort();
  }
  return 0;
}
