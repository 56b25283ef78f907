#include "channels/console/customers_routes.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "common/form.h"
#include "unit/channels/console/operator_test_support.h"

namespace callgate::console {
namespace {

class CustomersRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    addCustomerRoutes(bed.router, bed.guard, bed.customersDeps());
    Customer ada{"+14155554321", "Ada", "Lovelace", "Gold", "en-GB", bed.clock.now()};
    ada.userId = "12345678";
    ASSERT_TRUE(bed.customers.add(ada).ok());
  }
  int64_t count() { return *bed.customers.count(); }

  OperatorTestBed bed;
};

TEST_F(CustomersRoutesTest, AnAgentIsRefusedEveryRouteAndNobodyIsSentToSignIn) {
  EXPECT_EQ(bed.call("GET", "/console/customers?q=4321", kAgent).status, 403);
  EXPECT_EQ(bed.call("POST", "/console/customers/unlock", kAgent, "user_id=12345678").status, 403);
  EXPECT_EQ(bed.call("POST", "/console/customers/add", kAgent, "phone=%2B14155550199").status, 403);
  EXPECT_EQ(bed.call("POST", "/console/customers/import", kAgent, "csv=x").status, 403);
  const http::Response anonymous = bed.call("GET", "/console/customers", "");
  EXPECT_EQ(anonymous.status, 303);
  EXPECT_EQ(headerOf(anonymous, "Location"), "/console/login");
}

