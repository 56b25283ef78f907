// The MemberStore contract (core/ports.h, core/member.h). Factory: customers() and members() over
// one database, clock().
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "contracts/contract_support.h"
#include "contracts/customer_store_contract.h"
#include "core/ports.h"

namespace callgate::contracts {

template <class Factory>
class MemberStoreContract : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(factory_.customers().add(contractCustomer("+14155550100", "12345678")).ok());
    ASSERT_TRUE(factory_.customers().add(contractCustomer("+14155550101", "87654321")).ok());
  }
  MemberStore& store() { return factory_.members(); }
  Member member(const std::string& account, const std::string& name) {
    return Member{0, account, name, "child", "2015-06-01", "", factory_.clock().now()};
  }
  std::vector<Member> list(const std::string& account) {
    auto l = store().listByAccount(account);
    EXPECT_TRUE(l.ok()) << l.error().toString();
    return l.ok() ? *l : std::vector<Member>{};
  }

  Factory factory_;
};

TYPED_TEST_SUITE_P(MemberStoreContract);

TYPED_TEST_P(MemberStoreContract, AnAccountWithoutMembersListsNone) {
  EXPECT_TRUE(this->list("12345678").empty());
  EXPECT_TRUE(this->list("99999999").empty());
}

TYPED_TEST_P(MemberStoreContract, AddAssignsANewIdAndRoundTripsEveryField) {
  Member m{4242,
           "12345678",
           "Grace Hopper",
           "spouse",
           "1990-02-28",
           "+14155550199",
           this->factory_.clock().now()};
  auto id = this->store().add(m);
  ASSERT_TRUE(id.ok()) << id.error().toString();
  EXPECT_GT(*id, 0);
  const std::vector<Member> listed = this->list("12345678");
  ASSERT_EQ(listed.size(), 1u);
  m.id = *id;  // the given id is ignored
  EXPECT_EQ(listed[0], m);
}

TYPED_TEST_P(MemberStoreContract, ListsTheMembersOfOneAccountOldestFirst) {
  std::vector<int64_t> ids;
  for (const char* name : {"First", "Second", "Third"}) {
    auto id = this->store().add(this->member("12345678", name));
    ASSERT_TRUE(id.ok());
    ids.push_back(*id);
    ASSERT_TRUE(this->store().add(this->member("87654321", std::string("Other ") + name)).ok());
  }
  const std::vector<Member> listed = this->list("12345678");
  ASSERT_EQ(listed.size(), 3u);
  EXPECT_EQ(listed[0].name, "First");
  EXPECT_EQ(listed[1].name, "Second");
  EXPECT_EQ(listed[2].name, "Third");
  for (size_t i = 0; i < listed.size(); ++i) {
    EXPECT_EQ(listed[i].id, ids[i]);
    EXPECT_EQ(listed[i].accountUserId, "12345678");
  }
  EXPECT_EQ(this->list("87654321").size(), 3u);
}

TYPED_TEST_P(MemberStoreContract, AddNeedsAnExistingAccount) {
  auto orphan = this->store().add(this->member("99999999", "Nobody's"));
  ASSERT_FALSE(orphan.ok());
  EXPECT_EQ(orphan.error().code(), ErrorCode::kNotFound);
  auto noAccount = this->store().add(this->member("", "Nobody's"));
  ASSERT_FALSE(noAccount.ok());
  EXPECT_EQ(noAccount.error().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(this->list("99999999").empty());
  EXPECT_TRUE(this->list("").empty());
}

TYPED_TEST_P(MemberStoreContract, ConcurrentAddsAreAllKeptWithDistinctIds) {
  race([&](int i) {
    auto id = this->store().add(this->member("12345678", "Member " + std::to_string(i)));
    EXPECT_TRUE(id.ok());
    return id.ok();
  });
  const std::vector<Member> listed = this->list("12345678");
  ASSERT_EQ(listed.size(), static_cast<size_t>(kRacers));
  for (size_t i = 1; i < listed.size(); ++i) EXPECT_LT(listed[i - 1].id, listed[i].id);
}

REGISTER_TYPED_TEST_SUITE_P(MemberStoreContract, AnAccountWithoutMembersListsNone,
                            AddAssignsANewIdAndRoundTripsEveryField,
                            ListsTheMembersOfOneAccountOldestFirst, AddNeedsAnExistingAccount,
                            ConcurrentAddsAreAllKeptWithDistinctIds);

}  // namespace callgate::contracts
