// TokenService: minting and every way verification refuses a token, with a fake clock.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "adapters/security/token/jwt.h"
#include "unit/adapters/security/token/token_test_support.h"

namespace callgate {
namespace {

using testing::kIssuer;
using testing::kScope;
using testing::signRaw;

class TokenServiceTest : public testing::TokenFixture {
 protected:
  const TokenCheck kCheck{kScope, std::string("12345678")};

  void expectRejected(std::string_view jwt, ErrorCode code, const std::string& fragment,
                      const TokenCheck& check = {kScope, std::nullopt}) {
    auto r = tokens().verify(jwt, check);
    ASSERT_FALSE(r.ok()) << "accepted a token that should fail with '" << fragment << "'";
    EXPECT_EQ(r.error().code(), code) << r.error().toString();
    EXPECT_NE(r.error().message().find(fragment), std::string::npos) << r.error().message();
  }

  static std::vector<std::string> segments(const std::string& jwt) {
    std::vector<std::string> out;
    size_t pos = 0;
    for (;;) {
      const size_t dot = jwt.find('.', pos);
      out.push_back(jwt.substr(pos, dot - pos));
      if (dot == std::string::npos) return out;
      pos = dot + 1;
    }
  }

  static std::string decode(const std::string& b64) {
    std::string out;
    EXPECT_TRUE(token::base64UrlDecode(b64, out));
    return out;
  }

  const token::Ed25519Key& signingKey() { return ring_->current()->signingKey(); }

  std::string validPayload() {
    const auto iat = std::chrono::duration_cast<Seconds>(clock_.now().time_since_epoch()).count();
    return nlohmann::json{{"iss", kIssuer},        {"sub", "12345678"},
                          {"aud", "callgate-api"}, {"scope", kScope},
                          {"amr", {"pin"}},        {"iat", iat},
                          {"exp", iat + 300},      {"jti", "forged-jti-0000000000"}}
        .dump();
  }

