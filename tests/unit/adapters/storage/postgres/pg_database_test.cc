// PgDatabase against a real PostgreSQL (contracts/postgres_test_server.h): migrations racing on a
// fresh database, URL and password handling, the pool's bound, statement timeouts, and recovery
// from a server restart without reopening. The store semantics are the contract suites' job.
#include "adapters/storage/postgres/pg_database.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "adapters/storage/postgres/pg_customer_store.h"
#include "adapters/storage/postgres/pg_grant_store.h"
#include "contracts/postgres_test_server.h"

namespace callgate {
namespace {

using callgate::testing::PgTestDatabase;
using callgate::testing::PgTestServer;

std::unique_ptr<PgDatabase> openOrFail(const std::string& url, PgOptions options = {}) {
  options.url = url;
  auto db = PgDatabase::open(options);
  EXPECT_TRUE(db.ok()) << db.error().toString();
  return db.ok() ? std::move(*db) : nullptr;
}

PgOptions withUrl(std::string url, std::string password = "") {
  PgOptions options;
  options.url = std::move(url);
  options.password = std::move(password);
  return options;
}

PgOptions pool(int maxConnections, Millis acquireTimeout, Millis statementTimeout = Millis(5000)) {
  PgOptions options;
  options.maxConnections = maxConnections;
  options.acquireTimeout = acquireTimeout;
  options.statementTimeout = statementTimeout;
  return options;
}

int64_t scalar(PgDatabase& db, const std::string& sql) {
  auto lease = db.acquire();
  EXPECT_TRUE(lease.ok()) << lease.error().toString();
  auto r = (*lease)->query(sql);
  EXPECT_TRUE(r.ok()) << r.error().toString();
  return r.ok() ? r->integer(0, 0) : -1;
}

Customer customer(const std::string& phone) {
  return Customer{phone, "Ada", "Lovelace", "Gold", "en-US", fromUnixMillis(1'700'000'000'000)};
}

TEST(PgDatabaseTest, OpensAndMigratesAFreshDatabase) {
  PgTestDatabase fresh;
  auto db = openOrFail(fresh.url());
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->schemaVersion(), PgDatabase::latestSchemaVersion());
  EXPECT_TRUE(db->ping().ok());
  EXPECT_EQ(scalar(*db, "SELECT COUNT(*) FROM schema_migrations"),
            PgDatabase::latestSchemaVersion());
}

TEST(PgDatabaseTest, NodesStartingTogetherOnAFreshDatabaseMigrateItOnce) {
  PgTestDatabase fresh;
  constexpr int kNodes = 6;
  std::atomic<bool> go{false};
  std::atomic<int> opened{0};
  std::vector<std::unique_ptr<PgDatabase>> dbs(kNodes);
  std::vector<std::string> errors(kNodes);
  std::vector<std::thread> threads;
  for (int i = 0; i < kNodes; ++i) {
    threads.emplace_back([&, i] {
      while (!go.load()) std::this_thread::yield();
      auto db = PgDatabase::open(withUrl(fresh.url()));
      if (db.ok()) {
        dbs[static_cast<size_t>(i)] = std::move(*db);
        ++opened;
      } else {
        errors[static_cast<size_t>(i)] = db.error().toString();
      }
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  for (const std::string& e : errors) EXPECT_EQ(e, "");
  ASSERT_EQ(opened.load(), kNodes);
  for (auto& db : dbs) EXPECT_EQ(db->schemaVersion(), PgDatabase::latestSchemaVersion());
  EXPECT_EQ(scalar(*dbs[0], "SELECT COUNT(*) FROM schema_migrations"),
            PgDatabase::latestSchemaVersion());
  // Every node writes and sees the others' rows.
  PgCustomerStore a(*dbs[0]);
  PgCustomerStore b(*dbs[1]);
  ASSERT_TRUE(a.add(customer("+15550100001")).ok());
  EXPECT_TRUE((*b.findByPhone("+15550100001")).has_value());
}

TEST(PgDatabaseTest, RefusesASchemaNewerThanTheBinary) {
  PgTestDatabase fresh;
  {
    auto db = openOrFail(fresh.url());
    ASSERT_NE(db, nullptr);
    (void)scalar(*db, "INSERT INTO schema_migrations VALUES (" +
                          std::to_string(PgDatabase::latestSchemaVersion() + 1) +
                          ", 0) RETURNING version");
  }
  auto again = PgDatabase::open(withUrl(fresh.url()));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(again.error().message().find("newer"), std::string::npos) << again.error().message();
}

TEST(PgDatabaseTest, AMalformedUrlIsInvalidArgumentAndNeverShowsThePassword) {
  const std::string secret = "s3cr3tPassw0rd";
  for (const std::string& url :
       {"mysql://app:" + secret + "@127.0.0.1/callgate",
        "postgresql://app:" + secret + "@[::1/callgate",
        "postgresql://app:" + secret + "@127.0.0.1/callgate?no_such_option=1", std::string("")}) {
    auto db = PgDatabase::open(withUrl(url, secret));
    ASSERT_FALSE(db.ok()) << url;
    EXPECT_EQ(db.error().code(), ErrorCode::kInvalidArgument) << db.error().toString();
    EXPECT_EQ(db.error().message().find(secret), std::string::npos) << db.error().message();
  }
}

TEST(PgDatabaseTest, AnUnreachableServerIsUnavailableAndNeverShowsThePassword) {
  const std::string secret = "s3cr3tPassw0rd";
  // Port 1 on the loopback: nothing listens, the connection is refused at once.
  auto db =
      PgDatabase::open(withUrl("postgresql://app:" + secret + "@127.0.0.1:1/callgate", secret));
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code(), ErrorCode::kUnavailable) << db.error().toString();
  EXPECT_EQ(db.error().message().find(secret), std::string::npos) << db.error().message();
}

TEST(PgDatabaseTest, RedactedUrlHidesThePassword) {
  EXPECT_EQ(redactPgUrl("postgresql://app:pw@db.example:5432/callgate"),
            "postgresql://app:***@db.example:5432/callgate");
  EXPECT_EQ(redactPgUrl("postgresql://app@db/callgate?password=pw&sslmode=require"),
            "postgresql://app@db/callgate?password=***&sslmode=require");
  EXPECT_EQ(redactPgUrl("postgresql://app@db/callgate"), "postgresql://app@db/callgate");
  PgTestDatabase fresh;
  auto db = openOrFail(fresh.url());
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->redactedUrl(), fresh.url());
}

TEST(PgDatabaseTest, KeepsTheServerOptionsOfTheUrlBesideItsOwnTimeouts) {
  PgTestDatabase fresh;
  auto db =
      openOrFail(fresh.url() + "?options=-c%20work_mem%3D7MB", pool(2, Millis(5000), Millis(4321)));
  ASSERT_NE(db, nullptr);
  auto lease = db->acquire();
  ASSERT_TRUE(lease.ok());
  auto r = (*lease)->query(
      "SELECT current_setting('work_mem') || ' ' || current_setting('statement_timeout')");
  ASSERT_TRUE(r.ok()) << r.error().toString();
  EXPECT_EQ(r->text(0, 0), "7MB 4321ms");
}

TEST(PgDatabaseTest, AFullPoolTimesOutInsteadOfWaitingForever) {
  PgTestDatabase fresh;
  auto db = openOrFail(fresh.url(), pool(1, Millis(200)));
  ASSERT_NE(db, nullptr);
  auto held = db->acquire();
  ASSERT_TRUE(held.ok());
  const auto start = std::chrono::steady_clock::now();
  auto second = db->acquire();
  const auto waited = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code(), ErrorCode::kUnavailable);
  EXPECT_GE(waited, Millis(150));
  EXPECT_LT(waited, Millis(3000));
}

TEST(PgDatabaseTest, AWaitingAcquireGetsAReleasedConnection) {
  PgTestDatabase fresh;
  auto db = openOrFail(fresh.url(), pool(1, Millis(5000)));
  ASSERT_NE(db, nullptr);
  auto first = db->acquire();
  ASSERT_TRUE(first.ok());
  std::optional<PgDatabase::Lease> held(std::move(*first));
  std::thread releaser([&] {
    std::this_thread::sleep_for(Millis(100));
    held.reset();
  });
  auto next = db->acquire();
  releaser.join();
  EXPECT_TRUE(next.ok());
}

TEST(PgDatabaseTest, AStatementTimeoutIsUnavailableAndTheConnectionStaysUsable) {
  PgTestDatabase fresh;
  auto db = openOrFail(fresh.url(), pool(1, Millis(5000), Millis(200)));
  ASSERT_NE(db, nullptr);
  {
    auto lease = db->acquire();
    ASSERT_TRUE(lease.ok());
    auto slow = (*lease)->query("SELECT pg_sleep(5)");
    ASSERT_FALSE(slow.ok());
    EXPECT_EQ(slow.error().code(), ErrorCode::kUnavailable) << slow.error().toString();
    EXPECT_FALSE((*lease)->broken());
  }
  EXPECT_TRUE(db->ping().ok());
}

TEST(PgDatabaseTest, TransactionRollsBackWhenTheBodyFails) {
  PgTestDatabase fresh;
  auto db = openOrFail(fresh.url());
  ASSERT_NE(db, nullptr);
  PgCustomerStore customers(*db);
  Status s = db->transaction([](PgConnection& c) -> Status {
    auto r = c.query(
        "INSERT INTO customers (phone, first_name, last_name, level, language, created_at_ms) "
        "VALUES ('+15550100001', 'a', 'b', 'c', 'en-US', 0)");
    if (!r) return r.error();
    return Error::internal("changed my mind");
  });
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(*customers.count(), 0);
}

TEST(PgDatabaseTest, TransactionRerunsTheBodyAfterASerializationFailure) {
  PgTestDatabase fresh;
  auto db = openOrFail(fresh.url());
  ASSERT_NE(db, nullptr);
  PgCustomerStore customers(*db);
  int attempts = 0;
  Status s = db->transaction([&](PgConnection& c) -> Status {
    ++attempts;
    auto r = c.query(
        "INSERT INTO customers (phone, first_name, last_name, level, language, created_at_ms) "
        "VALUES ('+15550100001', 'a', 'b', 'c', 'en-US', 0)");
    if (!r) return r.error();
    if (attempts < 3) {
      // What a lost race under SERIALIZABLE (or a deadlock) looks like.
      return c.exec("DO $$ BEGIN RAISE EXCEPTION 'lost' USING ERRCODE = '40001'; END $$");
    }
    return okStatus();
  });
  EXPECT_TRUE(s.ok()) << s.error().toString();
  EXPECT_EQ(attempts, 3);
  EXPECT_EQ(*customers.count(), 1);

  // Other failures are not rerun.
  attempts = 0;
  Status other = db->transaction([&](PgConnection& c) -> Status {
    ++attempts;
    return c.exec("DO $$ BEGIN RAISE EXCEPTION 'no' USING ERRCODE = '22023'; END $$");
  });
  EXPECT_FALSE(other.ok());
  EXPECT_EQ(attempts, 1);
}

TEST(PgDatabaseTest, TwoNodesRedeemingOneGrantHaveExactlyOneWinner) {
  PgTestDatabase fresh;
  auto node1 = openOrFail(fresh.url());
  auto node2 = openOrFail(fresh.url());
  ASSERT_NE(node1, nullptr);
  ASSERT_NE(node2, nullptr);
  PgCustomerStore customers(*node1);
  Customer c = customer("+15550100001");
  c.userId = "12345678";
  ASSERT_TRUE(customers.add(c).ok());
  PgGrantStore grants1(*node1);
  PgGrantStore grants2(*node2);
  for (int round = 0; round < 10; ++round) {
    Grant g;
    g.codeHash = "hash-" + std::to_string(round);
    g.userId = "12345678";
    g.action = "account:add_member";
    g.phone = "+15550100001";
    g.createdAt = fromUnixMillis(1'000);
    g.expiresAt = fromUnixMillis(1'000'000);
    auto id = grants1.insert(g);
    ASSERT_TRUE(id.ok()) << id.error().toString();
    std::atomic<int> wins{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) {
      threads.emplace_back([&, i] {
        GrantStore& store = i % 2 == 0 ? static_cast<GrantStore&>(grants1) : grants2;
        auto won = store.redeem(*id, fromUnixMillis(2'000));
        if (won.ok() && *won) ++wins;
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(wins.load(), 1);
  }
}

TEST(PgDatabaseTest, RecoversFromAServerRestartWithoutReopening) {
  auto server = PgTestServer::create();
  auto db = openOrFail(server->url(), pool(4, Millis(2000)));
  ASSERT_NE(db, nullptr);
  PgCustomerStore customers(*db);
  ASSERT_TRUE(customers.add(customer("+15550100001")).ok());
  // Several pooled connections, so that more than one goes stale.
  {
    auto a = db->acquire();
    auto b = db->acquire();
    ASSERT_TRUE(a.ok() && b.ok());
  }

  ASSERT_TRUE(server->stop());
  auto down = customers.findByPhone("+15550100001");
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.error().code(), ErrorCode::kUnavailable) << down.error().toString();
  auto stillDown = customers.findByPhone("+15550100001");
  ASSERT_FALSE(stillDown.ok());
  EXPECT_EQ(stillDown.error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(db->ping().error().code(), ErrorCode::kUnavailable);

  const std::string before = server->url();
  ASSERT_TRUE(server->start());
  ASSERT_EQ(server->url(), before) << "the restarted server moved to another port";
  // The first call after the restart already works: the dead connections were dropped.
  auto back = customers.findByPhone("+15550100001");
  ASSERT_TRUE(back.ok()) << back.error().toString();
  EXPECT_TRUE(back->has_value());
  EXPECT_TRUE(customers.add(customer("+15550100002")).ok());
  EXPECT_EQ(*customers.count(), 2);
}

TEST(PgDatabaseTest, AConnectionToAStandbyIsUnavailableAndReplaced) {
  PgTestDatabase fresh;
  auto db = openOrFail(fresh.url(), pool(1, Millis(2000)));
  ASSERT_NE(db, nullptr);
  {
    // What a demoted primary answers to every write.
    auto lease = db->acquire();
    ASSERT_TRUE(lease.ok());
    ASSERT_TRUE((*lease)->exec("SET default_transaction_read_only = on").ok());
  }
  PgCustomerStore customers(*db);
  Status refused = customers.add(customer("+15550100001"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), ErrorCode::kUnavailable) << refused.error().toString();
  // The next call gets a new connection, which writes.
  EXPECT_TRUE(customers.add(customer("+15550100001")).ok());
}

TEST(PgDatabaseTest, ALostConnectionInTheMiddleOfUseIsUnavailableThenRecovers) {
  PgTestDatabase fresh;
  auto db = openOrFail(fresh.url(), pool(2, Millis(5000)));
  ASSERT_NE(db, nullptr);
  PgCustomerStore customers(*db);
  ASSERT_TRUE(customers.add(customer("+15550100001")).ok());
  // Another session kills every connection of ours (what a failover or an admin does).
  callgate::testing::pgTestExec(callgate::testing::sharedPgAdminUrl(),
                                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                                "datname = '" +
                                    fresh.name() + "'");
  auto lost = customers.findByPhone("+15550100001");
  ASSERT_FALSE(lost.ok());
  EXPECT_EQ(lost.error().code(), ErrorCode::kUnavailable) << lost.error().toString();
  auto back = customers.findByPhone("+15550100001");
  ASSERT_TRUE(back.ok()) << back.error().toString();
  EXPECT_TRUE(back->has_value());
}

}  // namespace
}  // namespace callgate
