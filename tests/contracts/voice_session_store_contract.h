// The VoiceSessionStore contract (core/ports.h, core/voice_session.h). Factory: voiceSessions(),
// clock().
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "contracts/contract_support.h"
#include "core/ports.h"

namespace callgate::contracts {

template <class Factory>
class VoiceSessionStoreContract : public ::testing::Test {
 protected:
  VoiceSessionStore& store() { return factory_.voiceSessions(); }
  TimePoint now() { return factory_.clock().now(); }
  VoiceSessionRecord record(const std::string& id, const std::string& callSid) {
    VoiceSessionRecord r;
    r.id = id;
    r.callSid = callSid;
    r.flow = "flows/caller-id-otp.json";
    r.state = R"({"format":"x"})";
    r.response = "<Response/>";
    r.version = 1;
    r.updatedAt = now();
    r.expiresAt = now() + Seconds(7200);
    return r;
  }
  std::optional<VoiceSessionRecord> find(const std::string& id) {
    auto r = store().find(id, now());
    EXPECT_TRUE(r.ok()) << r.error().toString();
    return r.ok() ? *r : std::nullopt;
  }
  std::optional<VoiceSessionRecord> findByCallSid(const std::string& callSid) {
    auto r = store().findByCallSid(callSid, now());
    EXPECT_TRUE(r.ok()) << r.error().toString();
    return r.ok() ? *r : std::nullopt;
  }
  bool update(const VoiceSessionRecord& r, int64_t expectedVersion) {
    auto won = store().update(r, expectedVersion);
    EXPECT_TRUE(won.ok()) << won.error().toString();
    return won.ok() && *won;
  }

