// [credentials] (which verifier checks verify-pin's PIN) and [credentials.ldap].
#include <gtest/gtest.h>

#include <cstdlib>

#include "app/config/config.h"

namespace callgate::app {
namespace {

constexpr const char* kLdap = R"([credentials]
verifier = "ldap"
timeout_ms = 2000
[credentials.ldap]
url = "ldap://127.0.0.1:3890"
bind_dn = "cn=callgate,dc=example,dc=com"
bind_password = "from-file"
base_dn = "ou=people,dc=example,dc=com"
)";

Result<CredentialsConfig> read(const std::string& text) {
  Config c;
  if (Status s = applyToml(text, "t.toml", c); !s.ok()) return s.error();
  if (Status s = resolveCredentialsConfig(c.credentials); !s.ok()) return s.error();
  return c.credentials;
}

TEST(CredentialVerifierConfigTest, TheDefaultIsTheBuiltinStore) {
  auto c = loadConfig({});
  ASSERT_TRUE(c.ok()) << c.error().toString();
  EXPECT_EQ(c->credentials.verifier, CredentialVerifierKind::kBuiltin);
  EXPECT_EQ(c->credentials.timeoutMs, 3000);
  EXPECT_EQ(c->credentials.ldap.filter, "(uid={user})");
  EXPECT_EQ(c->credentials.ldap.phoneAttributes,
            (std::vector<std::string>{"telephoneNumber", "mobile"}));
}

constexpr const char* kLdapExtras = R"toml(
filter = "(&(objectClass=user)(sAMAccountName={user}))"
phone_attributes = ["mobile"]
first_name_attribute = "givenName"
last_name_attribute = "surname"
language_attribute = ""
level_attribute = "employeeType"
phone_region = "US"
min_duration_ms = 150
)toml";

TEST(CredentialVerifierConfigTest, ReadsTheLdapTable) {
  auto c = read(std::string(kLdap) + kLdapExtras);
  ASSERT_TRUE(c.ok()) << c.error().toString();
  EXPECT_EQ(c->verifier, CredentialVerifierKind::kLdap);
  EXPECT_EQ(c->ldap.timeoutMs, 2000);  // [credentials] timeout_ms
  EXPECT_EQ(c->ldap.url, "ldap://127.0.0.1:3890");
  EXPECT_EQ(c->ldap.bindDn, "cn=callgate,dc=example,dc=com");
  EXPECT_EQ(c->ldap.bindPassword, "from-file");
  EXPECT_EQ(c->ldap.baseDn, "ou=people,dc=example,dc=com");
  EXPECT_EQ(c->ldap.filter, "(&(objectClass=user)(sAMAccountName={user}))");
  EXPECT_EQ(c->ldap.phoneAttributes, std::vector<std::string>{"mobile"});
  EXPECT_EQ(c->ldap.lastNameAttribute, "surname");
  EXPECT_EQ(c->ldap.languageAttribute, "");
  EXPECT_EQ(c->ldap.levelAttribute, "employeeType");
  EXPECT_EQ(c->ldap.phoneRegion, "US");
  EXPECT_EQ(c->ldap.minDurationMs, 150);
  EXPECT_FALSE(c->ldap.startTls);
}

TEST(CredentialVerifierConfigTest, TheEnvironmentsBindPasswordWinsOverTheFile) {
  ::setenv("CALLGATE_LDAP_BIND_PASSWORD", "from-env", 1);
  auto c = read(kLdap);
  ::unsetenv("CALLGATE_LDAP_BIND_PASSWORD");
  ASSERT_TRUE(c.ok()) << c.error().toString();
  EXPECT_EQ(c->ldap.bindPassword, "from-env");
}

TEST(CredentialVerifierConfigTest, TlsToAnyHostPlainTextOnlyToLoopback) {
  const char* ok[] = {
      "url = \"ldaps://dc1.example.com\"\n",
      "url = \"ldaps://dc1.example.com:636 ldaps://dc2.example.com:636\"\n",
      "url = \"ldap://dc1.example.com\"\nstarttls = true\n",
      "url = \"ldap://localhost:389/\"\n",
      "url = \"ldap://[::1]:389\"\n",
      "url = \"ldap://10.0.0.5\"\nallow_insecure = true\n",
  };
  const std::string line = "url = \"ldap://127.0.0.1:3890\"\n";
  for (const char* url : ok) {
    std::string text = kLdap;
    auto c = read(text.replace(text.find(line), line.size(), url));
    EXPECT_TRUE(c.ok()) << url << ": " << c.error().toString();
  }
}

