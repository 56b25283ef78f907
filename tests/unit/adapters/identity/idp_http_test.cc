// The shared wire helpers: which endpoint URLs are allowed, Basic client authentication as
// RFC 6749 §2.3.1 encodes it, and safe error codes.
#include "adapters/identity/idp_http.h"

#include <gtest/gtest.h>

namespace callgate::identity {
namespace {

TEST(IdpHttpTest, PlainHttpOnlyToLoopbackUnlessAllowed) {
  EXPECT_TRUE(checkEndpointUrl("x", "https://idp.example/token", false).ok());
  EXPECT_TRUE(checkEndpointUrl("x", "http://127.0.0.1:8080/token", false).ok());
  EXPECT_TRUE(checkEndpointUrl("x", "http://127.1.2.3/token", false).ok());
  EXPECT_TRUE(checkEndpointUrl("x", "http://localhost:9/", false).ok());
  EXPECT_TRUE(checkEndpointUrl("x", "http://[::1]:9/", false).ok());
  auto remote =
      checkEndpointUrl("[credentials.oidc] token_endpoint", "http://idp.example/t", false);
  ASSERT_FALSE(remote.ok());
  EXPECT_NE(remote.error().message().find("[credentials.oidc] token_endpoint"), std::string::npos);
  EXPECT_FALSE(checkEndpointUrl("x", "http://127.0.0.1.evil.example/", false).ok());
  EXPECT_FALSE(checkEndpointUrl("x", "http://1270.0.0.1/", false).ok());
  EXPECT_TRUE(checkEndpointUrl("x", "http://idp.example/t", true).ok());
  EXPECT_FALSE(checkEndpointUrl("x", "ftp://idp.example/", true).ok());
  EXPECT_FALSE(checkEndpointUrl("x", "https://user:pw@idp.example/", false).ok());
}

TEST(IdpHttpTest, BasicAuthorizationFormEncodesIdAndSecret) {
  // RFC 6749 §2.3.1 with Appendix B: "s3cr:t +" -> "s3cr%3At+%2B"; checked independently with
  // python3 -c 'import base64,urllib.parse as u;
  //   print(base64.b64encode((u.quote_plus("my client")+":"+u.quote_plus("s3cr:t +")).encode()))'
  EXPECT_EQ(basicAuthorization("my client", "s3cr:t +"), "Basic bXkrY2xpZW50OnMzY3IlM0F0KyUyQg==");
  EXPECT_EQ(basicAuthorization("callgate", "secret"), "Basic Y2FsbGdhdGU6c2VjcmV0");
  // The WHATWG serializer keeps "*-._" and encodes '~' (Python's quote_plus differs on those two).
  EXPECT_EQ(formUrlEncode("a-b_c.d*e~f/é"), "a-b_c.d*e%7Ef%2F%C3%A9");
}

TEST(IdpHttpTest, Base64IsPadded) {
  EXPECT_EQ(base64Encode(""), "");
  EXPECT_EQ(base64Encode("f"), "Zg==");
  EXPECT_EQ(base64Encode("fo"), "Zm8=");
  EXPECT_EQ(base64Encode("foo"), "Zm9v");
}

TEST(IdpHttpTest, SafeCodeKeepsOnlyHarmlessCharacters) {
  EXPECT_EQ(safeCode("invalid_grant"), "invalid_grant");
  EXPECT_EQ(safeCode("com.amazonaws#NotAuthorizedException"),
            "com.amazonaws#NotAuthorizedException");
  EXPECT_EQ(safeCode("bad\ncode pw=1"), "bad?code?pw?1");
  EXPECT_EQ(safeCode(std::string(100, 'a')).size(), 64u);
}

}  // namespace
}  // namespace callgate::identity
