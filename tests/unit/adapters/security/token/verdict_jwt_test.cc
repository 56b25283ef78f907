// Verdict tokens on the wire: signed with the ring's key, typed callgate-verdict+jwt, verified
// from the ring or from nothing but the published JWKS; never confused with an access token.
#include "adapters/security/token/verdict_jwt.h"

#include "token_test_support.h"

namespace callgate::testing {
namespace {

class VerdictJwtTest : public TokenFixture {
 protected:
  VerdictClaims claims() const {
    VerdictClaims c;
    c.issuer = kIssuer;
    c.subject = "12345678";
    c.amr = {"pin"};
    c.acr = std::string(kAcr1fa);
    c.caller = "+1415*****00";
    c.dialled = "+18005550100";
    c.attestation = "none";
    c.callId = "a84b4c76e66710@pc33.example";
    c.target = "sip:agent@pbx.example";
    c.jti = "jti-1";
    c.issuedAt = std::chrono::time_point_cast<Seconds>(clock_.now());
    c.expiresAt = c.issuedAt + Seconds(60);
    return c;
  }

  token::PublicKeyLookup ringLookup() {
    return [this](std::string_view kid) {
      const token::Ed25519Key* key = ring_->current()->verificationKey(kid, clock_.now());
      return key == nullptr ? nullptr : key->publicKey.data();
    };
  }
};

TEST_F(VerdictJwtTest, SignedVerdictVerifiesFromTheRingAndFromTheJwks) {
  token::KeyRingVerdictSigner signer(*ring_);
  auto jwt = signer.sign(claims());
  ASSERT_TRUE(jwt.ok());
  auto fromRing = token::verifyVerdictSignature(*jwt, ringLookup());
  ASSERT_TRUE(fromRing.ok()) << fromRing.error().toString();
  EXPECT_EQ(fromRing->callId, claims().callId);
  EXPECT_EQ(fromRing->subject, "12345678");

  auto jwks = token::JwksKeys::parse(tokens().jwks());
  ASSERT_TRUE(jwks.ok()) << jwks.error().toString();
  auto fromJwks = token::verifyVerdictSignature(*jwt, jwks->lookup());
  ASSERT_TRUE(fromJwks.ok()) << fromJwks.error().toString();
  EXPECT_EQ(fromJwks->jti, "jti-1");
}

TEST_F(VerdictJwtTest, AVerdictIsNotAnAccessTokenNorTheReverse) {
  token::KeyRingVerdictSigner signer(*ring_);
  auto verdict = signer.sign(claims());
  ASSERT_TRUE(verdict.ok());
  auto asAccess = tokens().validate(*verdict);
  ASSERT_FALSE(asAccess.ok());
  EXPECT_EQ(asAccess.error().code(), ErrorCode::kUnauthenticated);

  const std::string access = mint();
  EXPECT_FALSE(token::verifyVerdictSignature(access, ringLookup()).ok());
}

TEST_F(VerdictJwtTest, RefusesATamperedVerdictOrAnUnknownKey) {
  const token::Ed25519Key& key = ring_->current()->signingKey();
  const std::string header =
      R"({"alg":"EdDSA","kid":")" + key.kid + R"(","typ":"callgate-verdict+jwt"})";
  VerdictClaims c = claims();
  const std::string good = signRaw(header, verdictClaimsJson(c), key);
  ASSERT_TRUE(token::verifyVerdictSignature(good, ringLookup()).ok());

  // The same signature over another call's binding.
  VerdictClaims moved = c;
  moved.callId = "another-call";
  const std::string otherPayload =
      token::base64UrlEncode(std::string_view(verdictClaimsJson(moved)));
  const size_t dot1 = good.find('.'), dot2 = good.rfind('.');
  const std::string spliced = good.substr(0, dot1 + 1) + otherPayload + good.substr(dot2);
  auto tampered = token::verifyVerdictSignature(spliced, ringLookup());
  ASSERT_FALSE(tampered.ok());
  EXPECT_EQ(tampered.error().code(), ErrorCode::kUnauthenticated);

  auto unknown = token::verifyVerdictSignature(
      good, [](std::string_view) { return static_cast<const unsigned char*>(nullptr); });
  EXPECT_FALSE(unknown.ok());
  // alg none is refused before any key is looked at.
  const std::string none = token::base64UrlEncode(std::string_view(
                               R"({"alg":"none","kid":"x","typ":"callgate-verdict+jwt"})")) +
                           "." + otherPayload + ".";
  EXPECT_FALSE(token::verifyVerdictSignature(none, ringLookup()).ok());
}

TEST_F(VerdictJwtTest, JwksKeysRefuseAKidThatIsNotTheThumbprint) {
  const token::Ed25519Key& key = ring_->current()->signingKey();
  const std::string forged = R"({"keys":[{"kty":"OKP","crv":"Ed25519","x":")" + key.publicKeyB64 +
                             R"(","kid":"someone-elses-kid"}]})";
  EXPECT_FALSE(token::JwksKeys::parse(forged).ok());
  EXPECT_FALSE(token::JwksKeys::parse(R"({"keys":[]})").ok());
  EXPECT_FALSE(token::JwksKeys::parse("not json").ok());
  // Keys of other types are skipped, not refused.
  const std::string mixed =
      R"({"keys":[{"kty":"RSA","n":"x","e":"AQAB"},{"kty":"OKP","crv":"Ed25519","x":")" +
      key.publicKeyB64 + R"(","kid":")" + key.kid + R"("}]})";
  auto parsed = token::JwksKeys::parse(mixed);
  ASSERT_TRUE(parsed.ok()) << parsed.error().toString();
  EXPECT_EQ(parsed->size(), 1u);
  EXPECT_NE(parsed->find(key.kid), nullptr);
}

}  // namespace
}  // namespace callgate::testing
