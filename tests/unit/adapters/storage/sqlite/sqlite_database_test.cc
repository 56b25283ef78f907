#include "adapters/storage/sqlite/sqlite_database.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "adapters/storage/sqlite/sqlite_customer_store.h"
#include "fakes/temp_dir.h"

namespace callgate {
namespace {

using testing::TempDir;

std::unique_ptr<SqliteDatabase> openOrDie(const std::string& path, SqliteOptions options = {}) {
  auto db = SqliteDatabase::open(path, options);
  EXPECT_TRUE(db.ok()) << db.error().toString();
  return db.ok() ? std::move(*db) : nullptr;
}

// Reads a one-value pragma or query on a leased connection.
std::string queryText(SqliteDatabase& db, const char* sql) {
  auto lease = db.acquire();
  EXPECT_TRUE(lease.ok());
  auto stmt = (*lease)->prepare(sql);
  EXPECT_TRUE(stmt.ok()) << stmt.error().toString();
  auto row = stmt->step();
  EXPECT_TRUE(row.ok() && *row);
  return stmt->columnText(0);
}

// Writes PRAGMA user_version behind the adapter's back, as a newer release would.
void setUserVersion(const std::string& path, int version) {
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
  const std::string sql = "PRAGMA user_version = " + std::to_string(version);
  EXPECT_EQ(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(raw);
}

Customer customer(const std::string& phone) {
  return Customer{phone, "Ada", "Lovelace", "Gold", "en-GB", fromUnixMillis(1'700'000'000'000)};
}

TEST(SqliteDatabaseTest, CreatesFileAndDirectoryWithCurrentSchemaInWalMode) {
  TempDir dir;
  const std::string path = dir.file("nested/deeper/callgate.db");
  auto db = openOrDie(path);
  ASSERT_NE(db, nullptr);
  EXPECT_TRUE(std::filesystem::exists(path));
  EXPECT_EQ(db->schemaVersion(), SqliteDatabase::latestSchemaVersion());
  EXPECT_GE(SqliteDatabase::latestSchemaVersion(), 1);
  EXPECT_EQ(queryText(*db, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(queryText(*db, "PRAGMA user_version"),
            std::to_string(SqliteDatabase::latestSchemaVersion()));
  EXPECT_EQ(queryText(*db,
                      "SELECT COUNT(*) FROM sqlite_master WHERE name IN "
                      "('customers', 'challenges', 'challenges_by_phone', "
                      "'challenges_by_phone_created')"),
            "4");
}

TEST(SqliteDatabaseTest, EveryConnectionHasThePerConnectionSettings) {
  TempDir dir;
  auto db =
      openOrDie(dir.file("c.db"), SqliteOptions{.maxConnections = 3, .busyTimeout = Millis(1234)});
  ASSERT_NE(db, nullptr);
  // Hold three leases at once so three distinct connections are checked.
  std::vector<SqliteDatabase::Lease> leases;
  for (int i = 0; i < 3; ++i) {
    auto lease = db->acquire();
    ASSERT_TRUE(lease.ok());
    leases.push_back(std::move(*lease));
  }
  for (auto& lease : leases) {
    for (auto [sql, want] :
         {std::pair{"PRAGMA foreign_keys", "1"}, std::pair{"PRAGMA synchronous", "1"},
          std::pair{"PRAGMA busy_timeout", "1234"}}) {
      auto stmt = lease->prepare(sql);
      ASSERT_TRUE(stmt.ok());
      auto row = stmt->step();
      ASSERT_TRUE(row.ok() && *row);
      EXPECT_EQ(stmt->columnText(0), want) << sql;
    }
  }
}

TEST(SqliteDatabaseTest, ReopeningIsIdempotentAndKeepsData) {
  TempDir dir;
  const std::string path = dir.file("callgate.db");
  {
    auto db = openOrDie(path);
    ASSERT_NE(db, nullptr);
    SqliteCustomerStore store(*db);
    ASSERT_TRUE(store.add(customer("+15550100001")).ok());
  }
  for (int i = 0; i < 2; ++i) {
    auto db = openOrDie(path);
    ASSERT_NE(db, nullptr);
    EXPECT_EQ(db->schemaVersion(), SqliteDatabase::latestSchemaVersion());
    SqliteCustomerStore store(*db);
    auto found = store.findByPhone("+15550100001");
    ASSERT_TRUE(found.ok());
    ASSERT_TRUE(found->has_value());
    EXPECT_EQ(**found, customer("+15550100001"));
    EXPECT_EQ(*store.count(), 1);
  }
}

TEST(SqliteDatabaseTest, RefusesASchemaNewerThanTheBinary) {
  TempDir dir;
  const std::string path = dir.file("callgate.db");
  ASSERT_NE(openOrDie(path), nullptr);
  setUserVersion(path, SqliteDatabase::latestSchemaVersion() + 1);
  auto db = SqliteDatabase::open(path);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(db.error().message().find("newer"), std::string::npos) << db.error().message();
  EXPECT_NE(db.error().message().find(path), std::string::npos);
}

TEST(SqliteDatabaseTest, RefusesAFileThatIsNotADatabase) {
  TempDir dir;
  const std::string path = dir.file("junk.db");
  std::ofstream(path) << std::string(4096, 'x');
  auto db = SqliteDatabase::open(path);
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.error().message().find("not a database"), std::string::npos) << db.error().message();
}

TEST(SqliteDatabaseTest, ReportsADirectoryThatCannotBeCreatedAsUnavailable) {
  TempDir dir;
  std::ofstream(dir.file("plain-file")) << "x";
  auto db = SqliteDatabase::open(dir.file("plain-file/sub/callgate.db"));
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().code(), ErrorCode::kUnavailable);
}

TEST(SqliteDatabaseTest, InMemoryDatabaseIsOneSharedDatabase) {
  auto db = openOrDie(":memory:", SqliteOptions{.maxConnections = 8});
  ASSERT_NE(db, nullptr);
  SqliteCustomerStore store(*db);
  ASSERT_TRUE(store.add(customer("+15550100002")).ok());
  // Every call, from any thread, must see the same in-memory database.
  std::vector<std::thread> threads;
  std::atomic<int> found{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      auto r = store.findByPhone("+15550100002");
      if (r.ok() && r->has_value()) ++found;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(found.load(), 4);
}

TEST(SqliteDatabaseTest, AcquireWaitsForALeaseWhenThePoolIsFull) {
  TempDir dir;
  auto db = openOrDie(dir.file("pool.db"), SqliteOptions{.maxConnections = 1});
  ASSERT_NE(db, nullptr);
  std::atomic<bool> acquired{false};
  std::thread waiter;
  {
    auto held = db->acquire();
    ASSERT_TRUE(held.ok());
    waiter = std::thread([&] {
      auto lease = db->acquire();
      acquired = lease.ok();
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_FALSE(acquired.load());
  }  // releasing the only connection lets the waiter in
  waiter.join();
  EXPECT_TRUE(acquired.load());
}

TEST(SqliteDatabaseTest, AThreadGetsBackTheConnectionItReleased) {
  TempDir dir;
  auto db = openOrDie(dir.file("park.db"), SqliteOptions{.maxConnections = 4});
  ASSERT_NE(db, nullptr);
  SqliteConnection* first = nullptr;
  {
    auto lease = db->acquire();
    ASSERT_TRUE(lease.ok());
    first = &**lease;
  }
  for (int i = 0; i < 3; ++i) {
    auto lease = db->acquire();
    ASSERT_TRUE(lease.ok());
    EXPECT_EQ(&**lease, first);
  }
}

TEST(SqliteDatabaseTest, AConnectionParkedByAnotherThreadIsTakenRatherThanWaitedFor) {
  TempDir dir;
  auto db = openOrDie(dir.file("steal.db"), SqliteOptions{.maxConnections = 2});
  ASSERT_NE(db, nullptr);
  // Another thread uses a connection and parks it; it never comes back for it.
  std::thread([&] { ASSERT_TRUE(db->acquire().ok()); }).join();
  // This thread needs both connections the pool may open: the parked one must be one of them.
  std::atomic<bool> done{false};
  std::thread holder([&] {
    auto a = db->acquire();
    auto b = db->acquire();
    done = a.ok() && b.ok() && &**a != &**b;
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done.load() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(done.load()) << "acquire() waited while a connection sat parked";
  holder.join();
}

TEST(SqliteDatabaseTest, ManyThreadsNeverHoldMoreConnectionsThanThePoolAllows) {
  TempDir dir;
  constexpr int kMax = 3;
  auto db = openOrDie(dir.file("many.db"), SqliteOptions{.maxConnections = kMax});
  ASSERT_NE(db, nullptr);
  std::atomic<int> held{0};
  std::atomic<int> most{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 300; ++i) {
        auto lease = db->acquire();
        if (!lease.ok()) {
          ++failures;
          continue;
        }
        const int now = ++held;
        int seen = most.load();
        while (now > seen && !most.compare_exchange_weak(seen, now)) {
        }
        auto stmt = (*lease)->prepare("SELECT count(*) FROM sqlite_master");
        if (!stmt.ok() || !stmt->step().ok()) ++failures;
        --held;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_LE(most.load(), kMax);
  EXPECT_GE(most.load(), 1);
}

TEST(SqliteDatabaseTest, ReleasingALeaseRollsBackAForgottenTransaction) {
  TempDir dir;
  auto db = openOrDie(dir.file("tx.db"), SqliteOptions{.maxConnections = 1});
  ASSERT_NE(db, nullptr);
  {
    auto lease = db->acquire();
    ASSERT_TRUE(lease.ok());
    ASSERT_TRUE((*lease)->run("BEGIN IMMEDIATE").ok());
    ASSERT_TRUE((*lease)
                    ->run("INSERT INTO customers (phone, first_name, last_name, level, language, "
                          "created_at_ms) VALUES ('+1', 'a', 'b', 'c', 'd', 0)")
                    .ok());
  }
  auto lease = db->acquire();
  ASSERT_TRUE(lease.ok());
  EXPECT_FALSE((*lease)->inTransaction());
  auto stmt = (*lease)->prepare("SELECT COUNT(*) FROM customers");
  ASSERT_TRUE(stmt.ok());
  ASSERT_TRUE(*stmt->step());
  EXPECT_EQ(stmt->columnInt64(0), 0);
}

TEST(SqliteDatabaseTest, TwoHandlesOnOneFileSeeEachOthersWrites) {
  // Two SqliteDatabase objects behave like two processes (server and CLI) sharing the file.
  TempDir dir;
  const std::string path = dir.file("shared.db");
  auto server = openOrDie(path);
  auto cli = openOrDie(path);
  ASSERT_NE(server, nullptr);
  ASSERT_NE(cli, nullptr);
  SqliteCustomerStore serverStore(*server);
  SqliteCustomerStore cliStore(*cli);
  ASSERT_TRUE(cliStore.add(customer("+15550100003")).ok());
  auto found = serverStore.findByPhone("+15550100003");
  ASSERT_TRUE(found.ok());
  EXPECT_TRUE(found->has_value());
}

TEST(SqliteDatabaseTest, HotQueriesUseTheirIndexes) {
  auto db = openOrDie(":memory:");
  ASSERT_NE(db, nullptr);
  auto plan = [&](const char* sql) {
    auto lease = db->acquire();
    auto stmt = (*lease)->prepare(std::string("EXPLAIN QUERY PLAN ") + sql);
    EXPECT_TRUE(stmt.ok()) << stmt.error().toString();
    std::string all;
    while (*stmt->step()) all += stmt->columnText(3) + "\n";
    return all;
  };
  EXPECT_NE(plan("SELECT COUNT(*) FROM challenges WHERE phone >= ?1 AND phone < ?2 AND "
                 "created_at_ms >= ?3")
                .find("COVERING INDEX challenges_by_phone_created"),
            std::string::npos);
  const std::string latest =
      plan("SELECT * FROM challenges WHERE phone = ?1 ORDER BY id DESC LIMIT 1");
  EXPECT_NE(latest.find("INDEX challenges_by_phone "), std::string::npos) << latest;
  EXPECT_EQ(latest.find("TEMP B-TREE"), std::string::npos) << latest;
  EXPECT_NE(plan("SELECT * FROM customers WHERE phone = ?1").find("PRIMARY KEY"),
            std::string::npos);
}

TEST(SqliteDatabaseTest, PrepareRefusesTwoStatementsInOneString) {
  auto db = openOrDie(":memory:");
  ASSERT_NE(db, nullptr);
  auto lease = db->acquire();
  ASSERT_TRUE(lease.ok());
  auto stmt = (*lease)->prepare("SELECT 1; SELECT 2");
  ASSERT_FALSE(stmt.ok());
  EXPECT_EQ(stmt.error().code(), ErrorCode::kInternal);
  EXPECT_TRUE((*lease)->prepare("SELECT 1; ").ok());
}

}  // namespace
}  // namespace callgate

namespace callgate {
namespace {

TEST(SqliteDatabaseFileTest, NewDatabaseFilesArePrivate) {
  testing::TempDir dir;
  const std::string path = dir.file("private.db");
  auto db = SqliteDatabase::open(path);
  ASSERT_TRUE(db.ok()) << db.error().toString();
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

}  // namespace
}  // namespace callgate

namespace callgate {
namespace {

TEST(SqliteDatabaseTest, PingAnswersUnavailableWhenTheDatabaseCannotBeReached) {
  TempDir dir;
  const std::string path = dir.path() + "/gone/ping.db";
  SqliteOptions options;
  options.maxConnections = 2;
  auto db = openOrDie(path, options);
  ASSERT_TRUE(db);
  EXPECT_TRUE(db->ping().ok());
  // Every pooled connection busy, and the file's directory gone: the ping needs a new connection
  // and cannot open one.
  auto held = db->acquire();
  ASSERT_TRUE(held.ok());
  std::filesystem::remove_all(dir.path() + "/gone");
  Status broken = db->ping();
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().code(), ErrorCode::kUnavailable) << broken.error().message();
}

TEST(SqliteDatabaseTest, AFileDeletedWhileOpenIsNotWrittenToAndOnePutBackIsUsed) {
  TempDir dir;
  const std::string path = dir.file("callgate.db");
  auto db = openOrDie(path);
  ASSERT_NE(db, nullptr);
  SqliteCustomerStore store(*db);
  ASSERT_TRUE(store.add(customer("+15550100001")).ok());
  ASSERT_TRUE(db->ping().ok());

  // Moved away (as by rm, or by a restore that first moves the old file aside): a write must
  // fail rather than land in a file nobody will ever open again, and the ping says so.
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::rename(path + suffix, path + ".aside" + suffix);
  }
  Status lost = store.add(customer("+15550100002"));
  ASSERT_FALSE(lost.ok());
  EXPECT_EQ(lost.error().code(), ErrorCode::kUnavailable) << lost.error().message();
  EXPECT_FALSE(db->ping().ok());
  EXPECT_FALSE(std::filesystem::exists(path)) << "no empty database may appear in its place";

  // Put back: the same handle works again, with everything written before.
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::rename(path + ".aside" + suffix, path + suffix);
  }
  EXPECT_TRUE(db->ping().ok());
  ASSERT_TRUE(store.add(customer("+15550100003")).ok());
  EXPECT_EQ(*store.count(), 2);
}

}  // namespace
}  // namespace callgate