  Factory factory_;
};

TYPED_TEST_SUITE_P(VoiceSessionStoreContract);

TYPED_TEST_P(VoiceSessionStoreContract, InsertThenFindByIdAndByCallSid) {
  const VoiceSessionRecord r = this->record("id-1", "CA1");
  ASSERT_TRUE(this->store().insert(r).ok());
  EXPECT_EQ(this->find("id-1"), r);
  EXPECT_EQ(this->findByCallSid("CA1"), r);
  EXPECT_EQ(this->find("id-2"), std::nullopt);
  EXPECT_EQ(this->findByCallSid("CA2"), std::nullopt);
  EXPECT_EQ(this->find("CA1"), std::nullopt);  // the two keys are not interchangeable
}

TYPED_TEST_P(VoiceSessionStoreContract, IdAndCallSidAreUnique) {
  ASSERT_TRUE(this->store().insert(this->record("id-1", "CA1")).ok());
  Status sameId = this->store().insert(this->record("id-1", "CA2"));
  ASSERT_FALSE(sameId.ok());
  EXPECT_EQ(sameId.error().code(), ErrorCode::kAlreadyExists);
  Status sameCall = this->store().insert(this->record("id-2", "CA1"));
  ASSERT_FALSE(sameCall.ok());
  EXPECT_EQ(sameCall.error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(this->find("id-2"), std::nullopt);
  EXPECT_EQ(this->findByCallSid("CA2"), std::nullopt);
}

TYPED_TEST_P(VoiceSessionStoreContract, UpdateIsCompareAndSetOnVersion) {
  ASSERT_TRUE(this->store().insert(this->record("id-1", "CA1")).ok());
  VoiceSessionRecord claim = this->record("id-1", "CA1");
  claim.version = 2;
  claim.state = "claimed";
  claim.response = "";
  EXPECT_TRUE(this->update(claim, 1));
  // A second writer that read version 1 loses and changes nothing.
  VoiceSessionRecord stale = this->record("id-1", "CA1");
  stale.version = 2;
  stale.state = "stale";
  EXPECT_FALSE(this->update(stale, 1));
  EXPECT_EQ(this->find("id-1"), claim);
  // The next step compares against the new version.
  VoiceSessionRecord answered = claim;
  answered.version = 3;
  answered.response = "<Response><Say>hi</Say></Response>";
  EXPECT_TRUE(this->update(answered, 2));
  EXPECT_EQ(this->find("id-1"), answered);
}

TYPED_TEST_P(VoiceSessionStoreContract, UpdateReplacesOnlyTheMutableFields) {
  const VoiceSessionRecord original = this->record("id-1", "CA1");
  ASSERT_TRUE(this->store().insert(original).ok());
  VoiceSessionRecord next = original;
  next.callSid = "CA-other";
  next.flow = "flows/other.json";
  next.state = "s2";
  next.response = "r2";
  next.version = 7;
  next.updatedAt = original.updatedAt + Seconds(5);
  next.expiresAt = original.expiresAt + Seconds(60);
  EXPECT_TRUE(this->update(next, 1));
  VoiceSessionRecord expected = next;
  expected.callSid = original.callSid;
  expected.flow = original.flow;
  EXPECT_EQ(this->find("id-1"), expected);
  EXPECT_EQ(this->findByCallSid("CA1"), expected);
  EXPECT_EQ(this->findByCallSid("CA-other"), std::nullopt);
}

TYPED_TEST_P(VoiceSessionStoreContract, UpdateOfAMissingRowIsALostRaceAndRemoveIsIdempotent) {
  VoiceSessionRecord r = this->record("id-1", "CA1");
  EXPECT_FALSE(this->update(r, 1));
  ASSERT_TRUE(this->store().insert(r).ok());
  ASSERT_TRUE(this->store().remove("id-1").ok());
  EXPECT_EQ(this->find("id-1"), std::nullopt);
  r.version = 2;
  EXPECT_FALSE(this->update(r, 1));
  EXPECT_TRUE(this->store().remove("id-1").ok());
  EXPECT_TRUE(this->store().remove("never-there").ok());
  // The call sid of a removed call may be used again.
  EXPECT_TRUE(this->store().insert(this->record("id-2", "CA1")).ok());
}

TYPED_TEST_P(VoiceSessionStoreContract, ExpiredRecordsAreInvisibleFromTheirExpiryOn) {
  const VoiceSessionRecord r = this->record("id-1", "CA1");
  ASSERT_TRUE(this->store().insert(r).ok());
  this->factory_.clock().advance(Seconds(7200) - Millis(1));
  EXPECT_EQ(this->find("id-1"), r);
  EXPECT_EQ(this->findByCallSid("CA1"), r);
  this->factory_.clock().advance(Millis(1));
  ASSERT_EQ(this->now(), r.expiresAt);
  EXPECT_EQ(this->find("id-1"), std::nullopt);
  EXPECT_EQ(this->findByCallSid("CA1"), std::nullopt);
}

TYPED_TEST_P(VoiceSessionStoreContract, RemoveExpiredDeletesOnlyExpiredRecords) {
  ASSERT_TRUE(this->store().insert(this->record("id-1", "CA1")).ok());
  VoiceSessionRecord later = this->record("id-2", "CA2");
  later.expiresAt = this->now() + Seconds(10000);
  ASSERT_TRUE(this->store().insert(later).ok());
  auto none = this->store().removeExpired(this->now());
  ASSERT_TRUE(none.ok()) << none.error().toString();
  EXPECT_EQ(*none, 0);
  this->factory_.clock().advance(Seconds(7200));
  auto purged = this->store().removeExpired(this->now());
  ASSERT_TRUE(purged.ok()) << purged.error().toString();
  EXPECT_EQ(*purged, 1);
  EXPECT_EQ(this->find("id-2"), later);
  // The purged call's id and call sid may be used again.
  EXPECT_TRUE(this->store().insert(this->record("id-1", "CA1")).ok());
  EXPECT_EQ(*this->store().removeExpired(this->now()), 0);
}

TYPED_TEST_P(VoiceSessionStoreContract, ExactlyOneConcurrentClaimWins) {
  ASSERT_TRUE(this->store().insert(this->record("id-1", "CA1")).ok());
  const int wins = race([&](int i) {
    VoiceSessionRecord claim = this->record("id-1", "CA1");
    claim.version = 2;
    claim.state = "thread " + std::to_string(i);
    auto won = this->store().update(claim, 1);
    EXPECT_TRUE(won.ok());
    return won.ok() && *won;
  });
  EXPECT_EQ(wins, 1);
  auto after = this->find("id-1");
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->version, 2);
}

REGISTER_TYPED_TEST_SUITE_P(VoiceSessionStoreContract, InsertThenFindByIdAndByCallSid,
                            IdAndCallSidAreUnique, UpdateIsCompareAndSetOnVersion,
                            UpdateReplacesOnlyTheMutableFields,
                            UpdateOfAMissingRowIsALostRaceAndRemoveIsIdempotent,
                            ExpiredRecordsAreInvisibleFromTheirExpiryOn,
                            RemoveExpiredDeletesOnlyExpiredRecords, ExactlyOneConcurrentClaimWins);

}  // namespace callgate::contracts
