// Verdict tokens on the wire: compact JWS like the access tokens (jwt.h) but typed
// "callgate-verdict+jwt", with the claims of core/verdict_token.h. Signing uses the key ring's
// current key; verifying needs only public keys, from the ring or from a JWKS document, so a PBX,
// agent desktop or CRM (and `callgate verdict verify`) can check a verdict offline.
//
// KeyRingVerdictSigner borrows the ring, which must outlive it; thread-safe. The free functions
// are pure; JwksKeys is immutable once parsed and thread-safe.
#pragma once

#include <array>
#include <map>
#include <string>
#include <string_view>

#include "adapters/security/token/jwt.h"
#include "adapters/security/token/key_ring.h"
#include "core/token_ports.h"
#include "core/verdict_token.h"

namespace callgate::token {

// The signed verdict for `claims` under `key`.
std::string signVerdict(const VerdictClaims& claims, const Ed25519Key& key);

// Structure, header (typ callgate-verdict+jwt), kid and signature, then the parsed claims, whose
// values (issuer, binding, times) the caller checks with checkVerdictClaims.
Result<VerdictClaims> verifyVerdictSignature(std::string_view jwt, const PublicKeyLookup& lookup);

class KeyRingVerdictSigner : public VerdictSigner {
 public:
  explicit KeyRingVerdictSigner(KeyRing& keys) : keys_(keys) {}
  Result<std::string> sign(const VerdictClaims& claims) override;
  // With the ring's verification keys (current and retired ones still within their retention).
  Status verify(std::string_view jwt, const VerdictCheck& check, TimePoint now) override;

 private:
  KeyRing& keys_;
};

// The Ed25519 keys of a JWKS document (RFC 8037: kty OKP, crv Ed25519, x, kid). Keys of other
// types are skipped; a kid that is not the key's RFC 7638 thumbprint is refused (callgate's kids
// are thumbprints, so a key cannot be published under another key's kid).
class JwksKeys {
 public:
  // kInvalidArgument naming what is wrong for a document that is not a JWKS or holds no Ed25519
  // key.
  static Result<JwksKeys> parse(std::string_view json);

  const unsigned char* find(std::string_view kid) const;
  size_t size() const { return keys_.size(); }
  PublicKeyLookup lookup() const {
    return [this](std::string_view kid) { return find(kid); };
  }

 private:
  std::map<std::string, std::array<unsigned char, kEd25519PublicKeyBytes>, std::less<>> keys_;
};

}  // namespace callgate::token
