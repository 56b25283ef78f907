// splitUrl: the parts of a provider's URL that outbound requests are built and signed from.
#include <gtest/gtest.h>

#include "adapters/net/http_client/http_client.h"

namespace callgate {
namespace {

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
}  // namespace callgate
