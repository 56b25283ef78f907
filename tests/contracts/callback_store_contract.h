// The CallbackStore contract (core/callback.h). Factory: callbacks(), clock().
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "contracts/contract_support.h"
#include "core/callback.h"

namespace callgate::contracts {

template <class Factory>
class CallbackStoreContract : public ::testing::Test {
 protected:
  CallbackStore& store() { return factory_.callbacks(); }
  CallbackRequest request(const std::string& phone, Seconds delay) {
    CallbackRequest r;
    r.contactId = "c-" + phone;
    r.phone = phone;
    r.queue = "support";
    r.createdAt = factory_.clock().now();
    r.notBefore = r.createdAt + delay;
    r.maxAttempts = 2;
    r.retryDelaySeconds = 300;
    return r;
  }
  std::vector<CallbackRequest> list(std::size_t limit = 100) {
    auto l = store().list(limit);
    EXPECT_TRUE(l.ok()) << l.error().toString();
    return l.ok() ? *l : std::vector<CallbackRequest>{};
  }

  Factory factory_;
};

TYPED_TEST_SUITE_P(CallbackStoreContract);

TYPED_TEST_P(CallbackStoreContract, AnEmptyStoreListsNothing) {
  EXPECT_TRUE(this->list().empty());
  auto count = this->store().countCreatedSince("+14155550100", TimePoint{});
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count, 0);
}

TYPED_TEST_P(CallbackStoreContract, AddAssignsNewIdsAndRoundTripsEveryField) {
  CallbackRequest r = this->request("+14155550100", Seconds(30));
  r.id = 99;
  r.contactFlowId = "arn:aws:connect:us-east-1:1:instance/i/contact-flow/cb";
  auto first = this->store().add(r);
  ASSERT_TRUE(first.ok()) << first.error().toString();
  auto second = this->store().add(this->request("+14155550101", Seconds(60)));
  ASSERT_TRUE(second.ok());
  EXPECT_GT(*first, 0);
  EXPECT_NE(*first, *second);
  std::vector<CallbackRequest> listed = this->list();
  ASSERT_EQ(listed.size(), 2u);
  r.id = *first;  // the given id is ignored
  EXPECT_EQ(listed[0], r);
}

TYPED_TEST_P(CallbackStoreContract, ListsTheEarliestDueFirstUpToTheLimit) {
  ASSERT_TRUE(this->store().add(this->request("+14155550100", Seconds(600))).ok());
  ASSERT_TRUE(this->store().add(this->request("+14155550101", Seconds(5))).ok());
  ASSERT_TRUE(this->store().add(this->request("+14155550102", Seconds(60))).ok());
  std::vector<CallbackRequest> listed = this->list();
  ASSERT_EQ(listed.size(), 3u);
  EXPECT_EQ(listed[0].phone, "+14155550101");
  EXPECT_EQ(listed[1].phone, "+14155550102");
  EXPECT_EQ(listed[2].phone, "+14155550100");
  std::vector<CallbackRequest> two = this->list(2);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[1].phone, "+14155550102");
}

TYPED_TEST_P(CallbackStoreContract, CountsOneNumbersRequestsSinceATime) {
  const TimePoint start = this->factory_.clock().now();
  ASSERT_TRUE(this->store().add(this->request("+14155550100", Seconds(5))).ok());
  this->factory_.clock().advance(Seconds(120));
  ASSERT_TRUE(this->store().add(this->request("+14155550100", Seconds(5))).ok());
  ASSERT_TRUE(this->store().add(this->request("+14155550101", Seconds(5))).ok());
  auto all = this->store().countCreatedSince("+14155550100", start);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(*all, 2);
  auto recent = this->store().countCreatedSince("+14155550100", start + Seconds(60));
  ASSERT_TRUE(recent.ok());
  EXPECT_EQ(*recent, 1);
}

REGISTER_TYPED_TEST_SUITE_P(CallbackStoreContract, AnEmptyStoreListsNothing,
                            AddAssignsNewIdsAndRoundTripsEveryField,
                            ListsTheEarliestDueFirstUpToTheLimit,
                            CountsOneNumbersRequestsSinceATime);

}  // namespace callgate::contracts