  std::string header() {
    return R"({"alg":"EdDSA","kid":")" + signingKey().kid + R"(","typ":"at+jwt"})";
  }
};

TEST_F(TokenServiceTest, IssuesATokenInTheDocumentedFormat) {
  auto issued = tokens().issue("12345678", kScope, {"pin", "sms"});
  ASSERT_TRUE(issued.ok()) << issued.error().toString();
  const auto parts = segments(issued->jwt);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(decode(parts[0]), header());

  const auto claims = nlohmann::json::parse(decode(parts[1]));
  const auto now = std::chrono::duration_cast<Seconds>(clock_.now().time_since_epoch()).count();
  EXPECT_EQ(claims["iss"], kIssuer);
  EXPECT_EQ(claims["sub"], "12345678");
  EXPECT_EQ(claims["aud"], "callgate-api");
  EXPECT_EQ(claims["scope"], kScope);
  EXPECT_EQ(claims["amr"], nlohmann::json({"pin", "sms"}));
  EXPECT_EQ(claims["iat"], now);
  EXPECT_EQ(claims["exp"], now + 300);
  EXPECT_EQ(claims["jti"].get<std::string>().size(), 22u);  // 16 bytes, base64url
  EXPECT_EQ(claims["jti"], issued->claims.jti);
  EXPECT_EQ(decode(parts[2]).size(), 64u);

  auto again = tokens().issue("12345678", kScope, {});
  ASSERT_TRUE(again.ok());
  EXPECT_NE(again->claims.jti, issued->claims.jti);
}

TEST_F(TokenServiceTest, VerifiesAGoodToken) {
  const std::string jwt = mint();
  auto claims = tokens().verify(jwt, kCheck);
  ASSERT_TRUE(claims.ok()) << claims.error().toString();
  EXPECT_EQ(claims->subject, "12345678");
  EXPECT_EQ(claims->amr, (std::vector<std::string>{"pin", "sms"}));
  clock_.advance(Seconds(299));
  EXPECT_TRUE(tokens().verify(jwt, kCheck).ok());
}

TEST_F(TokenServiceTest, RejectsWrongScopeAndSubjectAsPermissionDenied) {
  const std::string jwt = mint();
  expectRejected(jwt, ErrorCode::kPermissionDenied, "scope",
                 TokenCheck{"account:close", std::nullopt});
  expectRejected(jwt, ErrorCode::kPermissionDenied, "subject",
                 TokenCheck{kScope, std::string("87654321")});
}

TEST_F(TokenServiceTest, RejectsWrongAudienceAndIssuer) {
  const std::string jwt = mint();
  auto otherAudience = service(*ring_, kIssuer, "billing-api");
  auto r = otherAudience->verify(jwt, kCheck);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_NE(r.error().message().find("audience"), std::string::npos);

  auto otherIssuer = service(*ring_, "https://elsewhere.example");
  r = otherIssuer->verify(jwt, kCheck);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_NE(r.error().message().find("issuer"), std::string::npos);
}

TEST_F(TokenServiceTest, RejectsExpiredAndNotYetValidTokens) {
  const std::string jwt = mint();
  clock_.advance(Seconds(305));  // 300 s TTL + 5 s leeway
  expectRejected(jwt, ErrorCode::kUnauthenticated, "expired");
  clock_.advance(-Seconds(305 + 60));
  expectRejected(jwt, ErrorCode::kUnauthenticated, "not valid yet");
}

TEST_F(TokenServiceTest, RejectsRevokedTokens) {
  const std::string jwt = mint();
  auto revoked = tokens().revoke(jwt);
  ASSERT_TRUE(revoked.ok());
  EXPECT_TRUE(*revoked);
  expectRejected(jwt, ErrorCode::kUnauthenticated, "revoked");
  // Revoking again, or revoking garbage, is not an error and revokes nothing.
  EXPECT_FALSE(*tokens().revoke(jwt));
  EXPECT_FALSE(*tokens().revoke("garbage"));
  // The state row lives until no verifier would accept the token anyway.
  ASSERT_EQ(states_.rows.size(), 1u);
  EXPECT_EQ(states_.rows.begin()->second.expiresAt, clock_.now() + Seconds(305));
}

TEST_F(TokenServiceTest, ASingleUseTokenIsConsumedOnce) {
  const std::string jwt = mint();
  auto claims = tokens().verify(jwt, kCheck);
  ASSERT_TRUE(claims.ok());
  auto first = tokens().consume(*claims);
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(*first);
  EXPECT_FALSE(*tokens().consume(*claims));
  expectRejected(jwt, ErrorCode::kUnauthenticated, "used");
  EXPECT_FALSE(tokens().validate(jwt).ok());
}

TEST_F(TokenServiceTest, RejectsATamperedPayload) {
  auto parts = segments(mint());
  auto claims = nlohmann::json::parse(decode(parts[1]));
  claims["sub"] = "87654321";
  const std::string forged =
      parts[0] + "." + token::base64UrlEncode(claims.dump()) + "." + parts[2];
  expectRejected(forged, ErrorCode::kUnauthenticated, "signature is invalid");
}

TEST_F(TokenServiceTest, RejectsATamperedSignature) {
  auto parts = segments(mint());
  std::string sig = decode(parts[2]);
  sig[10] = static_cast<char>(sig[10] ^ 0x01);
  const std::string forged = parts[0] + "." + parts[1] + "." + token::base64UrlEncode(sig);
  expectRejected(forged, ErrorCode::kUnauthenticated, "signature is invalid");
  // A signature that is not 64 bytes.
  expectRejected(parts[0] + "." + parts[1] + "." + parts[2].substr(4), ErrorCode::kUnauthenticated,
                 "signature");
}

TEST_F(TokenServiceTest, RejectsAlgNone) {
  const std::string payload = token::base64UrlEncode(validPayload());
  for (const char* h :
       {R"({"alg":"none","typ":"at+jwt"})", R"({"alg":"none"})", R"({"alg":"None","typ":"JWT"})"}) {
    expectRejected(token::base64UrlEncode(h) + "." + payload + ".", ErrorCode::kUnauthenticated,
                   "alg");
  }
  // Even with a kid and a real signature, "none" is not EdDSA.
  expectRejected(signRaw(R"({"alg":"none","kid":")" + signingKey().kid + R"(","typ":"at+jwt"})",
                         validPayload(), signingKey()),
                 ErrorCode::kUnauthenticated, "alg");
}

TEST_F(TokenServiceTest, RejectsAlgHs256KeyConfusion) {
  // The classic attack: HMAC the token with the (public) verification key as the secret.
  const std::string signingInput =
      token::base64UrlEncode(R"({"alg":"HS256","kid":")" + signingKey().kid +
                             R"(","typ":"at+jwt"})") +
      "." + token::base64UrlEncode(validPayload());
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, signingKey().publicKey.data(), signingKey().publicKey.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(signingInput.data()),
                                signingInput.size());
  crypto_auth_hmacsha256_final(&st, mac);
  const std::string forged =
      signingInput + "." +
      token::base64UrlEncode(std::string_view(reinterpret_cast<const char*>(mac), sizeof mac));
  expectRejected(forged, ErrorCode::kUnauthenticated, "alg");
}

