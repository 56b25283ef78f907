#include "functions/customer_csv.h"

#include <gtest/gtest.h>

namespace callgate {
namespace {

TEST(CustomerCsvTest, ParsesValidRowsAndNormalisesPhones) {
  auto r = parseCustomerCsv(
      "phone,first_name,last_name,level,language\n"
      "+1 415 555 0100,Ada,Lovelace,Gold,en-GB\r\n"
      "\"+14155550101\",\"Hopper, Grace\",\"O\"\"Brien\",,\n");
  ASSERT_TRUE(r.ok()) << r.error().toString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].phone, "+14155550100");
  EXPECT_EQ((*r)[0].language, "en-GB");
  EXPECT_EQ((*r)[1].firstName, "Hopper, Grace");
  EXPECT_EQ((*r)[1].lastName, "O\"Brien");
  EXPECT_EQ((*r)[1].level, "Standard");
  EXPECT_EQ((*r)[1].language, "en-US");
}

TEST(CustomerCsvTest, ReportsTheLineOfABadRow) {
  auto r = parseCustomerCsv(
      "phone,first_name,last_name,level,language\n"
      "+14155550100,Ada,Lovelace,Gold,en-US\n"
      "\n"
      "not-a-phone,Bob,Builder,Gold,en-US\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("line 4"), std::string::npos) << r.error().message();
}

TEST(CustomerCsvTest, RejectsWrongHeaderFieldCountDuplicatesAndMissingNames) {
  EXPECT_FALSE(parseCustomerCsv("phone,name\n+14155550100,Ada\n").ok());
  EXPECT_FALSE(parseCustomerCsv("").ok());
  auto fields = parseCustomerCsv("phone,first_name,last_name,level,language\n+14155550100,Ada\n");
  ASSERT_FALSE(fields.ok());
  EXPECT_NE(fields.error().message().find("line 2"), std::string::npos);
  auto dup = parseCustomerCsv(
      "phone,first_name,last_name,level,language\n+14155550100,A,B,,\n+1 415 555 0100,C,D,,\n");
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.error().message().find("line 3"), std::string::npos);
  EXPECT_FALSE(
      parseCustomerCsv("phone,first_name,last_name,level,language\n+14155550100,,B,,\n").ok());
  EXPECT_FALSE(
      parseCustomerCsv("phone,first_name,last_name,level,language\n+14155550100,A,B,,e n\n").ok());
}

TEST(CustomerCsvTest, RejectsBrokenQuoting) {
  EXPECT_FALSE(parseCsv("a,\"b\nc").ok());
  EXPECT_FALSE(parseCsv("a,b\"c\",d").ok());
}

TEST(CustomerCsvTest, QuotedNewlinesKeepLineNumbersRight) {
  auto r = parseCsv("h\n\"x\ny\"\nz\n");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[1].line, 2);
  EXPECT_EQ((*r)[2].line, 4);
}

}  // namespace
}  // namespace callgate
