// The JWKS, discovery, introspection and revocation endpoints on a real loopback server.

#include "channels/oauth/oauth_routes.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <nlohmann/json.hpp>

#include "common/form.h"
#include "unit/adapters/net/http/http_test_support.h"
#include "unit/adapters/security/token/token_test_support.h"

namespace callgate {
namespace {

using http::testing::ClientResponse;
using http::testing::TestClient;
using testing::kIssuer;
using testing::kScope;

std::string basic(const std::string& id, const std::string& secret) {
  const std::string raw = http::percentEncode(id) + ":" + http::percentEncode(secret);
  std::string out(sodium_base64_ENCODED_LEN(raw.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                    raw.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);
  return "Basic " + out;
}

class OAuthRoutesTest : public testing::TokenFixture {
 protected:
  void SetUp() override {
    TokenFixture::SetUp();
    http::Router router;
    addOAuthRoutes(router, tokens(), oauth::OAuthOptions{kIssuer, {{"resource-server", kSecret}}});
    http::ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.accessLog = false;
    server_ = std::make_unique<http::Server>(options, std::move(router));
    auto port = server_->start();
    ASSERT_TRUE(port.ok());
    port_ = *port;
  }
  void TearDown() override { server_->stop(); }

  ClientResponse get(const std::string& path) {
    TestClient c(port_);
    auto r = c.request("GET", path);
    EXPECT_TRUE(r.has_value());
    return r.value_or(ClientResponse{});
  }

  ClientResponse post(const std::string& path, const std::string& body,
                      const std::string& authorization,
                      const std::string& contentType = "application/x-www-form-urlencoded") {
    TestClient c(port_);
    std::string raw = "POST " + path + " HTTP/1.1\r\nHost: test\r\nContent-Type: " + contentType +
                      "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    if (!authorization.empty()) raw += "Authorization: " + authorization + "\r\n";
    raw += "\r\n" + body;
    EXPECT_TRUE(c.send(raw));
    auto r = c.read();
    EXPECT_TRUE(r.has_value());
    return r.value_or(ClientResponse{});
  }

  ClientResponse introspect(const std::string& token) {
    return post(oauth::kIntrospectPath,
                "token=" + http::percentEncode(token) + "&token_type_hint=access_token",
                basic("resource-server", kSecret));
  }

  static constexpr const char* kSecret = "s3cret-s3cret-s3cret";
  std::unique_ptr<http::Server> server_;
  uint16_t port_ = 0;
};

TEST_F(OAuthRoutesTest, JwksListsTheKeysAndMayBeCached) {
  auto r = get(oauth::kJwksPath);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("cache-control"), "public, max-age=300");
  EXPECT_EQ(r.header("content-type"), "application/json");
  const auto jwks = nlohmann::json::parse(r.body);
  ASSERT_EQ(jwks["keys"].size(), 1u);
  EXPECT_EQ(jwks["keys"][0]["kid"], ring_->current()->signingKey().kid);
  EXPECT_EQ(jwks["keys"][0]["kty"], "OKP");
  EXPECT_FALSE(jwks["keys"][0].contains("d"));
}

TEST_F(OAuthRoutesTest, DiscoveryPointsAtTheEndpoints) {
  auto r = get(oauth::kDiscoveryPath);
  EXPECT_EQ(r.status, 200);
  const auto doc = nlohmann::json::parse(r.body);
  EXPECT_EQ(doc["issuer"], kIssuer);
  EXPECT_EQ(doc["jwks_uri"], std::string(kIssuer) + "/.well-known/jwks.json");
  EXPECT_EQ(doc["introspection_endpoint"], std::string(kIssuer) + "/oauth2/introspect");
  EXPECT_EQ(doc["revocation_endpoint"], std::string(kIssuer) + "/oauth2/revoke");
  EXPECT_EQ(doc["introspection_endpoint_auth_methods_supported"],
            nlohmann::json({"client_secret_basic"}));
  EXPECT_EQ(doc["id_token_signing_alg_values_supported"], nlohmann::json({"EdDSA"}));
}

TEST_F(OAuthRoutesTest, IntrospectionDescribesAnActiveToken) {
  auto issued = tokens().issue("12345678", kScope, {"pin", "sms"});
  ASSERT_TRUE(issued.ok());
  auto r = introspect(issued->jwt);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("cache-control"), "no-store");
  const auto body = nlohmann::json::parse(r.body);
  EXPECT_EQ(body["active"], true);
  EXPECT_EQ(body["scope"], kScope);
  EXPECT_EQ(body["sub"], "12345678");
  EXPECT_EQ(body["aud"], "callgate-api");
  EXPECT_EQ(body["iss"], kIssuer);
  EXPECT_EQ(body["jti"], issued->claims.jti);
  EXPECT_EQ(body["token_type"], "Bearer");
  EXPECT_EQ(body["exp"].get<int64_t>() - body["iat"].get<int64_t>(), 300);
}

TEST_F(OAuthRoutesTest, IntrospectionSaysInactiveForEveryInvalidToken) {
  auto used = tokens().issue("12345678", kScope, {});
  ASSERT_TRUE(used.ok());
  ASSERT_TRUE(*tokens().consume(used->claims));
  auto revoked = tokens().issue("12345678", kScope, {});
  ASSERT_TRUE(revoked.ok());
  ASSERT_TRUE(*tokens().revoke(revoked->jwt));
  auto expired = tokens().issue("12345678", kScope, {});
  ASSERT_TRUE(expired.ok());
  clock_.advance(Seconds(400));
  for (const std::string& token :
       {used->jwt, revoked->jwt, expired->jwt, std::string("garbage"), std::string("a.b.c")}) {
    auto r = introspect(token);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, R"({"active":false})");
  }
}

