// The HandoffStore contract (core/handoff.h). Factory: handoffs(), clock() (only to pick times:
// the store takes every time it needs as an argument).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "contracts/contract_support.h"
#include "core/handoff.h"

namespace callgate::contracts {

template <class Factory>
class HandoffStoreContract : public ::testing::Test {
 protected:
  HandoffStore& store() { return factory_.handoffs(); }
  TimePoint now() { return factory_.clock().now(); }
  void advance(Seconds d) { factory_.clock().advance(d); }

  static Handoff sample(std::string queue = "general", std::string userId = "12345678") {
    Handoff h;
    h.channel = "sip";
    h.callId = "call-1@pbx";
    h.contactId = "contact-1";
    h.queue = std::move(queue);
    h.acr = "urn:callgate:acr:2fa";
    h.amr = {"pin", "sms"};
    h.attestation = "A";
    h.userId = std::move(userId);
    h.displayName = "Ada Lovelace";
    h.level = "Gold";
    h.language = "en-GB";
    h.callerLast4 = "\u20260100";
    h.jti = "jti-1";
    h.tokenCheck = "valid";
    h.timeToVerdictMs = 41234;
    return h;
  }
  Handoff append(Handoff h, TimePoint purgeBefore = TimePoint{}) {
    if (h.at == TimePoint{}) h.at = now();
    Status s = store().append(h, purgeBefore);
    EXPECT_TRUE(s.ok()) << s.error().toString();
    return h;
  }
  std::vector<Handoff> since(int64_t after, int limit = 100, std::string_view queue = "") {
    auto r = store().since(after, limit, queue);
    EXPECT_TRUE(r.ok()) << r.error().toString();
    return r.ok() ? *r : std::vector<Handoff>{};
  }
  std::vector<Handoff> latest(TimePoint notBefore, int limit = 100, std::string_view queue = "") {
    auto r = store().latest(notBefore, limit, queue);
    EXPECT_TRUE(r.ok()) << r.error().toString();
    return r.ok() ? *r : std::vector<Handoff>{};
  }
  int64_t lastSeq() {
    auto r = store().lastSeq();
    EXPECT_TRUE(r.ok()) << r.error().toString();
    return r.ok() ? *r : -1;
  }

  Factory factory_;
};

TYPED_TEST_SUITE_P(HandoffStoreContract);

TYPED_TEST_P(HandoffStoreContract, AnEmptyStoreHasNothing) {
  EXPECT_EQ(this->lastSeq(), 0);
  EXPECT_TRUE(this->since(0).empty());
  EXPECT_TRUE(this->latest(TimePoint{}).empty());
}

TYPED_TEST_P(HandoffStoreContract, AHandoffReadsBackWholeWithItsNumbers) {
  const Handoff written = this->append(this->sample());
  EXPECT_GT(written.id, 0);
  EXPECT_GT(written.seq, 0);
  EXPECT_EQ(this->lastSeq(), written.seq);
  auto read = this->since(0);
  ASSERT_EQ(read.size(), 1u);
  EXPECT_EQ(read[0], written);
  // Empty and unknown fields survive too.
  Handoff bare;
  bare.channel = "connect";
  bare.callId = "c";
  bare.acr = "urn:callgate:acr:none";
  bare.at = this->now();
  const Handoff second = this->append(bare);
  read = this->since(written.seq);
  ASSERT_EQ(read.size(), 1u);
  EXPECT_EQ(read[0], second);
  EXPECT_TRUE(read[0].amr.empty());
  EXPECT_EQ(read[0].timeToVerdictMs, -1);
  EXPECT_EQ(read[0].link, LinkActivity::kNone);
}

TYPED_TEST_P(HandoffStoreContract, NumbersGrowAndSinceReadsInOrderWithinTheLimit) {
  std::vector<Handoff> written;
  for (int i = 0; i < 7; ++i) written.push_back(this->append(this->sample()));
  for (size_t i = 1; i < written.size(); ++i) {
    EXPECT_GT(written[i].id, written[i - 1].id);
    EXPECT_GT(written[i].seq, written[i - 1].seq);
  }
  auto page = this->since(written[1].seq, 3);
  ASSERT_EQ(page.size(), 3u);
  EXPECT_EQ(page[0].id, written[2].id);
  EXPECT_EQ(page[2].id, written[4].id);
  EXPECT_EQ(this->since(written[4].seq, 100).size(), 2u);
  EXPECT_TRUE(this->since(written[6].seq).empty());
  EXPECT_EQ(this->since(0, 0).size(), 1u);  // a limit below 1 reads one
}

TYPED_TEST_P(HandoffStoreContract, AQueueFilterIsAnExactMatch) {
  this->append(this->sample("general"));
  this->append(this->sample("gold"));
  this->append(this->sample("general-2"));
  auto general = this->since(0, 100, "general");
  ASSERT_EQ(general.size(), 1u);
  EXPECT_EQ(general[0].queue, "general");
  EXPECT_EQ(this->since(0, 100, "").size(), 3u);
  EXPECT_TRUE(this->since(0, 100, "GENERAL").empty());
  EXPECT_EQ(this->latest(TimePoint{}, 100, "gold").size(), 1u);
}

TYPED_TEST_P(HandoffStoreContract, LatestIsTheNewestWithinTheWindowInOrder) {
  const Handoff old = this->append(this->sample());
  this->advance(Seconds(600));
  const TimePoint window = this->now();
  std::vector<Handoff> recent;
  for (int i = 0; i < 5; ++i) recent.push_back(this->append(this->sample()));
  auto all = this->latest(window);
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all.front().id, recent.front().id);
  auto newest = this->latest(window, 2);
  ASSERT_EQ(newest.size(), 2u);
  EXPECT_EQ(newest[0].id, recent[3].id);
  EXPECT_EQ(newest[1].id, recent[4].id);
  EXPECT_EQ(this->latest(TimePoint{}).size(), 6u);
  EXPECT_EQ(this->latest(TimePoint{}).front().id, old.id);
}