TEST_F(TokenServiceTest, RejectsAnUnknownKid) {
  // A well-formed token from another key ring (another server, or an attacker's own key).
  testing::InMemorySigningKeyStore strangerStore;
  auto strangerRing = openRing(strangerStore);
  auto stranger = service(*strangerRing);
  auto t = stranger->issue("12345678", kScope, {});
  ASSERT_TRUE(t.ok());
  expectRejected(t->jwt, ErrorCode::kUnauthenticated, "kid");
  // Our kid on a stranger's signature is just a bad signature.
  const std::string forged =
      signRaw(header(), validPayload(), strangerRing->current()->signingKey());
  expectRejected(forged, ErrorCode::kUnauthenticated, "signature is invalid");
}

TEST_F(TokenServiceTest, RejectsGarbage) {
  const std::string good = mint();
  const auto parts = segments(good);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "three segments"},
      {"garbage", "three segments"},
      {"a.b", "three segments"},
      {good + ".x", "three segments"},
      {good + ".", "three segments"},
      {"." + parts[1] + "." + parts[2], "header"},
      {"!!!." + parts[1] + "." + parts[2], "header is not base64url"},
      {parts[0] + "=." + parts[1] + "." + parts[2], "header is not base64url"},
      {parts[0] + "." + parts[1] + "." + parts[2] + "=", "signature"},
      {parts[0] + ".." + parts[2], "signature is invalid"},
      {std::string(5000, 'a'), "too large"},
      {good + std::string(4096, 'A'), "too large"},
  };
  for (const auto& [jwt, why] : cases) {
    SCOPED_TRACE(jwt.substr(0, 60));
    expectRejected(jwt, ErrorCode::kUnauthenticated, why);
  }
}

TEST_F(TokenServiceTest, RejectsMalformedHeaders) {
  const std::string payload = validPayload();
  const std::string kid = signingKey().kid;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"[]", "JSON object"},
      {"\"EdDSA\"", "JSON object"},
      {"{", "JSON object"},
      {R"({"alg":"EdDSA","kid":")" + kid + R"(","typ":"at+jwt"} x)", "JSON object"},
      {R"({"alg":"EdDSA","kid":")" + kid + R"(","typ":"JWT"})", "typ"},
      {R"({"alg":"EdDSA","kid":")" + kid + R"("})", "typ"},
      {R"({"alg":"EdDSA","typ":"at+jwt"})", "kid"},
      {R"({"alg":"EdDSA","kid":")" + kid + R"(","typ":"at+jwt","jku":"https://evil"})",
       "unsupported parameter"},
      {R"({"alg":"EdDSA","alg":"EdDSA","kid":")" + kid + R"(","typ":"at+jwt"})", "repeats"},
      {R"({"alg":1,"kid":")" + kid + R"(","typ":"at+jwt"})", "JSON object of strings"},
      {R"({"alg":"ES256","kid":")" + kid + R"(","typ":"at+jwt"})", "alg"},
  };
  for (const auto& [h, why] : cases) {
    SCOPED_TRACE(h);
    expectRejected(signRaw(h, payload, signingKey()), ErrorCode::kUnauthenticated, why);
  }
}

