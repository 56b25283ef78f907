// The [security] PIN keys and the [links] table of the config, and the CSV credential columns.
#include <gtest/gtest.h>

#include "app/config/config.h"
#include "functions/customer_csv.h"

namespace callgate::app {
namespace {

TEST(CredentialsConfigTest, DefaultsFollowTheContract) {
  auto c = loadConfig({});
  ASSERT_TRUE(c.ok()) << c.error().toString();
  EXPECT_EQ(c->pinPepperFile, "var/pin.key");
  EXPECT_EQ(c->pinLockout.steps, PinLockoutPolicy{}.steps);
  EXPECT_EQ(c->pinLockout.lockAfter, 15);
  EXPECT_EQ(c->pinHashOpsLimit, 2);
  EXPECT_EQ(c->pinHashMemoryKib, 19456);
  EXPECT_EQ(c->publicBaseUrl, "http://127.0.0.1:8080");
  EXPECT_TRUE(c->publicBaseUrlDefaulted);
  EXPECT_EQ(c->linkTtl, Seconds(600));
  EXPECT_EQ(c->linkPerUserLimit, 3);
  EXPECT_EQ(c->contactAuthTtl, Seconds(900));
}

TEST(CredentialsConfigTest, TheDefaultBaseUrlFollowsTheHttpFlag) {
  Overrides o;
  o.http = "127.0.0.1:0";
  o.pinPepperFile = "/tmp/p.key";
  auto c = loadConfig(o);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->publicBaseUrl, "http://127.0.0.1:0");
  EXPECT_EQ(c->pinPepperFile, "/tmp/p.key");
}

TEST(CredentialsConfigTest, ReadsTheNewKeys) {
  Config c;
  auto s = applyToml(R"(
[security]
pin_pepper_file = "/etc/callgate/pin.key"
pin_max_failures = 3
pin_hash_ops_limit = 3
pin_hash_memory_kib = 65536
contact_auth_ttl_seconds = 1800
[links]
public_base_url = "https://cg.example.com/"
ttl_seconds = 300
per_user_limit = 5
per_user_window_seconds = 3600
)",
                     "test.toml", c);
  ASSERT_TRUE(s.ok()) << s.error().toString();
  EXPECT_EQ(c.pinPepperFile, "/etc/callgate/pin.key");
  // The older key is shorthand for escalating locks, not one lock for good.
  EXPECT_EQ(c.pinLockout.steps,
            (std::vector<PinLockoutStep>{{3, Seconds(900)}, {6, Seconds(3600)}}));
  EXPECT_EQ(c.pinLockout.lockAfter, 9);
  EXPECT_EQ(c.pinHashOpsLimit, 3);
  EXPECT_EQ(c.pinHashMemoryKib, 65536);
  EXPECT_EQ(c.contactAuthTtl, Seconds(1800));
  EXPECT_EQ(c.publicBaseUrl, "https://cg.example.com");  // no trailing slash
  EXPECT_FALSE(c.publicBaseUrlDefaulted);
  EXPECT_EQ(c.linkTtl, Seconds(300));
  EXPECT_EQ(c.linkPerUserLimit, 5);
  EXPECT_EQ(c.linkPerUserWindow, Seconds(3600));
}

TEST(CredentialsConfigTest, RejectsUnknownKeysAndBadValuesByName) {
  const std::pair<const char*, const char*> cases[] = {
      {"[links]\nttl = 5\n", "links.ttl"},
      {"[links]\nttl_seconds = 5\n", "links.ttl_seconds"},
      {"[links]\npublic_base_url = \"ftp://x\"\n", "links.public_base_url"},
      {"[links]\npublic_base_url = \"https://x/?a=b\"\n", "links.public_base_url"},
      {"[links]\npublic_base_url = \"https://\"\n", "links.public_base_url"},
      {"[security]\npin_max_failures = 0\n", "security.pin_max_failures"},
      {"[security]\npin_max_failures = 101\n", "security.pin_max_failures"},
      {"[security]\npin_max_failures = 5\npin_lock_after = 20\n", "security.pin_max_failures"},
      {"[security]\npin_max_failures = 5\npin_lockout_steps = []\n", "security.pin_max_failures"},
      {"[security]\npin_lock_after = 101\n", "security.pin_lock_after"},
      {"[security]\npin_lock_after = 0\n", "security.pin_lock_after"},
      {"[security]\npin_lockout_steps = [5, 900]\n", "security.pin_lockout_steps"},
      {"[security]\npin_lockout_steps = [[5]]\n", "security.pin_lockout_steps"},
      {"[security]\npin_lockout_steps = [[5, \"x\"]]\n", "security.pin_lockout_steps"},
      {"[security]\npin_lockout_steps = [[5, 0]]\n", "security.pin_lockout_steps"},
      {"[security]\npin_lockout_steps = [[5, 60], [4, 60]]\n", "ascending"},
      {"[security]\npin_lockout_steps = [[15, 60]]\n", "below pin_lock_after"},
      {"[security]\npin_hash_memory_kib = 8\n", "security.pin_hash_memory_kib"},
      {"[security]\npin_pepper = \"x\"\n", "security.pin_pepper"},
      {"[security]\ncontact_auth_ttl_seconds = 59\n", "security.contact_auth_ttl_seconds"},
      {"[security]\ncontact_auth_ttl_seconds = 86401\n", "security.contact_auth_ttl_seconds"},
  };
  for (const auto& [text, key] : cases) {
    Config c;
    auto s = applyToml(text, "t.toml", c);
    ASSERT_FALSE(s.ok()) << text;
    EXPECT_NE(s.error().message().find(key), std::string::npos) << s.error().message();
  }
}