TYPED_TEST_P(HandoffStoreContract, LinkActivityUpdatesTheNewestHandoffOfTheUserWithANewSeq) {
  const TimePoint start = this->now();
  const Handoff first = this->append(this->sample("general", "11112222"));
  const Handoff second = this->append(this->sample("general", "11112222"));
  const Handoff other = this->append(this->sample("general", "33334444"));
  this->advance(Seconds(30));
  auto noted = this->store().noteLink("11112222", LinkActivity::kOpened, this->now(), start);
  ASSERT_TRUE(noted.ok()) << noted.error().toString();
  ASSERT_TRUE(noted->has_value());
  EXPECT_EQ(**noted, second.id);
  auto changed = this->since(other.seq);
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0].id, second.id);
  EXPECT_EQ(changed[0].link, LinkActivity::kOpened);
  EXPECT_EQ(changed[0].linkAt, this->now());
  EXPECT_EQ(changed[0].seq, this->lastSeq());
  EXPECT_EQ(changed[0].displayName, second.displayName);  // the rest stays
  // Never backwards, never again for the same step; a later step moves it on.
  auto again = this->store().noteLink("11112222", LinkActivity::kOpened, this->now(), start);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->has_value());
  auto redeemed = this->store().noteLink("11112222", LinkActivity::kRedeemed, this->now(), start);
  ASSERT_TRUE(redeemed.ok());
  EXPECT_TRUE(redeemed->has_value());
  auto back = this->store().noteLink("11112222", LinkActivity::kOpened, this->now(), start);
  ASSERT_TRUE(back.ok());
  EXPECT_FALSE(back->has_value());
  EXPECT_EQ(this->since(0).back().link, LinkActivity::kRedeemed);
  // Nothing for an unknown user, an empty user id, or handoffs before the window.
  auto unknown = this->store().noteLink("99998888", LinkActivity::kOpened, this->now(), start);
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(unknown->has_value());
  auto none = this->store().noteLink("", LinkActivity::kOpened, this->now(), start);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  auto late = this->store().noteLink("33334444", LinkActivity::kOpened, this->now(),
                                     this->now() + Seconds(1));
  ASSERT_TRUE(late.ok());
  EXPECT_FALSE(late->has_value());
  (void)first;
}

TYPED_TEST_P(HandoffStoreContract, AppendPurgesOldHandoffsInBoundedBatches) {
  const int old = kHandoffPurgeBatch + 10;
  for (int i = 0; i < old; ++i) this->append(this->sample());
  this->advance(Seconds(3600));
  const TimePoint cutoff = this->now() - Seconds(60);
  const Handoff fresh = this->append(this->sample(), cutoff);
  EXPECT_EQ(this->latest(TimePoint{}, kHandoffMaxRead).size(), 10u + 1u);
  this->append(this->sample(), cutoff);
  auto left = this->latest(TimePoint{}, kHandoffMaxRead);
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(left[0].id, fresh.id);
}

TYPED_TEST_P(HandoffStoreContract, ConcurrentAppendsGetDistinctIdsAndNoneIsLost) {
  const int ok = race([&](int i) {
    Handoff h = this->sample("q" + std::to_string(i % 3));
    h.at = this->now();
    return this->store().append(h, TimePoint{}).ok();
  });
  EXPECT_EQ(ok, kRacers);
  auto all = this->since(0, kHandoffMaxRead);
  ASSERT_EQ(all.size(), static_cast<size_t>(kRacers));
  std::set<int64_t> ids;
  for (size_t i = 0; i < all.size(); ++i) {
    ids.insert(all[i].id);
    if (i > 0) {
      EXPECT_GT(all[i].seq, all[i - 1].seq);
    }
  }
  EXPECT_EQ(ids.size(), all.size());
  EXPECT_EQ(this->lastSeq(), all.back().seq);
}

REGISTER_TYPED_TEST_SUITE_P(HandoffStoreContract, AnEmptyStoreHasNothing,
                            AHandoffReadsBackWholeWithItsNumbers,
                            NumbersGrowAndSinceReadsInOrderWithinTheLimit,
                            AQueueFilterIsAnExactMatch, LatestIsTheNewestWithinTheWindowInOrder,
                            LinkActivityUpdatesTheNewestHandoffOfTheUserWithANewSeq,
                            AppendPurgesOldHandoffsInBoundedBatches,
                            ConcurrentAppendsGetDistinctIdsAndNoneIsLost);

}  // namespace callgate::contracts