TEST_F(CustomersRoutesTest, SearchByLastDigitsMasksTheNumberAndEscapesNames) {
  Customer hostile{"+442071834321", "<script>alert(1)</script>", "O'Neil & \"Co\"", "Gold", "en-GB",
                   bed.clock.now()};
  ASSERT_TRUE(bed.customers.add(hostile).ok());
  const http::Response page = bed.call("GET", "/console/customers?q=4321", kSupervisor);
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.contentType, "text/html; charset=utf-8");
  EXPECT_FALSE(headerOf(page, "Content-Security-Policy").empty());
  EXPECT_TRUE(contains(page.body, "Ada Lovelace"));
  EXPECT_TRUE(contains(page.body, "+\u2022\u2022\u2022\u2022\u2022\u2022\u20224321"));
  EXPECT_TRUE(contains(page.body, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_TRUE(contains(page.body, "O&#39;Neil &amp; &quot;Co&quot;"));
  EXPECT_FALSE(contains(page.body, "<script>alert"));
  // No full number anywhere, not even part of one beyond the last four digits.
  EXPECT_FALSE(contains(page.body, "4155554321"));
  EXPECT_FALSE(contains(page.body, "2071834321"));
  EXPECT_TRUE(contains(page.body, "2 customers"));
}

TEST_F(CustomersRoutesTest, SearchByUserIdIsExactAndShortInputIsExplained) {
  EXPECT_TRUE(
      contains(bed.call("GET", "/console/customers?q=12345678", kSupervisor).body, "Ada Lovelace"));
  EXPECT_TRUE(contains(bed.call("GET", "/console/customers?q=1234567", kSupervisor).body,
                       "No customer matches"));
  EXPECT_TRUE(
      contains(bed.call("GET", "/console/customers?q=321", kSupervisor).body, "at least 4 digits"));
  EXPECT_TRUE(
      contains(bed.call("GET", "/console/customers?q=ada", kSupervisor).body, "digits only"));
  // Separators people type are fine.
  EXPECT_TRUE(
      contains(bed.call("GET", "/console/customers?q=555-4321", kSupervisor).body, "Ada Lovelace"));
}

TEST_F(CustomersRoutesTest, ALockedPinIsShownAndUnlockedWithAnAuditEvent) {
  // Five wrong PINs: the default policy's first step, a 15-minute lock.
  bed.credentials.failures["12345678"] =
      PinFailureState{5, {}, bed.clock.now() + std::chrono::minutes(14)};
  const http::Response page = bed.call("GET", "/console/customers?q=12345678", kSupervisor);
  EXPECT_TRUE(contains(page.body, "Locked</span> until"));
  EXPECT_TRUE(contains(page.body, "Unlock PIN"));
  EXPECT_TRUE(contains(page.body, "name=\"csrf\" value=\"test-csrf-token\""));

  // Without the CSRF token: refused, still locked, nothing audited.
  EXPECT_EQ(
      bed.call("POST", "/console/customers/unlock", kSupervisor, "user_id=12345678", false).status,
      403);
  EXPECT_EQ(bed.credentials.failures.count("12345678"), 1u);
  EXPECT_TRUE(bed.audit.events.empty());

  const http::Response done =
      bed.call("POST", "/console/customers/unlock", kSupervisor, "user_id=12345678");
  EXPECT_EQ(done.status, 303);
  EXPECT_EQ(headerOf(done, "Location"), "/console/customers?q=12345678&notice=unlocked");
  EXPECT_EQ(bed.credentials.failures.count("12345678"), 0u);
  ASSERT_EQ(bed.audit.events.size(), 1u);
  EXPECT_EQ(bed.audit.events[0].first, "console_pin_unlocked");
  const auto& fields = bed.audit.events[0].second;
  EXPECT_NE(
      std::find(fields.begin(), fields.end(), std::pair<std::string, std::string>{"by", "sam"}),
      fields.end());
  EXPECT_NE(std::find(fields.begin(), fields.end(),
                      std::pair<std::string, std::string>{"user_id", "12345678"}),
            fields.end());

  const http::Response after =
      bed.call("GET", "/console/customers?q=12345678&notice=unlocked", kSupervisor);
  EXPECT_TRUE(contains(after.body, "The PIN of user id 12345678 is unlocked."));
  EXPECT_TRUE(contains(after.body, "Not locked"));
  EXPECT_FALSE(contains(after.body, "Unlock PIN"));
}

TEST_F(CustomersRoutesTest, UnlockRefusesAMalformedUserId) {
  const http::Response r =
      bed.call("POST", "/console/customers/unlock", kSupervisor, "user_id=12%3Cb%3E");
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(bed.audit.events.empty());
}

TEST_F(CustomersRoutesTest, OnlyAdminsSeeAndUseTheAddAndImportForms) {
  EXPECT_FALSE(contains(bed.call("GET", "/console/customers", kSupervisor).body, "add-customer"));
  EXPECT_TRUE(contains(bed.call("GET", "/console/customers", kAdmin).body, "add-customer"));
  EXPECT_TRUE(contains(bed.call("GET", "/console/customers", kAdmin).body, "import-customers"));
  EXPECT_EQ(bed.call("POST", "/console/customers/add", kSupervisor,
                     "phone=%2B14155550199&first_name=B&last_name=C")
                .status,
            403);
  EXPECT_EQ(count(), 1);
}

TEST_F(CustomersRoutesTest, AnAdminAddsACustomerWithAPinAndItIsAudited) {
  const http::Response r = bed.call("POST", "/console/customers/add", kAdmin,
                                    "phone=%2B1+415+555+0199&first_name=Grace&last_name=Hopper"
                                    "&level=&language=&user_id=87654321&pin=2468");
  ASSERT_EQ(r.status, 303) << r.body;
  EXPECT_EQ(headerOf(r, "Location"), "/console/customers?q=87654321&notice=added");
  auto added = bed.customers.findByPhone("+14155550199");
  ASSERT_TRUE(added.ok() && added->has_value());
  EXPECT_EQ((*added)->level, "Standard");
  EXPECT_EQ((*added)->language, "en-US");
  EXPECT_EQ((*added)->userId, "87654321");
  EXPECT_EQ(bed.customers.pinHashes["87654321"], "pin(87654321|2468)");
  ASSERT_EQ(bed.audit.events.size(), 1u);
  EXPECT_EQ(bed.audit.events[0].first, "console_customer_added");
  for (const auto& [key, value] : bed.audit.events[0].second) {
    EXPECT_FALSE(contains(value, "4155550199")) << key;  // no full number
    EXPECT_FALSE(contains(value, "2468")) << key;        // no PIN
  }
}

TEST_F(CustomersRoutesTest, AddRefusesBadInputLikeTheCliAndChangesNothing) {
  const http::Response badPhone = bed.call("POST", "/console/customers/add", kAdmin,
                                           "phone=555&first_name=Grace&last_name=Hopper");
  EXPECT_EQ(badPhone.status, 400);
  EXPECT_TRUE(contains(badPhone.body, "phone"));
  EXPECT_TRUE(contains(badPhone.body, "value=\"Grace\""));  // the form keeps what was typed
  const http::Response pinWithoutId =
      bed.call("POST", "/console/customers/add", kAdmin,
               "phone=%2B14155550199&first_name=Grace&last_name=Hopper&pin=2468");
  EXPECT_EQ(pinWithoutId.status, 400);
  EXPECT_TRUE(contains(pinWithoutId.body, "a PIN needs a user id"));
  EXPECT_FALSE(contains(pinWithoutId.body, "2468"));
  const http::Response taken =
      bed.call("POST", "/console/customers/add", kAdmin,
               "phone=%2B14155550199&first_name=Grace&last_name=Hopper&user_id=12345678");
  EXPECT_EQ(taken.status, 409);
  EXPECT_TRUE(contains(taken.body, "user id 12345678"));
  EXPECT_TRUE(contains(taken.body, "nothing was added"));
  EXPECT_EQ(bed.call("POST", "/console/customers/add", kAdmin,
                     "phone=%2B14155550199&first_name=Grace&last_name=Hopper", false)
                .status,
            403);
  EXPECT_EQ(count(), 1);
  EXPECT_TRUE(bed.audit.events.empty());
}

TEST_F(CustomersRoutesTest, ImportIsAllOrNothingAndNamesTheBadLine) {
  const std::string bad =
      "phone,first_name,last_name,level,language\n"
      "+14155550101,Bea,One,Gold,en-US\n"
      "not-a-number,Cy,Two,Gold,en-US\n";
  const http::Response r =
      bed.call("POST", "/console/customers/import", kAdmin, "csv=" + http::percentEncode(bad));
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(contains(r.body, "line 3")) << r.body;
  EXPECT_TRUE(contains(r.body, "nothing was imported"));
  EXPECT_TRUE(contains(r.body, "Bea,One"));  // the text is kept for fixing
  EXPECT_EQ(count(), 1);
  EXPECT_TRUE(bed.audit.events.empty());

  // A duplicate of a stored customer fails the whole file at insert time.
  const std::string dup =
      "phone,first_name,last_name,level,language\n"
      "+14155550101,Bea,One,Gold,en-US\n"
      "+14155554321,Ada,Again,Gold,en-US\n";
  EXPECT_EQ(bed.call("POST", "/console/customers/import", kAdmin, "csv=" + http::percentEncode(dup))
                .status,
            409);
  EXPECT_EQ(count(), 1);

  const std::string good =
      "phone,first_name,last_name,level,language,user_id,pin\r\n"
      "+14155550101,Bea,One,Gold,en-US,11112222,1357\r\n"
      "+14155550102,Cy,Two,,,,\r\n";
  const http::Response ok =
      bed.call("POST", "/console/customers/import", kAdmin, "csv=" + http::percentEncode(good));
  EXPECT_EQ(ok.status, 303) << ok.body;
  EXPECT_EQ(headerOf(ok, "Location"), "/console/customers?notice=imported&count=2");
  EXPECT_EQ(count(), 3);
  EXPECT_EQ(bed.customers.pinHashes["11112222"], "pin(11112222|1357)");
  ASSERT_EQ(bed.audit.events.size(), 1u);
  EXPECT_EQ(bed.audit.events[0].first, "console_customers_imported");
  EXPECT_TRUE(contains(bed.call("GET", "/console/customers?notice=imported&count=2", kAdmin).body,
                       "Imported 2 customers."));
}

TEST_F(CustomersRoutesTest, ARefusedImportWithPinsNeverShowsThemAgain) {
  const std::string withPins =
      "phone,first_name,last_name,level,language,user_id,pin\n"
      "+14155550101,Bea,One,Gold,en-US,11112222,97531\n"
      "+14155550102,Cy,Two,Gold,en-US,,8642\n";
  const http::Response r =
      bed.call("POST", "/console/customers/import", kAdmin, "csv=" + http::percentEncode(withPins));
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(contains(r.body, "line 3: a PIN needs a user id"));
  EXPECT_FALSE(contains(r.body, "97531"));
  EXPECT_FALSE(contains(r.body, "8642"));
  EXPECT_EQ(count(), 1);
}

TEST_F(CustomersRoutesTest, AStoreThatDoesNotAnswerIsSaid) {
  bed.customers.failing = true;
  const http::Response r = bed.call("GET", "/console/customers?q=4321", kSupervisor);
  EXPECT_EQ(r.status, 503);
  EXPECT_TRUE(contains(r.body, "did not answer"));
}

}  // namespace
}  // namespace callgate::console
