// RFC 3261 retransmission schedules (Timer A/E/G and the 2xx repeats of 13.3.1.4) on a manual
// clock: time is advanced by hand and each send and timeout is checked at its exact instant.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "adapters/net/sip/retransmitter.h"
#include "unit/adapters/net/sip/manual_time.h"

namespace callgate::sip {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;
using testing::ManualClock;
using ManualRetransmitter = BasicRetransmitter<testing::ManualTime>;

class RetransmitterTest : public ::testing::Test {
 protected:
  void start(RetransmitTiming timing, bool resend) {
    retransmitter_.start(
        clock_, timing, resend, [this] { sends_.push_back(clock_.elapsed()); },
        [this] { timeouts_.push_back(clock_.elapsed()); });
  }

  ManualClock clock_;
  ManualRetransmitter retransmitter_;
  std::vector<milliseconds> sends_, timeouts_;
};

TEST_F(RetransmitterTest, ResendsAfterT1ThenDoublingUpToT2UntilSixtyFourT1) {
  start({500ms, 4000ms}, true);
  clock_.advance(499ms);
  EXPECT_TRUE(sends_.empty());
  clock_.advance(1ms);
  EXPECT_EQ(sends_, std::vector<milliseconds>{500ms});
  clock_.advance(40s);
  // Intervals 500, 1000, 2000, then 4000 (T2) until 64*T1 = 32 s.
  const std::vector<milliseconds> expected{500ms,   1500ms,  3500ms,  7500ms,  11500ms,
                                           15500ms, 19500ms, 23500ms, 27500ms, 31500ms};
  EXPECT_EQ(sends_, expected);
  EXPECT_EQ(timeouts_, std::vector<milliseconds>{32000ms});
  EXPECT_EQ(clock_.pendingWaits(), 0u);
  // Once timed out it is done: time passing brings nothing more.
  clock_.advance(60s);
  EXPECT_EQ(sends_.size(), expected.size());
  EXPECT_EQ(timeouts_.size(), 1u);
}

TEST_F(RetransmitterTest, TimesOutExactlyAtSixtyFourT1) {
  start({500ms, 4000ms}, true);
  clock_.advance(31999ms);
  EXPECT_TRUE(timeouts_.empty());
  clock_.advance(1ms);
  EXPECT_EQ(timeouts_, std::vector<milliseconds>{32000ms});
}

TEST_F(RetransmitterTest, ShortenedTimersKeepTheSameShape) {
  // The server's tests run with T1 = 20 ms: 20, 60, 140, then every 160 (T2) until 1280.
  start({20ms, 160ms}, true);
  clock_.advance(2s);
  const std::vector<milliseconds> expected{20ms,  60ms,  140ms, 300ms,  460ms,
                                           620ms, 780ms, 940ms, 1100ms, 1260ms};
  EXPECT_EQ(sends_, expected);
  EXPECT_EQ(timeouts_, std::vector<milliseconds>{1280ms});
}

TEST_F(RetransmitterTest, T2BelowDoubleT1CapsTheFirstDoubling) {
  start({500ms, 600ms}, true);
  clock_.advance(2200ms);
  EXPECT_EQ(sends_, (std::vector<milliseconds>{500ms, 1100ms, 1700ms}));
}

TEST_F(RetransmitterTest, ReliableTransportOnlyTimesOut) {
  start({500ms, 4000ms}, false);
  clock_.advance(31999ms);
  EXPECT_TRUE(sends_.empty());
  EXPECT_TRUE(timeouts_.empty());
  clock_.advance(1ms);
  EXPECT_TRUE(sends_.empty());
  EXPECT_EQ(timeouts_, std::vector<milliseconds>{32000ms});
}

TEST_F(RetransmitterTest, StopCancelsEverythingPending) {
  start({500ms, 4000ms}, true);
  clock_.advance(1600ms);
  ASSERT_EQ(sends_, (std::vector<milliseconds>{500ms, 1500ms}));
  EXPECT_TRUE(retransmitter_.active());
  retransmitter_.stop();  // e.g. the ACK arrived
  EXPECT_FALSE(retransmitter_.active());
  EXPECT_EQ(clock_.pendingWaits(), 0u);
  clock_.advance(60s);
  EXPECT_EQ(sends_.size(), 2u);
  EXPECT_TRUE(timeouts_.empty());
}

TEST_F(RetransmitterTest, DestroyingItCancelsEverythingPending) {
  auto owned = std::make_unique<ManualRetransmitter>();
  int sends = 0;
  owned->start(
      clock_, {500ms, 4000ms}, true, [&] { ++sends; }, [] { ADD_FAILURE(); });
  clock_.advance(500ms);
  EXPECT_EQ(sends, 1);
  owned.reset();
  EXPECT_EQ(clock_.pendingWaits(), 0u);
  clock_.advance(60s);
  EXPECT_EQ(sends, 1);
}

TEST_F(RetransmitterTest, StartAgainRestartsTheScheduleFromNow) {
  start({500ms, 4000ms}, true);
  clock_.advance(3600ms);  // sent at 500, 1500, 3500; next due at 7500
  ASSERT_EQ(sends_.size(), 3u);
  start({500ms, 4000ms}, true);  // the old schedule is dropped, not merged
  clock_.advance(1600ms);
  EXPECT_EQ(sends_, (std::vector<milliseconds>{500ms, 1500ms, 3500ms, 4100ms, 5100ms}));
  EXPECT_EQ(clock_.pendingWaits(), 1u);
}

TEST_F(RetransmitterTest, TimeoutMayDestroyTheOwner) {
  // A timed-out client transaction erases itself (and its retransmitter) from its callback.
  std::optional<ManualRetransmitter> owner;
  owner.emplace();
  bool timedOut = false;
  owner->start(
      clock_, {20ms, 160ms}, true, [] {},
      [&] {
        timedOut = true;
        owner.reset();
      });
  clock_.advance(2s);
  EXPECT_TRUE(timedOut);
  EXPECT_FALSE(owner.has_value());
  EXPECT_EQ(clock_.pendingWaits(), 0u);
}

TEST_F(RetransmitterTest, SendMayStopIt) {
  // Sending can fail in a way that ends the transaction at once.
  retransmitter_.start(
      clock_, {500ms, 4000ms}, true,
      [this] {
        sends_.push_back(clock_.elapsed());
        retransmitter_.stop();
      },
      [this] { timeouts_.push_back(clock_.elapsed()); });
  clock_.advance(60s);
  EXPECT_EQ(sends_, std::vector<milliseconds>{500ms});
  EXPECT_TRUE(timeouts_.empty());
}

}  // namespace
}  // namespace callgate::sip
