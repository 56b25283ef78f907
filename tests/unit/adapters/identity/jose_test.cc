// JWK Sets and JWS verification with the IdP's keys: each supported algorithm, and the attacks
// the header invites (alg "none", HS256 with the public key as the secret, alg/key confusion, an
// alg the key's JWK does not allow, crit), unknown kids, tampering, and keys that must be skipped
// or refused.
#include "adapters/identity/jose.h"

#include <gtest/gtest.h>
#include <openssl/hmac.h>

#include "unit/adapters/identity/test_keys.h"

namespace callgate::identity {
namespace {

using callgate::testing::b64url;
using callgate::testing::jwks;
using callgate::testing::makeKey;
using callgate::testing::sharedRsaKey;
using callgate::testing::TestKey;

const nlohmann::json kClaims = {{"iss", "https://idp.example"}, {"sub", "u1"}};

std::shared_ptr<const JwkSet> parsed(const std::string& json) {
  auto set = JwkSet::parse(json);
  EXPECT_TRUE(set.ok()) << (set.ok() ? "" : set.error().message());
  return set.ok() ? *set : nullptr;
}

class JoseTest : public ::testing::Test {
 protected:
  const TestKey& rsa = sharedRsaKey();
  TestKey ec = makeKey("EC", "ec-1");
  TestKey ed = makeKey("OKP", "ed-1");
  const std::vector<std::string>& all = supportedJwsAlgorithms();
};

TEST_F(JoseTest, VerifiesEachAlgorithmWithItsKey) {
  auto set = parsed(jwks({rsa.jwk(), ec.jwk(), ed.jwk()}));
  ASSERT_EQ(set->size(), 3u);
  for (const auto& [alg, key] : {std::pair<std::string, const TestKey*>{"RS256", &rsa},
                                 {"RS512", &rsa},
                                 {"PS256", &rsa},
                                 {"ES256", &ec},
                                 {"EdDSA", &ed}}) {
    auto v = verifyJws(key->sign(alg, kClaims), *set, all);
    ASSERT_TRUE(v.ok()) << alg << ": " << v.error().message();
    EXPECT_EQ(v->algorithm, alg);
    EXPECT_EQ(v->kid, key->kid);
    EXPECT_EQ(nlohmann::json::parse(v->payload), kClaims);
  }
}

TEST_F(JoseTest, RefusesAlgNone) {
  auto set = parsed(jwks({rsa.jwk()}));
  const std::string token =
      b64url(R"({"alg":"none","kid":"rsa-1"})") + "." + b64url(kClaims.dump()) + ".AAAA";
  auto v = verifyJws(token, *set, all);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code(), ErrorCode::kUnauthenticated);
}

TEST_F(JoseTest, RefusesHs256SignedWithThePublicKeyAsSecret) {
  // The classic key confusion: an attacker MACs the token with the public key's bytes.
  auto set = parsed(jwks({rsa.jwk()}));
  const std::string input =
      b64url(R"({"alg":"HS256","kid":"rsa-1"})") + "." + b64url(kClaims.dump());
  const std::string secret = rsa.jwk().dump();
  unsigned char mac[32];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
  const std::string token = input + "." + b64url(std::string(reinterpret_cast<char*>(mac), len));
  auto v = verifyJws(token, *set, all);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_NE(v.error().message().find("alg"), std::string::npos);
}

TEST_F(JoseTest, RefusesAnAlgThatDoesNotFitTheKeyItsKidNames) {
  auto set = parsed(jwks({rsa.jwk(), ec.jwk()}));
  // ES256 header naming the RSA key's kid, signed by the EC key.
  const std::string token = ec.sign("ES256", kClaims, {{"alg", "ES256"}, {"kid", "rsa-1"}});
  auto v = verifyJws(token, *set, all);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code(), ErrorCode::kUnauthenticated);
}

TEST_F(JoseTest, RefusesAnAlgTheJwkDoesNotAllow) {
  auto set = parsed(jwks({rsa.jwk("RS256")}));
  EXPECT_TRUE(verifyJws(rsa.sign("RS256", kClaims), *set, all).ok());
  auto v = verifyJws(rsa.sign("PS256", kClaims), *set, all);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code(), ErrorCode::kUnauthenticated);
}

TEST_F(JoseTest, RefusesAnAlgOutsideTheAcceptedList) {
  auto set = parsed(jwks({ed.jwk()}));
  auto v = verifyJws(ed.sign("EdDSA", kClaims), *set, {"RS256"});
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code(), ErrorCode::kUnauthenticated);
}

