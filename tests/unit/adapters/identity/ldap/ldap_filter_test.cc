#include "adapters/identity/ldap/ldap_filter.h"

#include <gtest/gtest.h>
#include <ldap.h>

#include <algorithm>
#include <cctype>

namespace callgate {
namespace {

TEST(LdapFilterTest, EscapesTheFiveCharactersOfRfc4515) {
  EXPECT_EQ(escapeLdapFilterValue("12345678"), "12345678");
  EXPECT_EQ(escapeLdapFilterValue("*"), "\\2a");
  EXPECT_EQ(escapeLdapFilterValue("("), "\\28");
  EXPECT_EQ(escapeLdapFilterValue(")"), "\\29");
  EXPECT_EQ(escapeLdapFilterValue("\\"), "\\5c");
  EXPECT_EQ(escapeLdapFilterValue(std::string_view("a\0b", 3)), "a\\00b");
}

TEST(LdapFilterTest, EscapesControlsAndNonAsciiBytes) {
  EXPECT_EQ(escapeLdapFilterValue("a\nb\x7f"), "a\\0ab\\7f");
  EXPECT_EQ(escapeLdapFilterValue("\xc3\xa9"), "\\c3\\a9");  // é in UTF-8: same value, escaped
}

TEST(LdapFilterTest, AnInjectionStaysOneAssertionValue) {
  const std::string filter = expandLdapFilter("(uid={user})", "*)(uid=*");
  EXPECT_EQ(filter, "(uid=\\2a\\29\\28uid=\\2a)");
  // Nothing but the template's own parentheses and no wildcard are left.
  EXPECT_EQ(filter.find('*'), std::string::npos);
  EXPECT_EQ(std::count(filter.begin(), filter.end(), '('), 1);
  EXPECT_EQ(std::count(filter.begin(), filter.end(), ')'), 1);
  EXPECT_EQ(expandLdapFilter("(|(uid={user})(employeeNumber={user}))", "*"),
            "(|(uid=\\2a)(employeeNumber=\\2a))");
}

TEST(LdapFilterTest, AgreesWithLibldapOnWhatMustBeEscaped) {
  // libldap's own escaping (ldap_bv2escaped_filter_value) of the special characters: the same
  // text; for other bytes ours escapes more, which RFC 4515 allows.
  const std::string inputs[] = {"*)(uid=*", "a\\b", "12345678", "x(y)z", "*"};
  for (const std::string& in : inputs) {
    berval value{static_cast<ber_len_t>(in.size()), const_cast<char*>(in.data())};
    berval escaped{0, nullptr};
    ASSERT_EQ(ldap_bv2escaped_filter_value(&value, &escaped), 0);
    // libldap writes upper-case hex digits; RFC 4515's HEX allows either case.
    std::string theirs(escaped.bv_val, escaped.bv_len);
    for (char& c : theirs) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_EQ(theirs, escapeLdapFilterValue(in)) << in;
    ber_memfree(escaped.bv_val);
  }
}

TEST(LdapFilterTest, ATemplateWithoutThePlaceholderIsLeftAsItIs) {
  EXPECT_EQ(expandLdapFilter("(objectClass=*)", "1234"), "(objectClass=*)");
}

}  // namespace
}  // namespace callgate
