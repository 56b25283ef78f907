#include "adapters/security/token/key_set.h"

#include <sodium.h>

#include <algorithm>

#include "adapters/security/token/base64url.h"
#include "adapters/security/token/jwt.h"

namespace callgate::token {

static_assert(kEd25519SeedBytes == crypto_sign_SEEDBYTES);
static_assert(kEd25519PublicKeyBytes == crypto_sign_PUBLICKEYBYTES);
static_assert(kEd25519SecretKeyBytes == crypto_sign_SECRETKEYBYTES);
static_assert(kEd25519SignatureBytes == crypto_sign_BYTES);

Ed25519Key::~Ed25519Key() { sodium_memzero(secretKey.data(), secretKey.size()); }

std::string jwkThumbprint(std::string_view publicKeyB64) {
  // RFC 7638 §3.2: the required members in lexicographic order, no whitespace.
  std::string canonical = R"({"crv":"Ed25519","kty":"OKP","x":")";
  canonical.append(publicKeyB64).append("\"}");
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(canonical.data()),
                     canonical.size());
  return base64UrlEncode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

Result<Ed25519Key> keyFromSeed(std::span<const unsigned char> seed, TimePoint createdAt) {
  if (seed.size() != kEd25519SeedBytes) {
    return Error::invalidArgument("an Ed25519 seed must be " + std::to_string(kEd25519SeedBytes) +
                                  " bytes");
  }
  Ed25519Key key;
  crypto_sign_seed_keypair(key.publicKey.data(), key.secretKey.data(), seed.data());
  key.createdAt = createdAt;
  appendBase64Url(key.publicKeyB64, key.publicKey.data(), key.publicKey.size());
  key.kid = jwkThumbprint(key.publicKeyB64);
  // The header is the same for every access token a key signs, so it is encoded once here.
  key.encodedHeader = encodeJwtHeader(key.kid, kAccessTokenType);
  return key;
}

KeySet::KeySet(std::vector<Ed25519Key> keys, Seconds retention)
    : keys_(std::move(keys)), retention_(retention) {
  std::stable_sort(keys_.begin(), keys_.end(), [](const Ed25519Key& a, const Ed25519Key& b) {
    return a.createdAt < b.createdAt;
  });
}

std::optional<TimePoint> KeySet::retiredAt(size_t index) const {
  if (index + 1 >= keys_.size()) return std::nullopt;
  return keys_[index + 1].createdAt;
}

bool KeySet::isUsable(size_t index, TimePoint now) const {
  const std::optional<TimePoint> retired = retiredAt(index);
  return !retired || now <= *retired + retention_;
}

const Ed25519Key* KeySet::verificationKey(std::string_view kid, TimePoint now) const {
  // Newest first: the signing key is by far the most likely.
  for (size_t i = keys_.size(); i-- > 0;) {
    if (keys_[i].kid == kid) return isUsable(i, now) ? &keys_[i] : nullptr;
  }
  return nullptr;
}

std::string KeySet::jwks(TimePoint now) const {
  std::string out = R"({"keys":[)";
  bool first = true;
  for (size_t i = keys_.size(); i-- > 0;) {
    if (!isUsable(i, now)) continue;
    if (!first) out.push_back(',');
    first = false;
    // kid and x are base64url, so they need no JSON escaping.
    out.append(R"({"kty":"OKP","crv":"Ed25519","x":")")
        .append(keys_[i].publicKeyB64)
        .append(R"(","kid":")")
        .append(keys_[i].kid)
        .append(R"(","use":"sig","alg":"EdDSA"})");
  }
  out.append("]}");
  return out;
}

}  // namespace callgate::token