TEST_F(JoseTest, UnknownKidIsNotFoundSoTheCallerMayRefetch) {
  auto set = parsed(jwks({rsa.jwk()}));
  TestKey other = makeKey("OKP", "rotated-2");
  auto v = verifyJws(other.sign("EdDSA", kClaims), *set, all);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(peekKid(other.sign("EdDSA", kClaims)), "rotated-2");
}

TEST_F(JoseTest, RefusesATamperedPayloadOrSignature) {
  auto set = parsed(jwks({rsa.jwk(), ed.jwk()}));
  for (const TestKey* key : std::vector<const TestKey*>{&rsa, &ed}) {
    std::string token = key->sign(key == &rsa ? "RS256" : "EdDSA", kClaims);
    const size_t dot1 = token.find('.');
    const size_t dot2 = token.find('.', dot1 + 1);
    std::string forged = token.substr(0, dot1 + 1) +
                         b64url(R"({"iss":"https://idp.example","sub":"admin"})") +
                         token.substr(dot2);
    auto v = verifyJws(forged, *set, all);
    ASSERT_FALSE(v.ok());
    EXPECT_EQ(v.error().message(), "token signature is invalid");
    std::string flipped = token;
    flipped[dot2 + 5] = flipped[dot2 + 5] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(verifyJws(flipped, *set, all).ok());
  }
}

TEST_F(JoseTest, WithoutKidOnlyASingleFittingKeyIsUsed) {
  const nlohmann::json header = {{"alg", "EdDSA"}};
  auto one = parsed(jwks({ed.jwk(), rsa.jwk()}));
  EXPECT_TRUE(verifyJws(ed.sign("EdDSA", kClaims, header), *one, all).ok());
  TestKey ed2 = makeKey("OKP", "ed-2");
  auto two = parsed(jwks({ed.jwk(), ed2.jwk()}));
  auto v = verifyJws(ed.sign("EdDSA", kClaims, header), *two, all);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code(), ErrorCode::kUnauthenticated);
}

TEST_F(JoseTest, RefusesCritAndMalformedTokens) {
  auto set = parsed(jwks({ed.jwk()}));
  auto crit = verifyJws(
      ed.sign("EdDSA", kClaims, {{"alg", "EdDSA"}, {"kid", "ed-1"}, {"crit", {"exp"}}, {"exp", 1}}),
      *set, all);
  EXPECT_FALSE(crit.ok());
  for (const std::string& bad :
       {std::string("a.b"), std::string("a.b.c.d"), std::string(".."), std::string("!!.e30.AA"),
        std::string(kMaxIdTokenBytes + 1, 'a')}) {
    auto v = verifyJws(bad, *set, all);
    ASSERT_FALSE(v.ok()) << bad.substr(0, 20);
    EXPECT_EQ(v.error().code(), ErrorCode::kUnauthenticated);
  }
}

TEST_F(JoseTest, SkipsKeysThatAreNotPublicSignatureKeys) {
  nlohmann::json oct = {{"kty", "oct"}, {"kid", "hmac"}, {"k", b64url("secret")}};
  nlohmann::json enc = rsa.jwk("", "enc");
  enc["kid"] = "enc-1";
  nlohmann::json ops = ec.jwk();
  ops["key_ops"] = {"encrypt"};
  auto set = parsed(jwks({oct, enc, ops, ed.jwk()}));
  EXPECT_EQ(set->size(), 1u);
  EXPECT_FALSE(set->hasKid("hmac"));
  EXPECT_TRUE(set->hasKid("ed-1"));
}

TEST_F(JoseTest, RefusesWeakOrMalformedKeys) {
  TestKey small = makeKey("RSA", "small", 1024);
  auto weak = JwkSet::parse(jwks({small.jwk()}));
  ASSERT_FALSE(weak.ok());
  EXPECT_NE(weak.error().message().find("2048"), std::string::npos);

  nlohmann::json offCurve = ec.jwk();
  std::string y(32, '\x01');
  offCurve["y"] = b64url(y);
  EXPECT_FALSE(JwkSet::parse(jwks({offCurve})).ok());

  nlohmann::json shortX = ed.jwk();
  shortX["x"] = b64url("short");
  EXPECT_FALSE(JwkSet::parse(jwks({shortX})).ok());

  EXPECT_FALSE(JwkSet::parse("[]").ok());
  EXPECT_FALSE(JwkSet::parse(R"({"keys":{}})").ok());
  EXPECT_FALSE(JwkSet::parse("not json").ok());
}

}  // namespace
}  // namespace callgate::identity
