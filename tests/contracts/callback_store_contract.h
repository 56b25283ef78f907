// The CallbackStore contract (core/callback.h). Factory: callbacks(), clock().
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
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
  // Adds with a limit that never refuses.
  Result<std::optional<int64_t>> add(const CallbackRequest& r) {
    return store().add(r, CallbackLimit{TimePoint{}, 1000000});
  }
  std::vector<CallbackRequest> list(std::size_t limit = 100) {
    auto l = store().list(limit);
    EXPECT_TRUE(l.ok()) << l.error().toString();
    return l.ok() ? *l : std::vector<CallbackRequest>{};
  }

  Factory factory_;
};

TYPED_TEST_SUITE_P(CallbackStoreContract);

TYPED_TEST_P(CallbackStoreContract, AnEmptyStoreListsNothing) { EXPECT_TRUE(this->list().empty()); }

TYPED_TEST_P(CallbackStoreContract, AddAssignsNewIdsAndRoundTripsEveryField) {
  CallbackRequest r = this->request("+14155550100", Seconds(30));
  r.id = 99;
  r.contactFlowId = "arn:aws:connect:us-east-1:1:instance/i/contact-flow/cb";
  auto first = this->add(r);
  ASSERT_TRUE(first.ok()) << first.error().toString();
  auto second = this->add(this->request("+14155550101", Seconds(60)));
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(*first && *second);
  EXPECT_GT(**first, 0);
  EXPECT_NE(**first, **second);
  std::vector<CallbackRequest> listed = this->list();
  ASSERT_EQ(listed.size(), 2u);
  r.id = **first;  // the given id is ignored
  EXPECT_EQ(listed[0], r);
}

TYPED_TEST_P(CallbackStoreContract, ListsTheEarliestDueFirstUpToTheLimit) {
  ASSERT_TRUE(this->add(this->request("+14155550100", Seconds(600))).ok());
  ASSERT_TRUE(this->add(this->request("+14155550101", Seconds(5))).ok());
  ASSERT_TRUE(this->add(this->request("+14155550102", Seconds(60))).ok());
  std::vector<CallbackRequest> listed = this->list();
  ASSERT_EQ(listed.size(), 3u);
  EXPECT_EQ(listed[0].phone, "+14155550101");
  EXPECT_EQ(listed[1].phone, "+14155550102");
  EXPECT_EQ(listed[2].phone, "+14155550100");
  std::vector<CallbackRequest> two = this->list(2);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[1].phone, "+14155550102");
}

TYPED_TEST_P(CallbackStoreContract, RefusesARequestOverTheLimitForItsNumberOnly) {
  const TimePoint start = this->factory_.clock().now();
  CallbackStore& store = this->store();
  auto first = store.add(this->request("+14155550100", Seconds(5)), CallbackLimit{start, 2});
  this->factory_.clock().advance(Seconds(120));
  auto second = store.add(this->request("+14155550100", Seconds(5)), CallbackLimit{start, 2});
  auto third = store.add(this->request("+14155550100", Seconds(5)), CallbackLimit{start, 2});
  auto other = store.add(this->request("+14155550101", Seconds(5)), CallbackLimit{start, 2});
  ASSERT_TRUE(first.ok() && second.ok() && third.ok() && other.ok());
  EXPECT_TRUE(first->has_value());
  EXPECT_TRUE(second->has_value());
  EXPECT_FALSE(third->has_value());  // two already since `start`
  EXPECT_TRUE(other->has_value());   // another number has its own count
  // Only the requests since the window's start count: the first is older than this window.
  auto later =
      store.add(this->request("+14155550100", Seconds(5)), CallbackLimit{start + Seconds(60), 2});
  ASSERT_TRUE(later.ok());
  EXPECT_TRUE(later->has_value());
  EXPECT_EQ(this->list().size(), 4u);  // the refused one left nothing behind
}

TYPED_TEST_P(CallbackStoreContract, ConcurrentRequestsForOneNumberNeverPassTheLimit) {
  const TimePoint start = this->factory_.clock().now();
  std::atomic<int> stored{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) {
        auto id =
            this->store().add(this->request("+14155550100", Seconds(5)), CallbackLimit{start, 3});
        if (!id.ok()) {
          ++failed;
        } else if (id->has_value()) {
          ++stored;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(stored.load(), 3);
  EXPECT_EQ(this->list().size(), 3u);
}

REGISTER_TYPED_TEST_SUITE_P(CallbackStoreContract, AnEmptyStoreListsNothing,
                            AddAssignsNewIdsAndRoundTripsEveryField,
                            ListsTheEarliestDueFirstUpToTheLimit,
                            RefusesARequestOverTheLimitForItsNumberOnly,
                            ConcurrentRequestsForOneNumberNeverPassTheLimit);

}  // namespace callgate::contracts
