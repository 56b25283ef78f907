// The ContactAuthStore contract (core/ports.h). Factory: contactAuth(), clock() (only to pick
// times: the store takes `now` on every call, so expiry is tested without sleeping).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "contracts/contract_support.h"
#include "core/ports.h"

namespace callgate::contracts {

template <class Factory>
class ContactAuthStoreContract : public ::testing::Test {
 protected:
  ContactAuthStore& store() { return factory_.contactAuth(); }
  TimePoint now() { return factory_.clock().now(); }
  void advance(Seconds d) { factory_.clock().advance(d); }

  void record(const std::string& contactId, const std::string& method, const std::string& userId,
              Seconds ttl = Seconds(900)) {
    ContactAuthRecord r{contactId, method, userId, "+14155550100", now() + ttl};
    Status s = store().record(r, now());
    ASSERT_TRUE(s.ok()) << s.error().toString();
  }
  std::vector<ContactAuthRecord> find(const std::string& contactId) {
    auto r = store().find(contactId, now());
    EXPECT_TRUE(r.ok()) << r.error().toString();
    return r.ok() ? *r : std::vector<ContactAuthRecord>{};
  }
  int64_t removeExpired(int limit) {
    auto r = store().removeExpired(now(), limit);
    EXPECT_TRUE(r.ok()) << r.error().toString();
    return r.ok() ? *r : -1;
  }

  Factory factory_;
};

TYPED_TEST_SUITE_P(ContactAuthStoreContract);

TYPED_TEST_P(ContactAuthStoreContract, AnUnknownContactHasNoRecords) {
  EXPECT_TRUE(this->find("contact-1").empty());
  EXPECT_TRUE(this->find("").empty());
}

TYPED_TEST_P(ContactAuthStoreContract, ARecordReadsBackWhole) {
  const TimePoint expires = this->now() + Seconds(900);
  ContactAuthRecord r{"contact-1", "pin", "12345678", "+14155550100", expires};
  ASSERT_TRUE(this->store().record(r, this->now()).ok());
  auto found = this->find("contact-1");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].contactId, "contact-1");
  EXPECT_EQ(found[0].method, "pin");
  EXPECT_EQ(found[0].userId, "12345678");
  EXPECT_EQ(found[0].phone, "+14155550100");
  EXPECT_EQ(found[0].expiresAt, expires);
}

TYPED_TEST_P(ContactAuthStoreContract, ARecordCountsUntilItExpiresAndNotAfter) {
  this->record("contact-1", "pin", "12345678", Seconds(60));
  this->advance(Seconds(59));
  EXPECT_EQ(this->find("contact-1").size(), 1u);
  this->advance(Seconds(1));  // expiresAt == now: expired
  EXPECT_TRUE(this->find("contact-1").empty());
}

TYPED_TEST_P(ContactAuthStoreContract, RecordingAMethodAgainReplacesItsRecord) {
  this->record("contact-1", "pin", "11111111", Seconds(60));
  this->record("contact-1", "pin", "22222222", Seconds(600));
  auto found = this->find("contact-1");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].userId, "22222222");
  EXPECT_EQ(found[0].expiresAt, this->now() + Seconds(600));
  // Another method is another record, and the records come ordered by method.
  this->record("contact-1", "otp", "");
  this->record("contact-1", "caller_id", "22222222");
  found = this->find("contact-1");
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[0].method, "caller_id");
  EXPECT_EQ(found[1].method, "otp");
  EXPECT_EQ(found[1].userId, "");
  EXPECT_EQ(found[2].method, "pin");
}

TYPED_TEST_P(ContactAuthStoreContract, AReplacedExpiredRecordCountsAgain) {
  this->record("contact-1", "otp", "", Seconds(60));
  this->advance(Seconds(120));
  EXPECT_TRUE(this->find("contact-1").empty());
  this->record("contact-1", "otp", "");
  EXPECT_EQ(this->find("contact-1").size(), 1u);
}

TYPED_TEST_P(ContactAuthStoreContract, ContactsAreIsolated) {
  this->record("contact-1", "pin", "12345678");
  EXPECT_TRUE(this->find("contact-2").empty());
  EXPECT_TRUE(this->find("contact-").empty());  // exact ids, not prefixes
  EXPECT_TRUE(this->find("CONTACT-1").empty());
  this->record("contact-2", "pin", "87654321");
  ASSERT_EQ(this->find("contact-1").size(), 1u);
  EXPECT_EQ(this->find("contact-1")[0].userId, "12345678");
}

TYPED_TEST_P(ContactAuthStoreContract, AnEmptyContactIdIsRefused) {
  ContactAuthRecord r{"", "pin", "12345678", "+14155550100", this->now() + Seconds(60)};
  Status s = this->store().record(r, this->now());
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code(), ErrorCode::kInvalidArgument);
}

TYPED_TEST_P(ContactAuthStoreContract, PurgesAreBoundedAndSpareLiveRecords) {
  const int expiring = kContactAuthPurgeBatch + 10;
  for (int i = 0; i < expiring; ++i) {
    this->record("old-" + std::to_string(i), "pin", "12345678", Seconds(1));
  }
  this->record("live", "pin", "12345678", Seconds(3600));
  this->advance(Seconds(2));
  EXPECT_EQ(this->removeExpired(5), 5);
  // A write deletes one batch of what is left, and no more.
  this->record("another", "otp", "");
  EXPECT_EQ(this->removeExpired(1000), expiring - 5 - kContactAuthPurgeBatch);
  EXPECT_EQ(this->removeExpired(1000), 0);
  EXPECT_EQ(this->find("live").size(), 1u);
  EXPECT_EQ(this->find("another").size(), 1u);
}

TYPED_TEST_P(ContactAuthStoreContract, ConcurrentWritersOfOneMethodLeaveOneRecord) {
  const TimePoint now = this->now();
  const int ok = race([&](int i) {
    ContactAuthRecord r{"contact-1", "pin", std::to_string(10000000 + i), "+14155550100",
                        now + Seconds(60 + i)};
    return this->store().record(r, now).ok();
  });
  EXPECT_EQ(ok, kRacers);
  auto found = this->find("contact-1");
  ASSERT_EQ(found.size(), 1u);
  // Whichever write came last, its fields stay together.
  const int i = std::stoi(found[0].userId) - 10000000;
  EXPECT_EQ(found[0].expiresAt, now + Seconds(60 + i));
}

REGISTER_TYPED_TEST_SUITE_P(ContactAuthStoreContract, AnUnknownContactHasNoRecords,
                            ARecordReadsBackWhole, ARecordCountsUntilItExpiresAndNotAfter,
                            RecordingAMethodAgainReplacesItsRecord,
                            AReplacedExpiredRecordCountsAgain, ContactsAreIsolated,
                            AnEmptyContactIdIsRefused, PurgesAreBoundedAndSpareLiveRecords,
                            ConcurrentWritersOfOneMethodLeaveOneRecord);

}  // namespace callgate::contracts
