#include <gtest/gtest.h>

#include "adapters/http/form.h"
#include "adapters/http_client/http_client.h"

namespace callgate::http {
namespace {

TEST(FormTest, PercentEncodesAllButUnreserved) {
  EXPECT_EQ(percentEncode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(percentEncode("+1 415/é&=%"), "%2B1%20415%2F%C3%A9%26%3D%25");
  EXPECT_EQ(formEncode({{"To", "+14155550123"}, {"Body", "a b"}}), "To=%2B14155550123&Body=a%20b");
}

TEST(FormTest, ParsesAndRoundTrips) {
  auto p = parseForm("a=1&b=x+y&c=%2B1&&d&a=2");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(*p, (Params{{"a", "1"}, {"b", "x y"}, {"c", "+1"}, {"d", ""}, {"a", "2"}}));
  EXPECT_EQ(findParam(*p, "a"), "1");
  EXPECT_EQ(findParam(*p, "z"), std::nullopt);
  const Params original{{"k", "v &=+%\n"}, {"é", ""}};
  EXPECT_EQ(*parseForm(formEncode(original)), original);
  EXPECT_TRUE(parseForm("").ok());
}

TEST(FormTest, RejectsBrokenEscapes) {
  EXPECT_FALSE(parseForm("a=%2").ok());
  EXPECT_FALSE(parseForm("a=%zz").ok());
  EXPECT_FALSE(parseForm("a=%").ok());
}

TEST(UrlTest, SplitsUrls) {
  auto u = splitUrl("https://sns.us-east-1.amazonaws.com/");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->host, "sns.us-east-1.amazonaws.com");
  EXPECT_EQ(u->port, std::nullopt);
  EXPECT_EQ(u->path, "/");
  EXPECT_EQ(u->hostHeader(), "sns.us-east-1.amazonaws.com");
  u = splitUrl("HTTP://127.0.0.1:8080/cgi-bin/sendsms?x=1&y=2");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->scheme, "http");
  EXPECT_EQ(u->port, 8080);
  EXPECT_EQ(u->path, "/cgi-bin/sendsms");
  EXPECT_EQ(u->query, "x=1&y=2");
  EXPECT_EQ(u->hostHeader(), "127.0.0.1:8080");
  EXPECT_EQ(splitUrl("https://h:443")->hostHeader(), "h");
  EXPECT_EQ(splitUrl("http://[::1]:99/")->host, "[::1]");
  EXPECT_EQ(splitUrl("http://h?q")->path, "/");
}

TEST(UrlTest, RejectsWhatWeCannotSign) {
  EXPECT_FALSE(splitUrl("ftp://h/").ok());
  EXPECT_FALSE(splitUrl("h/x").ok());
  EXPECT_FALSE(splitUrl("http://user:pw@h/").ok());
  EXPECT_FALSE(splitUrl("http://h:0/").ok());
  EXPECT_FALSE(splitUrl("http://h:99999/").ok());
  EXPECT_FALSE(splitUrl("http://h:x/").ok());
  EXPECT_FALSE(splitUrl("http:///x").ok());
  EXPECT_FALSE(splitUrl("http://h/#f").ok());
}

}  // namespace
}  // namespace callgate::http