TEST(CredentialsConfigTest, ReadsLockoutStepsAndLockAfter) {
  Config c;
  auto s = applyToml("[security]\npin_lockout_steps = [[3, 2], [4, 10]]\npin_lock_after = 6\n",
                     "t.toml", c);
  ASSERT_TRUE(s.ok()) << s.error().toString();
  EXPECT_EQ(c.pinLockout.steps, (std::vector<PinLockoutStep>{{3, Seconds(2)}, {4, Seconds(10)}}));
  EXPECT_EQ(c.pinLockout.lockAfter, 6);

  Config none;
  ASSERT_TRUE(applyToml("[security]\npin_lockout_steps = []\n", "t.toml", none).ok());
  EXPECT_TRUE(none.pinLockout.steps.empty());
  EXPECT_EQ(none.pinLockout.lockAfter, 15);

  // Only pin_lock_after: the default steps below it stay.
  Config eight;
  ASSERT_TRUE(applyToml("[security]\npin_lock_after = 8\n", "t.toml", eight).ok());
  EXPECT_EQ(eight.pinLockout.steps, (std::vector<PinLockoutStep>{{5, Seconds(900)}}));
  EXPECT_EQ(eight.pinLockout.lockAfter, 8);
}

TEST(CustomerCsvCredentialsTest, ReadsOptionalUserIdAndPinColumns) {
  auto rows = parseCustomerRows(
      "phone,first_name,last_name,level,language,user_id,pin\n"
      "+14155550100,Ada,Lovelace,Gold,en-US,12345678,4321\n"
      "+14155550101,Grace,Hopper,Platinum,en-US,87654321,\n"
      "+14155550102,Alan,Turing,Silver,en-GB,,\n");
  ASSERT_TRUE(rows.ok()) << rows.error().toString();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].customer.userId, "12345678");
  EXPECT_EQ((*rows)[0].pin, "4321");
  EXPECT_EQ((*rows)[1].customer.userId, "87654321");
  EXPECT_EQ((*rows)[1].pin, "");
  EXPECT_EQ((*rows)[2].customer.userId, "");

  auto userIdOnly = parseCustomerRows(
      "phone,first_name,last_name,level,language,user_id\n+14155550100,A,B,,,1234\n");
  ASSERT_TRUE(userIdOnly.ok());
  EXPECT_EQ((*userIdOnly)[0].customer.userId, "1234");
  // The old header still works, and parseCustomerCsv refuses to drop PINs.
  EXPECT_TRUE(
      parseCustomerCsv("phone,first_name,last_name,level,language\n+14155550100,A,B,,\n").ok());
  EXPECT_FALSE(
      parseCustomerCsv(
          "phone,first_name,last_name,level,language,user_id,pin\n+14155550100,A,B,,,1234,4321\n")
          .ok());
}

TEST(CustomerCsvCredentialsTest, RejectsBadCredentialsWithoutEchoingThePin) {
  const std::string header = "phone,first_name,last_name,level,language,user_id,pin\n";
  for (const char* row : {"+14155550100,A,B,,,12a45678,4321\n", "+14155550100,A,B,,,123,4321\n",
                          "+14155550100,A,B,,,,4321\n", "+14155550100,A,B,,,12345678,43x1\n",
                          "+14155550100,A,B,,,12345678,123456789\n"}) {
    auto r = parseCustomerRows(header + row);
    ASSERT_FALSE(r.ok()) << row;
    EXPECT_NE(r.error().message().find("line 2"), std::string::npos) << r.error().message();
    EXPECT_EQ(r.error().message().find("4321"), std::string::npos) << r.error().message();
    EXPECT_EQ(r.error().message().find("43x1"), std::string::npos) << r.error().message();
  }
  auto dup =
      parseCustomerRows(header + "+14155550100,A,B,,,12345678,\n+14155550101,C,D,,,12345678,\n");
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.error().message().find("user id 12345678 appears twice"), std::string::npos);
  EXPECT_FALSE(parseCustomerRows("phone,first_name,last_name,level,language,pin\n").ok());
}

}  // namespace
}  // namespace callgate::app
