#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <optional>
#include <string>

#include "app/config/config.h"

namespace callgate::app {
namespace {

constexpr const char* kArn = "arn:aws:lambda:eu-west-1:123456789012:function:crm-lookup";

Result<Config> parse(const std::string& toml) {
  Config c;
  if (Status s = applyToml(toml, "t.toml", c); !s.ok()) return s.error();
  return c;
}

TEST(LambdasConfigTest, ReadsAnHttpEndpointEntry) {
  auto c = parse(std::string("[lambdas.\"") + kArn + R"("]
url = "https://crm.example.com/connect"
headers = { Authorization = "Bearer abc" }
instance_arn = "arn:aws:connect:eu-west-1:123456789012:instance/i-1"
)");
  ASSERT_TRUE(c.ok()) << c.error().toString();
  const ExternalLambdaConfig& l = c->lambdas.at(kArn);
  ASSERT_TRUE(l.http.has_value());
  EXPECT_FALSE(l.aws.has_value());
  EXPECT_EQ(l.http->url, "https://crm.example.com/connect");
  EXPECT_EQ(l.http->headers,
            (std::vector<std::pair<std::string, std::string>>{{"Authorization", "Bearer abc"}}));
  EXPECT_EQ(l.instanceArn, "arn:aws:connect:eu-west-1:123456789012:instance/i-1");
}

TEST(LambdasConfigTest, ReadsAnAwsEntryWithRegionAndQualifierFromTheArn) {
  auto c = parse(std::string("[lambdas.\"") + kArn + R"(:prod"]
access_key_id = "AKIDEXAMPLE"
secret_access_key = "secret"
endpoint = "http://127.0.0.1:9001"
)");
  ASSERT_TRUE(c.ok()) << c.error().toString();
  const ExternalLambdaConfig& l = c->lambdas.at(std::string(kArn) + ":prod");
  ASSERT_TRUE(l.aws.has_value());
  EXPECT_EQ(l.aws->functionName, kArn);
  EXPECT_EQ(l.aws->qualifier, "prod");
  EXPECT_EQ(l.aws->region, "eu-west-1");
  EXPECT_EQ(l.aws->endpoint, "http://127.0.0.1:9001");
  EXPECT_EQ(l.aws->credentials.accessKeyId, "AKIDEXAMPLE");
}

TEST(LambdasConfigTest, AwsEntryNamedByPlainNameNeedsARegion) {
  auto c = parse(R"([lambdas.crm]
access_key_id = "AKIDEXAMPLE"
secret_access_key = "secret"
)");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message().find("region"), std::string::npos) << c.error().message();
  auto d = parse(R"([lambdas.crm]
region = "us-east-2"
function = "crm:live"
access_key_id = "AKIDEXAMPLE"
secret_access_key = "secret"
)");
  ASSERT_TRUE(d.ok()) << d.error().toString();
  EXPECT_EQ(d->lambdas.at("crm").aws->functionName, "crm");
  EXPECT_EQ(d->lambdas.at("crm").aws->qualifier, "live");
}

// Sets (or, with nullptr, unsets) an environment variable for one test, then puts it back.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) {
      ::setenv(name, value, 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(LambdasConfigTest, AwsEntryTakesCredentialsFromTheEnvironment) {
  ScopedEnv token("AWS_SESSION_TOKEN", nullptr);
  std::optional<Result<Config>> fromEnv;
  {
    ScopedEnv id("AWS_ACCESS_KEY_ID", "AKIDFROMENV");
    ScopedEnv secret("AWS_SECRET_ACCESS_KEY", "env-secret");
    fromEnv = parse(std::string("[lambdas.\"") + kArn + "\"]\n");
  }
  const Result<Config>& c = *fromEnv;
  ScopedEnv id("AWS_ACCESS_KEY_ID", nullptr);
  ScopedEnv secret("AWS_SECRET_ACCESS_KEY", nullptr);
  ASSERT_TRUE(c.ok()) << c.error().toString();
  EXPECT_EQ(c->lambdas.at(kArn).aws->credentials.accessKeyId, "AKIDFROMENV");
  auto none = parse(std::string("[lambdas.\"") + kArn + "\"]\n");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().message().find("secret_access_key"), std::string::npos);
}

TEST(LambdasConfigTest, RefusesMixedOrUnknownKeysAndBadUrls) {
  for (const char* body : {
           "url = \"https://x.example\"\nregion = \"us-east-1\"\n",  // both kinds
           "url = \"ftp://x.example\"\n",                            // not http(s)
           "url = \"https://x.example\"\ntimeout = 3\n",             // unknown key
           "headers = { A = \"b\" }\nregion = \"us-east-1\"\n",      // headers need url
       }) {
    auto c = parse(std::string("[lambdas.crm]\n") + body);
    EXPECT_FALSE(c.ok()) << body;
  }
  EXPECT_FALSE(parse("[lambdas]\ncrm = \"https://x.example\"\n").ok());  // not a table
}

}  // namespace
}  // namespace callgate::app
