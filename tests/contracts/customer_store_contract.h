// The CustomerStore contract (core/ports.h). Factory: customers().
#pragma once

#include <gtest/gtest.h>

#include <mutex>
#include <string>
#include <vector>

#include "contracts/contract_support.h"
#include "core/ports.h"

namespace callgate::contracts {

inline Customer contractCustomer(const std::string& phone, const std::string& userId = "",
                                 const std::string& firstName = "Grace") {
  Customer c{phone, firstName, "Hopper", "Gold", "en-US", fromUnixMillis(1'700'000'000'123)};
  c.userId = userId;
  return c;
}

template <class Factory>
class CustomerStoreContract : public ::testing::Test {
 protected:
  CustomerStore& store() { return factory_.customers(); }
  int64_t count() {
    auto n = store().count();
    EXPECT_TRUE(n.ok()) << n.error().toString();
    return n.ok() ? *n : -1;
  }

  Factory factory_;
};

TYPED_TEST_SUITE_P(CustomerStoreContract);

TYPED_TEST_P(CustomerStoreContract, FindsNothingInAnEmptyStore) {
  auto byPhone = this->store().findByPhone("+15550100001");
  ASSERT_TRUE(byPhone.ok()) << byPhone.error().toString();
  EXPECT_FALSE(byPhone->has_value());
  auto byUserId = this->store().findByUserId("12345678");
  ASSERT_TRUE(byUserId.ok()) << byUserId.error().toString();
  EXPECT_FALSE(byUserId->has_value());
  EXPECT_EQ(this->count(), 0);
}

TYPED_TEST_P(CustomerStoreContract, AddThenFindRoundTripsEveryFieldByExactKeys) {
  Customer c = contractCustomer("+442071838750", "12345678", "Zoë");
  c.lastName = "O'Brien \"the\" 李";
  c.level = "Platinum";
  c.language = "fr-CA";
  ASSERT_TRUE(this->store().add(c).ok());
  auto byPhone = this->store().findByPhone("+442071838750");
  ASSERT_TRUE(byPhone.ok() && byPhone->has_value());
  EXPECT_EQ(**byPhone, c);
  auto byUserId = this->store().findByUserId("12345678");
  ASSERT_TRUE(byUserId.ok() && byUserId->has_value());
  EXPECT_EQ(**byUserId, c);
  // Exact matches, not prefixes.
  EXPECT_FALSE(this->store().findByPhone("+44207183875")->has_value());
  EXPECT_FALSE(this->store().findByUserId("1234567")->has_value());
  EXPECT_EQ(this->count(), 1);
}

TYPED_TEST_P(CustomerStoreContract, AddRefusesATakenPhoneAndKeepsTheOriginal) {
  ASSERT_TRUE(this->store().add(contractCustomer("+15550100001", "", "First")).ok());
  Status s = this->store().add(contractCustomer("+15550100001", "", "Second"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_NE(s.error().message().find("+15550100001"), std::string::npos) << s.error().message();
  EXPECT_EQ((*this->store().findByPhone("+15550100001"))->firstName, "First");
  EXPECT_EQ(this->count(), 1);
}

TYPED_TEST_P(CustomerStoreContract, AddRefusesATakenUserIdByName) {
  ASSERT_TRUE(this->store().add(contractCustomer("+14155550100", "12345678")).ok());
  Status s = this->store().add(contractCustomer("+14155550101", "12345678"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_NE(s.error().message().find("user id 12345678"), std::string::npos) << s.error().message();
  EXPECT_FALSE(this->store().findByPhone("+14155550101")->has_value());
  EXPECT_EQ((*this->store().findByUserId("12345678"))->phone, "+14155550100");
}

TYPED_TEST_P(CustomerStoreContract, CustomersWithoutAUserIdDoNotCollide) {
  ASSERT_TRUE(this->store().add(contractCustomer("+14155550100")).ok());
  ASSERT_TRUE(this->store().add(contractCustomer("+14155550101")).ok());
  EXPECT_EQ((*this->store().findByPhone("+14155550101"))->userId, "");
  // "" means "no user id": it is never a key.
  auto none = this->store().findByUserId("");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  EXPECT_EQ(this->count(), 2);
}

TYPED_TEST_P(CustomerStoreContract, AddAllInsertsEveryRow) {
  std::vector<Customer> batch;
  for (int i = 0; i < 100; ++i) {
    batch.push_back(
        contractCustomer("+1555010" + std::to_string(1000 + i), std::to_string(10000000 + i)));
  }
  ASSERT_TRUE(this->store().addAll(batch).ok());
  EXPECT_EQ(this->count(), 100);
  EXPECT_EQ(**this->store().findByPhone("+15550101042"), batch[42]);
  EXPECT_EQ(**this->store().findByUserId("10000042"), batch[42]);
  EXPECT_TRUE(this->store().addAll({}).ok());
  EXPECT_EQ(this->count(), 100);
}

TYPED_TEST_P(CustomerStoreContract, AddAllIsAllOrNothingAndNamesTheFirstDuplicate) {
  ASSERT_TRUE(this->store().add(contractCustomer("+15550100002", "", "Existing")).ok());
  // The second record collides with a stored one, the fourth with the third.
  Status s = this->store().addAll(
      {contractCustomer("+15550100001"), contractCustomer("+15550100002", "", "New"),
       contractCustomer("+15550100003"), contractCustomer("+15550100003")});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_NE(s.error().message().find("+15550100002"), std::string::npos) << s.error().message();
  EXPECT_EQ(this->count(), 1);
  EXPECT_FALSE(this->store().findByPhone("+15550100001")->has_value());
  EXPECT_EQ((*this->store().findByPhone("+15550100002"))->firstName, "Existing");
  // The store is usable after the failed batch.
  EXPECT_TRUE(this->store().add(contractCustomer("+15550100001")).ok());
}

TYPED_TEST_P(CustomerStoreContract, AddAllRefusesDuplicatesWithinTheBatch) {
  Status phones =
      this->store().addAll({contractCustomer("+15550100001"), contractCustomer("+15550100009"),
                            contractCustomer("+15550100009")});
  ASSERT_FALSE(phones.ok());
  EXPECT_EQ(phones.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_NE(phones.error().message().find("+15550100009"), std::string::npos);
  Status userIds = this->store().addAll(
      {contractCustomer("+15550100001", "12345678"), contractCustomer("+15550100002", "12345678")});
  ASSERT_FALSE(userIds.ok());
  EXPECT_EQ(userIds.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_NE(userIds.error().message().find("user id 12345678"), std::string::npos);
  EXPECT_EQ(this->count(), 0);
}

TYPED_TEST_P(CustomerStoreContract, APinNeedsAUserId) {
  Status s = this->store().addWithPins(
      {{contractCustomer("+14155550100", "12345678"), "hash-a"},
       {contractCustomer("+14155550101"), "hash-b"}});  // a PIN without a user id
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(this->count(), 0);
}

TYPED_TEST_P(CustomerStoreContract, ConcurrentAddsOfOnePhoneHaveExactlyOneWinner) {
  int duplicates = 0;
  std::mutex mu;
  const int wins = race([&](int i) {
    Status s = this->store().add(
        contractCustomer("+15550100001", std::to_string(20000000 + i), std::to_string(i)));
    if (!s.ok()) {
      EXPECT_EQ(s.error().code(), ErrorCode::kAlreadyExists) << s.error().toString();
      std::lock_guard lock(mu);
      ++duplicates;
    }
    return s.ok();
  });
  EXPECT_EQ(wins, 1);
  EXPECT_EQ(duplicates, kRacers - 1);
  EXPECT_EQ(this->count(), 1);
}

TYPED_TEST_P(CustomerStoreContract, CountUpToStopsAtTheLimit) {
  auto empty = this->store().countUpTo(10);
  ASSERT_TRUE(empty.ok()) << empty.error().toString();
  EXPECT_EQ(*empty, 0);
  std::vector<Customer> batch;
  for (int i = 0; i < 25; ++i)
    batch.push_back(contractCustomer("+1555030" + std::to_string(1000 + i)));
  ASSERT_TRUE(this->store().addAll(batch).ok());
  EXPECT_EQ(*this->store().countUpTo(10), 10);
  EXPECT_EQ(*this->store().countUpTo(25), 25);
  EXPECT_EQ(*this->store().countUpTo(1000), 25);
  EXPECT_EQ(*this->store().countUpTo(0), 0);
}

TYPED_TEST_P(CustomerStoreContract, RegionsOnFileAreTheDistinctRegionsOfTheNumbers) {
  auto none = this->store().regionsOnFile();
  ASSERT_TRUE(none.ok()) << none.error().toString();
  EXPECT_TRUE(none->empty());
  // +1 is shared: 416 is Toronto (CA), 212 New York (US). +800 is of no region.
  ASSERT_TRUE(this->store()
                  .addAll({contractCustomer("+14165550123"), contractCustomer("+12125550123"),
                           contractCustomer("+12125550124"), contractCustomer("+442071838750"),
                           contractCustomer("+80012345678")})
                  .ok());
  auto regions = this->store().regionsOnFile();
  ASSERT_TRUE(regions.ok()) << regions.error().toString();
  EXPECT_EQ(*regions, (std::vector<std::string>{"CA", "GB", "US"}));
  ASSERT_TRUE(this->store().add(contractCustomer("+33142685300", "12345678")).ok());
  EXPECT_EQ(*this->store().regionsOnFile(), (std::vector<std::string>{"CA", "FR", "GB", "US"}));
}

TYPED_TEST_P(CustomerStoreContract, FindByPhoneSuffixMatchesTheLastDigitsInPhoneOrder) {
  ASSERT_TRUE(this->store()
                  .addAll({contractCustomer("+442071834321", "", "London"),
                           contractCustomer("+14155554321", "12345678", "Ada"),
                           contractCustomer("+14155550321", "", "Near"),
                           contractCustomer("+14155554322", "", "Off")})
                  .ok());
  auto four = this->store().findByPhoneSuffix("4321", 10);
  ASSERT_TRUE(four.ok()) << four.error().toString();
  ASSERT_EQ(four->size(), 2u);
  EXPECT_EQ((*four)[0].phone, "+14155554321");  // ordered by phone
  EXPECT_EQ((*four)[0].userId, "12345678");     // every field read back
  EXPECT_EQ((*four)[1].phone, "+442071834321");
  // More digits narrow it; the whole number matches itself.
  auto six = this->store().findByPhoneSuffix("554321", 10);
  ASSERT_TRUE(six.ok());
  ASSERT_EQ(six->size(), 1u);
  EXPECT_EQ((*six)[0].firstName, "Ada");
  auto whole = this->store().findByPhoneSuffix("14155554321", 10);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(whole->size(), 1u);
  // Same last four, different fifth digit; and nothing at all.
  EXPECT_TRUE(this->store().findByPhoneSuffix("94321", 10)->empty());
  EXPECT_TRUE(this->store().findByPhoneSuffix("9999", 10)->empty());
  // The limit.
  auto one = this->store().findByPhoneSuffix("4321", 1);
  ASSERT_TRUE(one.ok());
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].phone, "+14155554321");
}

TYPED_TEST_P(CustomerStoreContract, FindByPhoneSuffixRefusesTooFewDigitsOrOtherCharacters) {
  ASSERT_TRUE(this->store().add(contractCustomer("+14155554321")).ok());
  for (const char* bad : {"321", "", "43 21", "+4321", "43%1", "1234567890123456"}) {
    auto r = this->store().findByPhoneSuffix(bad, 10);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument) << bad;
  }
}

REGISTER_TYPED_TEST_SUITE_P(CustomerStoreContract, FindsNothingInAnEmptyStore,
                            AddThenFindRoundTripsEveryFieldByExactKeys,
                            AddRefusesATakenPhoneAndKeepsTheOriginal, AddRefusesATakenUserIdByName,
                            CustomersWithoutAUserIdDoNotCollide, AddAllInsertsEveryRow,
                            AddAllIsAllOrNothingAndNamesTheFirstDuplicate,
                            AddAllRefusesDuplicatesWithinTheBatch, APinNeedsAUserId,
                            ConcurrentAddsOfOnePhoneHaveExactlyOneWinner, CountUpToStopsAtTheLimit,
                            RegionsOnFileAreTheDistinctRegionsOfTheNumbers,
                            FindByPhoneSuffixMatchesTheLastDigitsInPhoneOrder,
                            FindByPhoneSuffixRefusesTooFewDigitsOrOtherCharacters);

}  // namespace callgate::contracts