TEST_F(TokenServiceTest, RejectsSignedButMalformedClaims) {
  const std::string iat =
      std::to_string(std::chrono::duration_cast<Seconds>(clock_.now().time_since_epoch()).count());
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"[]", "not a JSON object"},
      {"not json", "not a JSON object"},
      {R"({"iss":")" + std::string(kIssuer) +
           R"(","sub":"12345678","aud":"callgate-api","scope":"x"})",
       "lacks"},
      {R"({"iss":1,"sub":"1","aud":"a","scope":"s","jti":"j","iat":1,"exp":2})", "strings"},
      {R"({"iss":"i","sub":"1","aud":"a","scope":"s","jti":"j","iat":1.5,"exp":2})",
       "whole seconds"},
      {R"({"iss":"i","sub":"1","aud":"a","scope":"s","jti":"j","iat":-1,"exp":2})",
       "whole seconds"},
      {R"({"iss":"i","sub":"1","aud":"a","scope":"s","jti":"j","iat":1,"exp":2,"amr":"pin"})",
       "amr"},
  };
  for (const auto& [payload, why] : cases) {
    SCOPED_TRACE(payload);
    expectRejected(signRaw(header(), payload, signingKey()), ErrorCode::kUnauthenticated, why);
  }
  // And a forged-but-signed token with a lifetime over five minutes.
  auto claims = nlohmann::json::parse(validPayload());
  claims["exp"] = claims["iat"].get<int64_t>() + 3600;
  expectRejected(signRaw(header(), claims.dump(), signingKey()), ErrorCode::kUnauthenticated,
                 "lifetime");
}

TEST_F(TokenServiceTest, StorageFailureIsUnavailableNotUnauthenticated) {
  const std::string jwt = mint();
  states_.failing = true;
  auto r = tokens().verify(jwt, kCheck);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), ErrorCode::kUnavailable);
  EXPECT_FALSE(tokens().revoke(jwt).ok());
}

TEST_F(TokenServiceTest, IssueRefusesBadInput) {
  for (const auto& [subject, scope] :
       std::vector<std::pair<std::string, std::string>>{{"", kScope},
                                                        {"12345678", ""},
                                                        {"12345678", "two scopes"},
                                                        {"with space", kScope},
                                                        {std::string(257, '1'), kScope}}) {
    auto r = tokens().issue(subject, scope, {});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  }
  EXPECT_FALSE(tokens().issue("12345678", kScope, {""}).ok());
}

TEST_F(TokenServiceTest, TtlIsCappedAtFiveMinutes) {
  TokenServiceOptions options;
  options.issuer = kIssuer;
  options.ttl = Seconds(3600);
  TokenService longLived(*ring_, states_, random_, clock_, options);
  auto t = longLived.issue("12345678", kScope, {});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->claims.expiresAt - t->claims.issuedAt, Seconds(300));
}

TEST_F(TokenServiceTest, JwksPublishesTheSigningKey) {
  const auto jwks = nlohmann::json::parse(tokens().jwks());
  ASSERT_EQ(jwks["keys"].size(), 1u);
  const auto& k = jwks["keys"][0];
  EXPECT_EQ(k["kty"], "OKP");
  EXPECT_EQ(k["crv"], "Ed25519");
  EXPECT_EQ(k["use"], "sig");
  EXPECT_EQ(k["alg"], "EdDSA");
  EXPECT_EQ(k["kid"], signingKey().kid);
  EXPECT_EQ(k["x"], signingKey().publicKeyB64);
  EXPECT_EQ(k.size(), 6u);  // no private member ("d") ever
}

}  // namespace
}  // namespace callgate