TEST(CredentialVerifierConfigTest, RejectsUnknownKeysAndBadValuesByName) {
  const std::pair<std::string, const char*> cases[] = {
      {"[credentials]\nverifier = \"kerberos\"\n", "credentials.verifier"},
      {"[credentials]\nverifer = \"ldap\"\n", "credentials.verifer"},
      {"[credentials]\ntimeout_ms = 50\n", "credentials.timeout_ms"},
      {"[credentials]\ntimeout_ms = 9000\n", "credentials.timeout_ms"},
      {"[credentials.ldap]\nuri = \"ldap://127.0.0.1\"\n", "credentials.ldap.uri"},
      {"[credentials.ldap]\nstarttls = \"yes\"\n", "credentials.ldap.starttls"},
      {"[credentials.ldap]\nphone_attributes = \"mobile\"\n", "credentials.ldap.phone_attributes"},
      {"[credentials.ldap]\nmin_duration_ms = -1\n", "credentials.ldap.min_duration_ms"},
      {"[credentials.kerberos]\nrealm = \"X\"\n", "credentials.kerberos"},
  };
  for (const auto& [text, key] : cases) {
    auto c = read(text);
    ASSERT_FALSE(c.ok()) << text;
    EXPECT_NE(c.error().message().find(key), std::string::npos) << c.error().message();
  }
}

TEST(CredentialVerifierConfigTest, TheChosenLdapTableMustBeComplete) {
  const auto replaced = [](const std::string& from, const std::string& to) {
    std::string text = kLdap;
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return text.replace(at, from.size(), to);
  };
  const std::pair<std::string, const char*> cases[] = {
      {replaced("url = \"ldap://127.0.0.1:3890\"", ""), "credentials.ldap.url is required"},
      {replaced("base_dn = \"ou=people,dc=example,dc=com\"", ""), "credentials.ldap.base_dn"},
      {replaced("bind_password = \"from-file\"", ""), "credentials.ldap.bind_password"},
      {replaced("bind_dn = \"cn=callgate,dc=example,dc=com\"", ""), "credentials.ldap.bind_dn"},
      {replaced("127.0.0.1:3890", "dc1.example.com"), "not loopback"},
      {replaced("ldap://127.0.0.1:3890", "http://127.0.0.1"), "credentials.ldap.url"},
      {replaced("127.0.0.1:3890", "127.0.0.1:99999"), "port"},
      {replaced("127.0.0.1:3890", "127.0.0.1/dc=x?uid"), "only a host and port"},
      {replaced("ldap://127.0.0.1:3890\"", "ldaps://127.0.0.1\"\nstarttls = true"), "starttls"},
      {std::string(kLdap) + "filter = \"uid={user}\"\n", "credentials.ldap.filter"},
      {std::string(kLdap) + "filter = \"(uid=x)\"\n", "credentials.ldap.filter"},
      {std::string(kLdap) + "filter = \"(&(uid={user})\"\n", "unbalanced"},
      {std::string(kLdap) + "phone_attributes = []\n", "credentials.ldap.phone_attributes"},
      {std::string(kLdap) + "phone_attributes = [\"mob ile\"]\n", "phone_attributes"},
      {std::string(kLdap) + "first_name_attribute = \"given(Name\"\n", "first_name_attribute"},
      {std::string(kLdap) + "phone_region = \"usa\"\n", "credentials.ldap.phone_region"},
      {std::string(kLdap) + "min_duration_ms = 2500\n", "credentials.ldap.min_duration_ms"},
      {std::string(kLdap) + "ca_file = \"/nonexistent/ca.pem\"\n", "credentials.ldap.ca_file"},
  };
  for (const auto& [text, what] : cases) {
    auto c = read(text);
    ASSERT_FALSE(c.ok()) << text;
    EXPECT_NE(c.error().message().find(what), std::string::npos) << c.error().message();
    // A rejected config never echoes the bind password.
    EXPECT_EQ(c.error().message().find("from-file"), std::string::npos) << c.error().message();
  }
}

TEST(CredentialVerifierConfigTest, AnotherVerifiersTableIsReadButNotRequired) {
  // [credentials.ldap] with verifier = "builtin": read by key, not checked for completeness.
  auto c = read("[credentials.ldap]\nbase_dn = \"dc=x\"\n");
  ASSERT_TRUE(c.ok()) << c.error().toString();
  EXPECT_EQ(c->verifier, CredentialVerifierKind::kBuiltin);
}

}  // namespace
}  // namespace callgate::app