TEST_F(OAuthRoutesTest, ClientsMustAuthenticate) {
  const std::string body = "token=whatever";
  for (const std::string& auth :
       {std::string(), basic("resource-server", "wrong-secret-wrong"), basic("nobody", kSecret),
        std::string("Basic !!!"), std::string("Bearer x"), std::string("Basic ")}) {
    SCOPED_TRACE(auth);
    for (const char* path : {oauth::kIntrospectPath, oauth::kRevokePath}) {
      auto r = post(path, body, auth);
      EXPECT_EQ(r.status, 401);
      EXPECT_NE(r.header("www-authenticate").find("Basic"), std::string::npos);
      EXPECT_EQ(nlohmann::json::parse(r.body)["error"], "invalid_client");
    }
  }
}

TEST_F(OAuthRoutesTest, BadRequestsAreInvalidRequest) {
  const std::string auth = basic("resource-server", kSecret);
  for (const auto& [body, type] : std::vector<std::pair<std::string, std::string>>{
           {"", "application/x-www-form-urlencoded"},
           {"token=", "application/x-www-form-urlencoded"},
           {"token=%zz", "application/x-www-form-urlencoded"},
           {"token=a&token=b", "application/x-www-form-urlencoded"},
           {R"({"token":"x"})", "application/json"}}) {
    SCOPED_TRACE(body);
    auto r = post(oauth::kIntrospectPath, body, auth, type);
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(nlohmann::json::parse(r.body)["error"], "invalid_request");
  }
}

TEST_F(OAuthRoutesTest, RevocationMakesIntrospectionInactive) {
  auto issued = tokens().issue("12345678", kScope, {});
  ASSERT_TRUE(issued.ok());
  const std::string auth = basic("resource-server", kSecret);
  auto r = post(oauth::kRevokePath, "token=" + issued->jwt + "&token_type_hint=access_token", auth);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(introspect(issued->jwt).body, R"({"active":false})");
  EXPECT_FALSE(tokens().verify(issued->jwt, {kScope, std::nullopt}).ok());
  // Unknown or invalid tokens: still 200 (RFC 7009 §2.2).
  EXPECT_EQ(post(oauth::kRevokePath, "token=garbage", auth).status, 200);
  EXPECT_EQ(post(oauth::kRevokePath, "token=" + issued->jwt, auth).status, 200);
}

TEST_F(OAuthRoutesTest, StorageFailureIs503) {
  auto issued = tokens().issue("12345678", kScope, {});
  ASSERT_TRUE(issued.ok());
  states_.failing = true;
  auto r = introspect(issued->jwt);
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(nlohmann::json::parse(r.body)["error"], "temporarily_unavailable");
  states_.failing = false;
}

}  // namespace
}  // namespace callgate
