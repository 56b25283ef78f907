// The atomic store operations raced from two PgDatabase instances on one database, as two
// callgate nodes would (the contract suites race threads of one instance).
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "adapters/storage/postgres/pg_challenge_store.h"
#include "adapters/storage/postgres/pg_credential_store.h"
#include "adapters/storage/postgres/pg_database.h"
#include "adapters/storage/postgres/pg_token_state_store.h"
#include "contracts/postgres_test_server.h"
#include "fakes/fakes.h"

namespace callgate {
namespace {

using callgate::testing::PgTestDatabase;

constexpr int kRacers = 8;

std::unique_ptr<PgDatabase> openNode(const std::string& url) {
  PgOptions options;
  options.url = url;
  auto db = PgDatabase::open(options);
  EXPECT_TRUE(db.ok()) << db.error().toString();
  return db.ok() ? std::move(*db) : nullptr;
}

// Runs fn(node, i) on kRacers threads released together, alternating the two nodes.
template <class Fn>
void race(Fn fn) {
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kRacers; ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      fn(i % 2, i);
    });
  }
  go = true;
  for (auto& t : threads) t.join();
}

class PgCrossNodeTest : public ::testing::Test {
 protected:
  PgTestDatabase database_;
  std::unique_ptr<PgDatabase> node_[2] = {openNode(database_.url()), openNode(database_.url())};
};

TEST_F(PgCrossNodeTest, ConcurrentReplacesLeaveOneActiveChallenge) {
  ASSERT_TRUE(node_[0] && node_[1]);
  PgChallengeStore stores[2] = {PgChallengeStore(*node_[0]), PgChallengeStore(*node_[1])};
  for (int round = 0; round < 5; ++round) {
    std::atomic<int> failures{0};
    race([&](int node, int i) {
      Challenge c;
      c.phone = "+15550100001";
      c.codeHash = "hash-" + std::to_string(i);
      c.language = "en-US";
      c.createdAt = fromUnixMillis(1'000);
      c.expiresAt = fromUnixMillis(1'000'000);
      auto id = stores[node].replace(c);
      if (!id.ok()) {
        ++failures;
        ADD_FAILURE() << id.error().toString();
      }
    });
    EXPECT_EQ(failures.load(), 0);
    auto lease = node_[0]->acquire();
    ASSERT_TRUE(lease.ok());
    auto active = (*lease)->query(
        "SELECT COUNT(*) FROM challenges WHERE phone = '+15550100001' AND state = 'active'");
    ASSERT_TRUE(active.ok());
    EXPECT_EQ(active->integer(0, 0), 1);
    // The newest one is the active one.
    auto newest = stores[1].latest("+15550100001");
    ASSERT_TRUE(newest.ok() && newest->has_value());
    EXPECT_EQ((*newest)->state, ChallengeState::kActive);
  }
}

TEST_F(PgCrossNodeTest, ConcurrentPinAttemptsNeverExceedTheLimit) {
  ASSERT_TRUE(node_[0] && node_[1]);
  PgCredentialStore stores[2] = {PgCredentialStore(*node_[0]), PgCredentialStore(*node_[1])};
  constexpr int kLimit = 3;
  std::atomic<int> allowed{0};
  race([&](int node, int) {
    auto attempt = stores[node].beginPinAttempt(
        "12345678", PinLockoutPolicy::permanentAfter(kLimit), fromUnixMillis(5'000));
    ASSERT_TRUE(attempt.ok()) << attempt.error().toString();
    EXPECT_LE(attempt->failures, kLimit);
    if (attempt->allowed) ++allowed;
  });
  EXPECT_EQ(allowed.load(), kLimit);
  auto state = stores[0].pinFailures("12345678");
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->failures, kLimit);
  EXPECT_EQ(state->lockedAt, fromUnixMillis(5'000));
}

TEST_F(PgCrossNodeTest, ATokenIsConsumedOnceAcrossNodes) {
  ASSERT_TRUE(node_[0] && node_[1]);
  callgate::testing::FakeClock clock;
  PgTokenStateStore stores[2] = {PgTokenStateStore(*node_[0], clock),
                                 PgTokenStateStore(*node_[1], clock)};
  for (int round = 0; round < 5; ++round) {
    std::atomic<int> wins{0};
    const std::string jti = "jti-" + std::to_string(round);
    race([&](int node, int) {
      auto won = stores[node].consume(jti, fromUnixMillis(9'999'999'999'999));
      ASSERT_TRUE(won.ok()) << won.error().toString();
      if (*won) ++wins;
    });
    EXPECT_EQ(wins.load(), 1);
  }
}

}  // namespace
}  // namespace callgate
